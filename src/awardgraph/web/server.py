"""``awardgraph serve``: the app under gunicorn, a production WSGI server (never Flask's development server).

gunicorn forks ``settings.workers`` worker processes, each with a few threads; each worker creates its own app and
opens the store read-only on its first request, so workers share nothing but the files. ``SIGTERM`` or ``SIGINT``
to the master stops it gracefully (workers finish the requests they have).

Before the workers, ``serve`` starts the embedded store's in-memory copy of the build (its zygote,
:func:`awardgraph.store.oxigraph.start_copy`), which forks the workers' query processes; the master stops it when it
stops.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from awardgraph.config import Settings
from awardgraph.store.oxigraph import start_copy

THREADS = 8  # requests waiting on a query process hold a thread; pages and /health need threads left over
TIMEOUT = 60
ZYGOTE_STOP = 5.0  # seconds the zygote has to end after SIGTERM before it is killed


def options(settings: Settings) -> dict[str, Any]:
    """gunicorn's configuration for ``settings``."""
    host = f"[{settings.host}]" if ":" in settings.host else settings.host
    return {
        "bind": [f"{host}:{settings.port}"],
        "workers": settings.workers,
        "worker_class": "gthread",
        "threads": THREADS,
        "timeout": TIMEOUT,
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": settings.access_log,  # off by default: it halved the rate of cached documents
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "awardgraph",
        "preload_app": False,
        "forwarded_allow_ips": "",
        # gunicorn answers 414 past this; 0 means its own cap of 1 MiB, and the app's check (also 414) decides
        "limit_request_line": settings.max_url + 32 if settings.max_url + 32 <= 8190 else 0,
        # gunicorn 27's control socket has one fixed path per user: two servers on a machine would fight over it
        "control_socket_disable": True,
    }


class _Server(BaseApplication):  # type: ignore[misc]  # gunicorn ships no type information
    def __init__(self, settings: Settings, runtime: Path) -> None:
        self.settings, self.runtime = settings, runtime
        super().__init__()

    def load_config(self) -> None:
        for key, value in options(self.settings).items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        from awardgraph.web import create_app

        return create_app(self.settings, runtime=self.runtime)


def serve(settings: Settings) -> None:
    """Serve the current build of ``settings.store`` on ``settings.host:settings.port`` until stopped.

    The workers share a private runtime directory (the per-client query budgets), removed when the server stops.
    """
    from awardgraph.web import create_app

    create_app(settings)  # fail here, in the terminal, on settings the app refuses
    runtime, master = Path(tempfile.mkdtemp(prefix="awardgraph-serve-")), os.getpid()
    copier = start_copy(settings, runtime)  # the workers' pools find it at its socket in ``runtime``
    try:
        _Server(settings, runtime).run()
    finally:
        if os.getpid() == master:  # a worker leaves through here too when it exits (gunicorn forks inside run())
            if copier is not None:
                copier.terminate()
                try:
                    copier.wait(ZYGOTE_STOP)
                except subprocess.TimeoutExpired:
                    copier.kill()
                    copier.wait()
            shutil.rmtree(runtime, ignore_errors=True)
