"""Throughput with a fixed number of concurrent clients, each with a keep-alive connection, for a fixed time.

With ``wrk`` installed (Debian ``wrk``) it drives the requests: a C client that does not itself become the
bottleneck of a fast server on a 2-core machine. Without it, a fallback of client processes using http.client
measures the same thing, but tops out at a few thousand requests per second (the results say which was used).
The requests rotate over a list of paths (different resources), so no answer is served from a single hot entry.
"""

from __future__ import annotations

import http.client
import multiprocessing
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

WRK_SCRIPT = """\
local paths = {{ {paths} }}
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i], {{ ["Accept"] = "{accept}" }})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration, e.status,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


@dataclass
class Throughput:
    requests: int
    seconds: float
    errors: int
    p50_ms: float | None
    p99_ms: float | None
    client: str

    @property
    def rps(self) -> float:
        """Successful answers per second (wrk counts 4xx/5xx answers among its requests; they are not throughput)."""
        return max(0, self.requests - self.errors) / self.seconds if self.seconds else 0.0


def client_name() -> str:
    return "wrk" if shutil.which("wrk") else "python"


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def measure(
    host: str, port: int, paths: list[str], *, accept: str, clients: int, seconds: float, folder: Path
) -> Throughput:
    if shutil.which("wrk"):
        return _wrk(host, port, paths, accept=accept, clients=clients, seconds=seconds, folder=folder)
    return _python(host, port, paths, accept=accept, clients=clients, seconds=seconds)


def _wrk(
    host: str, port: int, paths: list[str], *, accept: str, clients: int, seconds: float, folder: Path
) -> Throughput:
    script = folder / f"wrk-{port}.lua"
    script.write_text(WRK_SCRIPT.format(paths=", ".join(map(lua_string, paths)), accept=accept), encoding="utf-8")
    command = ["wrk", "-t", str(min(2, clients)), "-c", str(clients), "-d", f"{seconds:.0f}s", "--timeout", "10s"]
    done = subprocess.run(
        [*command, "-s", str(script), f"http://{host}:{port}"],
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=False,
    )
    found = re.search(r"^RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", done.stdout, re.MULTILINE)
    if not found:
        raise RuntimeError(f"wrk: {done.stdout[-500:]} {done.stderr[-500:]}")
    requests, micros, status_errors, socket_errors, p50, p99 = map(int, found.groups())
    return Throughput(requests, micros / 1e6, status_errors + socket_errors, p50 / 1000, p99 / 1000, "wrk")


def _client(host: str, port: int, paths: list[str], accept: str, deadline: float, queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    done = errors = 0
    connection = http.client.HTTPConnection(host, port, timeout=10)
    i = 0
    while time.monotonic() < deadline:
        i = (i + 1) % len(paths)
        try:
            connection.request("GET", paths[i], headers={"Accept": accept})
            answer = connection.getresponse()
            answer.read()
            if answer.status >= 400:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            connection.close()
            connection = http.client.HTTPConnection(host, port, timeout=10)
        done += 1
    queue.put((done, errors))


def _python(host: str, port: int, paths: list[str], *, accept: str, clients: int, seconds: float) -> Throughput:
    queue: multiprocessing.Queue = multiprocessing.Queue()  # type: ignore[type-arg]
    start = time.monotonic()
    deadline = start + seconds
    workers = [
        multiprocessing.Process(target=_client, args=(host, port, paths[k:] + paths[:k], accept, deadline, queue))
        for k in range(clients)
    ]
    for worker in workers:
        worker.start()
    results = [queue.get(timeout=seconds + 60) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    elapsed = time.monotonic() - start
    return Throughput(sum(r[0] for r in results), elapsed, sum(r[1] for r in results), None, None, "python")
