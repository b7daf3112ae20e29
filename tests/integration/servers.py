"""Real SPARQL servers for the integration tests: Oxigraph server (PyPI ``oxigraph``) and Virtuoso 7 (Debian).

Each runs on 127.0.0.1 on free ports, keeps its data in a scratch directory, is started as a child process and
stopped (or killed) by its PID only. A server that is not installed makes :func:`pytest.skip` say so.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from awardgraph.config import Settings

READY_SECONDS = 90.0


def missing(reason: str) -> None:
    """Skip on a developer's machine; fail in CI (``CI=true``), which must run every server test."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; .ci/run should have installed it")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A server process started by a test; ``settings()`` gives awardgraph settings pointing at it."""

    name = "server"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen[bytes] | None = None
        self.password: str | None = None

    # subclasses: command(), probe_url, endpoint settings
    def command(self) -> list[str]:
        raise NotImplementedError

    @property
    def probe_url(self) -> str:
        raise NotImplementedError

    def remote_settings(self, *, graph_store: bool = False) -> dict[str, object]:
        raise NotImplementedError

    def settings(self, base_iri: str, *, graph_store: bool = False, **more: object) -> Settings:
        return Settings(base_iri=base_iri, **{**self.remote_settings(graph_store=graph_store), **more})  # type: ignore[arg-type]

    def start(self) -> None:
        log = (self.folder / "server.log").open("ab")
        self.process = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT, cwd=self.folder)
        log.close()
        self.wait_ready()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}: {self.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.probe_url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer within {READY_SECONDS:.0f} s: {self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL the server by its PID (a crash: no shutdown, no flush)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)

    def log_tail(self) -> str:
        path = self.folder / "server.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""


class OxigraphServer(Server):
    """``oxigraph serve``; its default graph is a graph of its own (``publish`` moves the project's default graph
    there), unless ``union`` starts it with ``--union-default-graph``."""

    name = "oxigraph"

    def __init__(self, folder: Path, *, union: bool = False) -> None:
        super().__init__(folder)
        self.binary = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
        if not Path(self.binary).is_file():
            missing("Oxigraph server is not installed (pip install oxigraph, the [test] extra)")
        self.port, self.union = free_port(), union

    def command(self) -> list[str]:
        command = [self.binary, "serve", "--location", str(self.folder / "db"), "--bind", f"127.0.0.1:{self.port}"]
        return [*command, "--union-default-graph"] if self.union else command

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def probe_url(self) -> str:
        return f"{self.url}/query"

    def remote_settings(self, *, graph_store: bool = False) -> dict[str, object]:
        return {
            "endpoint": f"{self.url}/query",
            "update_endpoint": f"{self.url}/update",
            "graph_store": f"{self.url}/store" if graph_store else None,
        }


VIRTUOSO_INI = """\
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {dir}/virtuoso-temp.db
TransactionFile    = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort               = 127.0.0.1:{sql_port}
DisableUnixSocket        = 1
CheckpointInterval       = 60
CaseMode                 = 2
DirsAllowed              = ., {dir}
NumberOfBuffers          = 20000
MaxDirtyBuffers          = 15000
MaxQueryMem              = 1G
MaxVectorSize            = 4000000
ThreadsPerQuery          = 2

[HTTPServer]
ServerPort               = 127.0.0.1:{http_port}
ServerRoot               = {dir}/vsp
MaxClientConnections     = 8
ServerThreads            = 8
Charset                  = UTF-8
EnabledGzipContent       = 0

[SPARQL]
ResultSetMaxRows           = 10000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 0
"""


class VirtuosoServer(Server):
    """Virtuoso Open Source 7 with its own ini; awardgraph talks to ``/sparql-auth`` as ``dba`` (Digest)."""

    name = "virtuoso"

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.binary, self.isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
        if not self.binary or not self.isql:
            missing("Virtuoso is not installed (apt-get install virtuoso-opensource)")
        self.sql_port, self.http_port = free_port(), free_port()
        (self.folder / "vsp").mkdir(exist_ok=True)
        ini = VIRTUOSO_INI.format(dir=self.folder, sql_port=self.sql_port, http_port=self.http_port)
        (self.folder / "virtuoso.ini").write_text(ini, encoding="utf-8")
        self.password = secrets.token_urlsafe(12)
        self._password_set = False

    def command(self) -> list[str]:
        assert self.binary is not None
        return [self.binary, "+configfile", str(self.folder / "virtuoso.ini"), "+foreground"]

    def start(self) -> None:
        super().start()
        if not self._password_set:  # a fresh database: dba/dba until we change it
            self.sql(f"USER_SET_PASSWORD('dba', '{self.password}');", password="dba")
            self._password_set = True

    def sql(self, statement: str, *, password: str | None = None) -> str:
        assert self.isql is not None
        done = subprocess.run(
            [self.isql, f"127.0.0.1:{self.sql_port}", "dba", password or str(self.password), f"exec={statement}"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise RuntimeError(f"isql failed: {done.stdout[-500:]} {done.stderr[-500:]}")
        return done.stdout

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def probe_url(self) -> str:
        return f"{self.url}/sparql"

    def remote_settings(self, *, graph_store: bool = False) -> dict[str, object]:
        return {
            "endpoint": f"{self.url}/sparql-auth",
            "graph_store": f"{self.url}/sparql-graph-crud-auth" if graph_store else None,
            "auth_user": "dba",
            "auth_password": self.password,
            "default_graph": "listed",  # a query without a dataset reads every graph in Virtuoso
        }


SERVERS: dict[str, type[Server]] = {"oxigraph": OxigraphServer, "virtuoso": VirtuosoServer}


def start_server(kind: str, folder: Path) -> Server:
    server = SERVERS[kind](folder)
    server.start()
    return server
