"""The competency questions, asked over HTTP at ``/sparql``, of the repository's own data served from the embedded
store and from each remote store it was published to: every answer is the expected one, whichever store is behind.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from backends import BACKENDS, published, running
from flask.testing import FlaskClient

from awardgraph.config import Settings
from awardgraph.web import create_app

QUESTIONS = sorted((Path(__file__).parents[1] / "competency").glob("*.rq"))


@pytest.fixture(scope="module", params=BACKENDS)
def answering(
    request: pytest.FixtureRequest, real: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FlaskClient]:
    """The repository's data served from one store: its build, or published to a server of its own (the
    session's servers hold the test fixture's data, which Oxigraph server's union default graph would add)."""
    if request.param == "embedded":
        yield create_app(real).test_client()
        return
    for server in running(str(request.param), tmp_path_factory.mktemp(f"real-{request.param}")):
        backend = published(server, real, 0)
        yield create_app(backend.settings).test_client()


@pytest.mark.parametrize("rq", QUESTIONS, ids=[q.stem for q in QUESTIONS])
def test_competency_question_over_http(answering: FlaskClient, rq: Path) -> None:
    query = rq.read_text(encoding="utf-8")
    r = answering.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.get_data(as_text=True)
    data = json.loads(r.get_data())
    if "boolean" in data:
        got = [["ask"], ["true" if data["boolean"] else "false"]]
    else:
        names = data["head"]["vars"]
        got = [names, *([b[n]["value"] if n in b else "" for n in names] for b in data["results"]["bindings"])]
    expected_file = rq.with_name(rq.stem + ".expected.csv")
    expected = list(csv.reader(io.StringIO(expected_file.read_text(encoding="utf-8"))))
    assert got[0] == expected[0], "columns differ"
    if re.search(r"\bORDER\s+BY\b", query, re.I):
        assert got[1:] == expected[1:]
    else:
        assert sorted(got[1:]) == sorted(expected[1:])


OUTSIDE_ONLY = """
PREFIX schema: <http://schema.org/>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT * WHERE {
  VALUES (?s ?p ?o) {
    (<id/forum-edition/lublin> schema:startDate "2014-03-21"^^<http://www.w3.org/2001/XMLSchema#date>)
    (<id/unit/kancelaria-prezydenta-miasta-lublin> org:unitOf <id/organization/urzad-miasta-lublin>)
    (<id/organization/mopr-lublin> org:subOrganizationOf <id/organization/miasto-lublin>)
  }
  %s
}
"""


def _rows(client: FlaskClient, query: str, **params: str) -> list[dict[str, object]]:
    r = client.post("/sparql", data={"query": query, **params}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.get_data(as_text=True)
    return list(json.loads(r.get_data())["results"]["bindings"])


def test_a_query_naming_no_graph_sees_no_outside_claim_and_no_shape(answering: FlaskClient) -> None:
    assert _rows(answering, OUTSIDE_ONLY % "?s ?p ?o .") == []
    shapes = "PREFIX sh: <http://www.w3.org/ns/shacl#> SELECT ?s WHERE { ?s a sh:NodeShape } LIMIT 1"
    assert _rows(answering, shapes) == []
    catalogue = "PREFIX dcat: <http://www.w3.org/ns/dcat#> SELECT ?s WHERE { ?s a dcat:Dataset } LIMIT 1"
    assert _rows(answering, catalogue) == []
    stated = "SELECT ?d WHERE { <id/forum-edition/lublin> <http://schema.org/startDate> ?d }"
    assert [row["d"]["value"] for row in _rows(answering, stated)] == ["2013-03"]  # type: ignore[index]


def test_outside_claims_shapes_and_catalogue_stay_in_their_graphs(answering: FlaskClient) -> None:
    claims = _rows(answering, OUTSIDE_ONLY % "GRAPH ?g { ?s ?p ?o }")
    assert len(claims) == 3
    assert all("/graph/external/" in row["g"]["value"] for row in claims)  # type: ignore[index]
    shapes = "PREFIX sh: <http://www.w3.org/ns/shacl#> ASK { GRAPH <shapes> { ?s a sh:NodeShape } }"
    r = answering.post("/sparql", data={"query": shapes}, headers={"Accept": "application/sparql-results+json"})
    assert json.loads(r.get_data())["boolean"] is True
    named = _rows(answering, OUTSIDE_ONLY % "?s ?p ?o .", **{"default-graph-uri": _EXTERNAL_447})
    assert len(named) == 1  # the protocol's dataset reaches an outside claim's graph too


_EXTERNAL_447 = "https://w3id.org/awardgraph/graph/external/innaprzestrzen-447"
