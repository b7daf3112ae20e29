"""A real ``awardgraph serve`` (granian) in a subprocess on 127.0.0.1, over a build (``--store``) or a remote store
(``--endpoint``, its credentials passed through the environment), spoken to with raw HTTP requests: the method,
headers and body exactly as a test writes them (no client adds a ``Content-Type`` or an ``Accept`` of its own).

The process is started by the test and stopped by its PID only.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from awardgraph.config import Settings

SRC = Path(__file__).resolve().parents[2] / "src"
READY_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def command_for(settings: Settings, env: dict[str, str]) -> list[str]:
    """The flags (and, in ``env``, the variables) that point ``awardgraph serve`` at ``settings``' data."""
    flags = ["--base-iri", settings.base_iri]
    if not settings.endpoint:
        return [*flags, "--store", str(settings.store)]
    env["AWARDGRAPH_DEFAULT_GRAPH"] = settings.default_graph
    flags += ["--endpoint", str(settings.endpoint)]
    if settings.auth_user:
        env["AG_TEST_PASSWORD"] = str(settings.auth_password)
        flags += ["--auth-user", settings.auth_user, "--auth-password-env", "AG_TEST_PASSWORD"]
    return flags


def clean_env(**more: str) -> dict[str, str]:
    """This process's environment without any ``AWARDGRAPH_*`` setting, the source tree first on the path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWARDGRAPH_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
    return {**env, **more}


@dataclasses.dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def media_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()

    def json(self) -> object:
        return json.loads(self.body)


@dataclasses.dataclass
class Served:
    """A running ``awardgraph serve``: raw requests to it."""

    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(
        self, method: str, path: str, *, body: bytes | None = None, headers: Mapping[str, str] | None = None
    ) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            if body is not None:
                connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            return Reply(response.status, response.headers, response.read())
        finally:
            connection.close()


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server this test started, by its PID: SIGTERM, and SIGKILL if it has not ended within 30 s."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait()


def serve_command(settings: Settings, **variables: str) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of ``awardgraph serve`` over ``settings``' data on a free port."""
    env = clean_env(**variables)
    command = [sys.executable, "-m", "awardgraph", "serve", *command_for(settings, env)]
    return [*command, "--host", "127.0.0.1", "--port", str(free_port()), "--workers", "2"], env


def refused(settings: Settings, log: Path, *, seconds: float = 60.0, **variables: str) -> tuple[int, str]:
    """Start ``awardgraph serve`` expecting it to refuse: its exit status and what it printed. A server that starts
    instead is asked for ``/health`` and stopped, and the test fails saying what it served."""
    command, env = serve_command(settings, **variables)
    port = int(command[command.index("--port") + 1])
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    served = Served(port, process, log)
    deadline = time.monotonic() + seconds
    try:
        while process.poll() is None and time.monotonic() < deadline:
            try:
                health = served.request("GET", "/health")
                page = served.request("GET", "/", headers={"Accept": "text/turtle"})
                raise AssertionError(f"serve started: /health {health.status} {health.text!r}, / {page.status}")
            except OSError:
                time.sleep(0.2)
    finally:
        stop(process)
    return int(process.returncode), log.read_text(errors="replace")


@contextmanager
def serving(settings: Settings, log: Path, *, healthy: bool = True, **variables: str) -> Iterator[Served]:
    """``awardgraph serve`` over ``settings``' data (two workers), with ``variables`` as more ``AWARDGRAPH_*``
    settings, once ``/health`` answers (200, unless not ``healthy``); stopped with SIGTERM when the block ends,
    which must end it with status 0."""
    command, env = serve_command(settings, **variables)
    port = int(command[command.index("--port") + 1])
    with log.open("ab") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    served = Served(port, process, log)
    try:
        deadline = time.monotonic() + READY_SECONDS
        while True:
            try:
                if served.request("GET", "/health").status == 200 or not healthy:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the server did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield served
    finally:
        stop(process)
    assert process.returncode == 0, log.read_text(errors="replace")
