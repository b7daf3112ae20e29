"""One client's burst against a real ``awardgraph serve`` with its shipped limits: queued in arrival order and
answered, not refused (issue 13); and a client whose queries run away still leaves others served.

The numbers are the behaviour, not a speed: 200 quick queries over 8 keep-alive connections must be answered
(at least 190 of them, each with the right answer), and another client's ASK must come back while 8 runaway
queries of one client hold their share (within :data:`LIVENESS` seconds, generous for a loaded two-core machine).
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterator

import pytest
from hostile import BASE, RUNAWAY
from realserver import RealServer, Reply, sparql_path

from awardgraph.config import Settings

pytestmark = pytest.mark.slow
JSON = {"Accept": "application/sparql-results+json"}
LIVENESS = 3.0


@pytest.fixture(scope="module")
def server(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RealServer]:
    log = tmp_path_factory.mktemp("bursts") / "serve.log"
    made = RealServer(settings.store, BASE, log, {"AWARDGRAPH_QUERY_TIMEOUT": "4"}).start()  # the shipped limits
    yield made
    assert made.stop() == 0, log.read_text(errors="replace")
    assert "Traceback" not in log.read_text(errors="replace")


def test_a_burst_from_one_client_is_answered(server: RealServer) -> None:
    """200 quick queries from one host over 8 keep-alive connections, as a researcher's script sends them."""
    names = [f"q{n}" for n in range(200)]
    answers: dict[str, tuple[int, object]] = {}
    todo = list(names)
    lock = threading.Lock()

    def connection() -> None:
        link = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60, source_address=("127.0.3.1", 0))
        try:
            while True:
                with lock:
                    if not todo:
                        return
                    name = todo.pop()
                link.request("GET", sparql_path(f'SELECT ("{name}" AS ?name) WHERE {{}}'), headers=JSON)
                response = link.getresponse()
                body = response.read()
                value = json.loads(body)["results"]["bindings"][0]["name"]["value"] if response.status == 200 else None
                answers[name] = (response.status, value)
                if response.getheader("Connection", "").lower() == "close":
                    link.close()
        finally:
            link.close()

    threads = [threading.Thread(target=connection) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    statuses = [status for status, _ in answers.values()]
    right = [name for name, (status, value) in answers.items() if status == 200 and value == name]
    assert len(right) >= 190, (sorted(statuses), [a for a in answers.values() if a[0] != 200][:3])
    assert statuses.count(429) <= 10


def test_runaway_queries_of_one_client_leave_another_served(server: RealServer) -> None:
    replies: list[Reply] = []

    def runaway() -> None:
        replies.append(server.get(sparql_path(RUNAWAY, timeout="3"), source="127.0.3.2", headers=JSON))

    threads = [threading.Thread(target=runaway) for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)  # they are running or waiting their turn
    ask = server.get(sparql_path("ASK { ?s ?p ?o }"), source="127.0.3.3", headers=JSON)
    assert ask.status == 200 and json.loads(ask.body)["boolean"] is True
    assert ask.seconds < LIVENESS, ask.seconds
    for thread in threads:
        thread.join(120)
    statuses = sorted(r.status for r in replies)
    # each ran out of its 3 s (503), or waited its turn past AWARDGRAPH_CLIENT_WAIT (429): none was answered wrongly
    assert set(statuses) <= {429, 503}, statuses
    assert all(int(r.headers["Retry-After"]) >= 1 for r in replies if r.status == 429)
    assert server.healthy()
