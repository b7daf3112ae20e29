"""Large answers travel in pieces: the query process writes its body frame by frame after a header whose count and
truncation are final, the web worker keeps it in memory only up to a bound (a temporary file beyond), a failure
while writing leaves no answer (never a partial one), and the client gets it with its length known up front."""

from __future__ import annotations

import io
import json
import struct
from typing import IO

import pytest
from flask.testing import FlaskClient

from awardgraph.store import payload, results
from awardgraph.store.sandbox import executor
from awardgraph.store.sandbox.executor import write_answer

JSON = "application/sparql-results+json"


def frames(data: bytes) -> list[bytes]:
    found, at = [], 0
    while at < len(data):
        (size,) = struct.unpack(">I", data[at : at + 4])
        found.append(data[at + 4 : at + 4 + size])
        at += 4 + size
    return found


def prepared(write: object) -> results.Prepared:
    return results.Prepared("graph", "application/n-triples", 3, False, write)  # type: ignore[arg-type]


def test_the_body_is_written_in_pieces_after_a_final_header(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executor, "PIECE", 1000)
    line = b"<http://e.org/s> <http://e.org/p> <http://e.org/o> .\n"

    def write(out: IO[bytes]) -> None:
        for _ in range(100):
            out.write(line)

    out = io.BytesIO()
    write_answer(out, {"status": "ok", "count": 100}, prepared(write))
    header, *pieces, end, status = frames(out.getvalue())
    assert json.loads(header) == {"status": "ok", "count": 100}
    assert len(pieces) > 3 and all(0 < len(p) <= 1000 for p in pieces) and b"".join(pieces) == line * 100
    assert end == b"" and json.loads(status) == {"status": "ok"}


def test_a_failure_while_writing_is_said_at_the_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executor, "PIECE", 10)

    def write(out: IO[bytes]) -> None:
        out.write(b"x" * 25)
        raise RuntimeError("the writer failed")

    out = io.BytesIO()
    write_answer(out, {"status": "ok"}, prepared(write))
    _, *_, end, status = frames(out.getvalue())
    assert end == b"" and json.loads(status) == {"status": "error", "message": "the writer failed"}


def test_the_worker_keeps_a_bounded_part_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(payload, "IN_MEMORY", 100)
    monkeypatch.setattr(payload, "PIECE", 64)
    body = payload.Payload(b"a" * 60)
    assert body.in_memory
    body.append(b"b" * 60)
    assert not body.in_memory and body.size == 120
    assert body.read() == b"a" * 60 + b"b" * 60
    pieces = list(body.pieces())
    assert [len(p) for p in pieces] == [64, 56] and b"".join(pieces) == b"a" * 60 + b"b" * 60
    with pytest.raises(ValueError):
        body.read()  # sending it closed it


def test_a_large_answer_reaches_the_client_whole(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(payload, "IN_MEMORY", 10_000)  # so that this answer goes through a temporary file
    query = "SELECT ?s ?p ?o ?n WHERE { ?s ?p ?o VALUES ?n { 1 2 3 4 5 6 7 8 9 10 } }"  # about 14,000 rows
    r = client.get("/sparql", query_string={"query": query}, headers={"Accept": JSON})
    assert r.status_code == 200
    body = r.get_data()
    assert int(r.headers["Content-Length"]) == len(body) > 10_000
    assert len(json.loads(body)["results"]["bindings"]) == 10_000
    cut = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
    assert cut.headers["Awardgraph-Truncated"] == "rows=10000"  # decided before the body
    assert len(cut.get_data().splitlines()) == 10_001
