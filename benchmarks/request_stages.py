"""Where a light user query's time goes, stage by stage, on the code ``/sparql`` runs (issue 16's profile).

    .venv/bin/python benchmarks/request_stages.py --store DIR [--requests 2000]

``DIR`` is a store folder (``DIR/current`` is the build), for example one written by ``awardgraph build --store DIR``
or ``benchmarks/build_speed.py``. The app is made as ``serve`` makes it (the build's in-memory copy, a pool of
query processes forked from it, the shared admission file), and the same light queries are asked, one at a time,
two ways:

- through the app's WSGI callable in this process (no network): each stage of the request is timed by wrapping
  the function that does it (the wrapper costs about a microsecond a call);
- over HTTP to a real ``awardgraph serve`` of the same store (granian, keep-alive connection): the whole round trip.

Beside them, the engine alone: the same query and serialization with pyoxigraph on an in-memory copy in this
process. Figures are medians in microseconds on this machine; read them as shares of one request.
"""

from __future__ import annotations

import argparse
import functools
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox

from awardgraph.config import Settings
from awardgraph.store.oxigraph import start_copy
from awardgraph.store.sandbox import pool as pool_module
from awardgraph.store.sandbox import process as process_module
from awardgraph.web import create_app
from awardgraph.web.endpoint import admission, querying

QUERIES = {
    "ask": "ASK { ?s ?p ?o }",
    "describe": "SELECT ?p ?o WHERE { ?s ?p ?o } LIMIT 30",
}
ACCEPT = "application/sparql-results+json"
TIMES: dict[str, list[float]] = defaultdict(list)
PER_RUN: dict[str, float] = defaultdict(float)  # stages called several times in one query's run, summed


def timed(name: str, function: Callable[..., Any], *, summed: bool = False) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds = time.perf_counter() - started
            if summed:
                PER_RUN[name] += seconds
            else:
                TIMES[name].append(seconds)

    return wrapper


def run_boundary(function: Callable[..., Any]) -> Callable[..., Any]:
    """The pool's run: its own time, and the summed stages inside it, once per query."""
    timed_run = timed("store: the query process, all", function)

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        PER_RUN.clear()
        try:
            return timed_run(*args, **kwargs)
        finally:
            for name, seconds in PER_RUN.items():
                TIMES[name].append(seconds)

    return wrapper


def instrument() -> None:
    """Wrap each stage's function where the request path looks it up."""
    querying._check = timed("checks (size, update, nesting, dataset)", querying._check)
    admission.Admission.enter = timed("admission: enter", admission.Admission.enter)  # type: ignore[method-assign]
    admission.Admission.leave = timed("admission: leave", admission.Admission.leave)  # type: ignore[method-assign]
    pool = pool_module.QueryPool
    pool.run = run_boundary(pool.run)  # type: ignore[method-assign]
    pool._acquire = timed("  a free process", pool._acquire, summed=True)  # type: ignore[method-assign]
    process = process_module.QueryProcess
    process.send = timed("  send the job", process.send, summed=True)  # type: ignore[method-assign]
    receive = "  wait for and read the answer's frames (the process works)"
    process.receive = timed(receive, process.receive, summed=True)  # type: ignore[method-assign]


def wsgi_call(app: Any, path: str) -> tuple[str, bytes]:
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path.split("?")[0],
        "QUERY_STRING": path.split("?", 1)[1],
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_ACCEPT": ACCEPT,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": sys.stdin.buffer,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    status: list[str] = []

    def start_response(line: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        status.append(line)

    body = b"".join(app(environ, start_response))
    return status[0], body


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def over_http(store: Path, paths: list[str], requests: int) -> list[float]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWARDGRAPH_")}
    env["AWARDGRAPH_CLIENT_BUDGET"] = "0"
    command = [sys.executable, "-m", "awardgraph", "serve", "--store", str(store), "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        link = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for _ in range(300):
            try:
                link.request("GET", "/health")
                link.getresponse().read()
                break
            except OSError:
                link.close()
                time.sleep(0.1)
        seconds = []
        for n in range(requests):
            started = time.perf_counter()
            link.request("GET", paths[n % len(paths)], headers={"Accept": ACCEPT})
            answer = link.getresponse()
            answer.read()
            seconds.append(time.perf_counter() - started)
            assert answer.status == 200, answer.status
        return seconds
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)


def engine_alone(store: Path, query: str, requests: int) -> list[float]:
    """The query and its JSON serialization by pyoxigraph on an in-memory copy, in this process."""
    copy = ox.Store()
    disk = ox.Store.read_only(str((store / "current").resolve() / "oxigraph"))
    copy.bulk_extend(disk.quads_for_pattern(None, None, None, None))
    seconds = []
    for _ in range(requests):
        started = time.perf_counter()
        copy.query(query).serialize(format=ox.QueryResultsFormat.JSON)  # type: ignore[union-attr]
        seconds.append(time.perf_counter() - started)
    return seconds


def us(values: list[float]) -> str:
    return f"{statistics.median(values) * 1e6:,.0f}" if values else "-"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    runtime = Path(tempfile.mkdtemp(prefix="request-stages-"))
    settings = Settings.from_env({}, store=args.store, client_budget=0.0)
    copier = start_copy(settings, runtime)
    instrument()
    app = create_app(settings, runtime=runtime)
    wall: dict[str, list[float]] = {}
    try:
        for name, query in QUERIES.items():
            path = "/sparql?" + urlencode({"query": query})
            for _ in range(200):  # warm: the copy loaded, the processes forked from it, the code paths hot
                wsgi_call(app, path)
            TIMES.clear()
            wall[name] = []
            for _ in range(args.requests):
                started = time.perf_counter()
                status, _body = wsgi_call(app, path)
                wall[name].append(time.perf_counter() - started)
                assert status.startswith("200"), status
            stages = {k: list(v) for k, v in TIMES.items()}
            http_times = over_http(args.store, [path], args.requests)
            engine = engine_alone(args.store, query, args.requests)
            print(f"\n{name}: {query}  (medians of {args.requests}, microseconds)")
            print(f"  {'over HTTP to awardgraph serve (granian, keep-alive)':58} {us(http_times):>8}")
            print(f"  {'the app (WSGI call in this process)':58} {us(wall[name]):>8}")
            for stage, values in stages.items():
                print(f"    {stage:56} {us(values):>8}")
            print(f"  {'the engine alone (pyoxigraph in memory, query + JSON)':58} {us(engine):>8}")
    finally:
        if copier is not None:
            copier.terminate()
            copier.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
