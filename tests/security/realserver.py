"""A real ``awardgraph serve`` (granian) in a subprocess on 127.0.0.1, and a listener that records who calls it.

Requests can come from different loopback addresses (``source="127.0.0.7"``: Linux routes all of 127/8 to the
loopback interface), which the server sees as different clients. Every process is started by the test and stopped
by its PID only.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

SRC = Path(__file__).resolve().parents[2] / "src"
READY_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> object:
        return json.loads(self.body)


def sparql_path(query: str, **params: str | list[str]) -> str:
    return "/sparql?" + urlencode({"query": query, **params}, doseq=True)


class RealServer:
    """``awardgraph serve --store STORE`` with ``env`` (``AWARDGRAPH_*`` settings) on a free port."""

    def __init__(self, store: Path, base_iri: str, log: Path, env: Mapping[str, str] | None = None) -> None:
        self.store, self.base_iri, self.log = store, base_iri, log
        self.port = free_port()
        self.env = dict(env or {})
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RealServer:
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWARDGRAPH_")}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")]))
        env.update(self.env)
        command = [sys.executable, "-m", "awardgraph", "serve", "--store", str(self.store)]
        command += ["--base-iri", self.base_iri, "--host", "127.0.0.1", "--port", str(self.port), "--workers", "2"]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + READY_SECONDS
        while True:
            try:
                self.get("/health", timeout=2)  # any answer: the server is up (some tests serve a broken store)
                return self
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                if self.process.poll() is None:
                    self.stop()
                raise AssertionError(f"the server did not start:\n{self.log.read_text(errors='replace')}")
            time.sleep(0.2)

    def stop(self) -> int:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()
            raise

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        source: str = "127.0.0.1",
        timeout: float = 60.0,
    ) -> Reply:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout, source_address=(source, 0))
        started = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=dict(headers or {}))
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        return Reply(response.status, response.headers, data, time.monotonic() - started)

    def get(self, path: str, **options: object) -> Reply:
        return self.request("GET", path, **options)  # type: ignore[arg-type]

    def post(self, path: str, body: bytes, content_type: str, **options: object) -> Reply:
        headers = {"Content-Type": content_type, **dict(options.pop("headers", {}) or {})}  # type: ignore[call-overload]
        return self.request("POST", path, body=body, headers=headers, **options)  # type: ignore[arg-type]

    def healthy(self) -> bool:
        reply = self.get("/health", timeout=10)
        return reply.status == 200 and reply.json()["status"] == "ok"  # type: ignore[index]

    def processes(self) -> list[int]:
        """The server's processes: granian's main process, its workers and their query processes."""
        assert self.process is not None
        found, frontier = [self.process.pid], [self.process.pid]
        while frontier:
            parent = frontier.pop()
            for task in Path(f"/proc/{parent}/task").glob("*/children"):
                children = [int(c) for c in task.read_text().split()]
                found += children
                frontier += children
        return found

    def memory(self) -> int:
        """Resident memory of all the server's processes, in bytes."""
        total = 0
        for pid in self.processes():
            try:
                statm = Path(f"/proc/{pid}/statm").read_text().split()
            except OSError:
                continue
            total += int(statm[1]) * os.sysconf("SC_PAGE_SIZE")
        return total


class Listener:
    """A TCP listener on 127.0.0.1 that accepts and records every connection (and answers nothing)."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.port = int(self.socket.getsockname()[1])
        self.calls: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            with connection:
                connection.settimeout(1)
                try:
                    self.calls.append(connection.recv(4096))
                except OSError:
                    self.calls.append(b"")

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.socket.close()
