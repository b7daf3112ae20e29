"""``awardgraph serve``: the app under granian, a production HTTP server written in Rust (never Flask's
development server).

granian's Rust side accepts connections, parses HTTP/1.1 (keep-alive, pipelining), and hands each complete request
head to the WSGI app on one of a worker's Python threads; it drains a request body the app did not read, so a client
that writes a whole refused body first still reads its 413. It forks ``settings.workers`` worker processes; each
creates its own app and opens the store read-only on its first request, so workers share nothing but the files.
``SIGTERM`` or ``SIGINT`` to the main process stops it gracefully (workers finish the requests they have).

Measured against gunicorn's threaded workers on the same app (docs/performance.md, *The front*): three times the
rate on cached documents, half again on user queries.

Before the workers, ``serve`` starts the embedded store's in-memory copy of the build (its zygote,
:func:`awardgraph.store.oxigraph.start_copy`), which forks the workers' query processes; the main process stops it
when it stops.
"""

from __future__ import annotations

import copy
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from granian.constants import HTTPModes, Interfaces
from granian.http import HTTP1Settings
from granian.log import LOGGING_CONFIG, LogLevels
from granian.server import Server

from awardgraph.config import ConfigError, Settings
from awardgraph.store.oxigraph import start_copy

THREADS = 8  # requests waiting on a query process hold a thread; pages and /health need threads left over
HEADER_TIMEOUT = 10_000  # milliseconds a client may take to send a request's head
STOP_TIMEOUT = 10  # seconds a worker has to finish its requests on SIGTERM before it is killed
ZYGOTE_STOP = 5.0  # seconds the zygote has to end after SIGTERM before it is killed
ACCESS_FORMAT = '%(addr)s - - [%(time)s] "%(method)s %(path)s %(protocol)s" %(status)d %(dt_ms).3f'


def options(settings: Settings) -> dict[str, Any]:
    """granian's configuration for ``settings``."""
    return {
        "address": settings.host,
        "port": settings.port,
        "interface": Interfaces.WSGI,
        "workers": settings.workers,
        "blocking_threads": THREADS,
        "backpressure": THREADS,  # requests a worker takes at once: one per thread, the rest wait in the kernel
        "http": HTTPModes.http1,
        "websockets": False,
        "http1_settings": HTTP1Settings(header_read_timeout=HEADER_TIMEOUT, keep_alive=True),
        "log_level": LogLevels.info,
        "log_access": settings.access_log is not None,  # off by default: it costs a third of a cached document's rate
        "log_access_format": ACCESS_FORMAT,
        "log_dictconfig": _access_log(settings.access_log),
        "process_name": "awardgraph",
        "respawn_failed_workers": True,
        "workers_kill_timeout": STOP_TIMEOUT,
    }


def _access_log(target: str | None) -> dict[str, Any] | None:
    """Logging with the access log at ``target`` (``-``: standard output, else a file); None: granian's own.

    granian replaces each top-level key of its logging configuration with ours: the handlers are all given."""
    if target is None or target == "-":
        return None
    handlers = copy.deepcopy(cast(dict[str, Any], LOGGING_CONFIG["handlers"]))
    handlers["access"] = {"formatter": "access", "class": "logging.FileHandler", "filename": target}
    return {"handlers": handlers}


def serve(settings: Settings) -> None:
    """Serve the current build of ``settings.store`` on ``settings.host:settings.port`` until stopped.

    The workers share a private runtime directory (the per-client query budgets), removed when the server stops.
    """
    from awardgraph.web import create_app

    create_app(settings)  # fail here, in the terminal, on settings the app refuses
    if settings.access_log not in (None, "-"):
        try:
            Path(str(settings.access_log)).open("a").close()
        except OSError as exc:
            raise ConfigError(f"AWARDGRAPH_ACCESS_LOG: cannot write {settings.access_log}: {exc.strerror}") from None
    runtime, master = Path(tempfile.mkdtemp(prefix="awardgraph-serve-")), os.getpid()
    copier = start_copy(settings, runtime)  # the workers' pools find it at its socket in ``runtime``
    try:
        Server("awardgraph.web:create_app", **options(settings)).serve(target_loader=_loader(settings, runtime))
    finally:
        if os.getpid() == master:  # only the main process cleans up, never a forked worker
            if copier is not None:
                copier.terminate()
                try:
                    copier.wait(ZYGOTE_STOP)
                except subprocess.TimeoutExpired:
                    copier.kill()
                    copier.wait()
            shutil.rmtree(runtime, ignore_errors=True)


def _loader(settings: Settings, runtime: Path) -> Callable[[str], Callable[..., Any]]:
    """What a worker calls (once, after the fork) for its app: the app for ``settings``, sharing ``runtime``."""

    def load(_target: str) -> Callable[..., Any]:
        from awardgraph.web import create_app

        return create_app(settings, runtime=runtime)

    return load
