"""The Store contract (``awardgraph.store.base.Store``), the same tests over each implementation: the embedded store
of a build (its users' queries in the processes of a real pool, and without one, as ``awardgraph query`` runs them)
and a remote store (Oxigraph server started on 127.0.0.1, the data put there by ``publish``; its users' queries parsed
in a real pool first). What a caller can tell apart is only what the contract leaves to each store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from awardgraph.config import Settings
from awardgraph.graph.build import build
from awardgraph.graph.publish import publish
from awardgraph.store.base import Formats, Limits, QueryFailed, Store, UserQuery
from awardgraph.store.oxigraph import EmbeddedStore
from awardgraph.store.remote import open_remote
from awardgraph.store.sandbox.pool import QueryPool
from tests.conftest import MINI_SHAPES
from tests.integration.servers import Server, start_server

BASE = "https://contract.awardgraph.example/"
DATA = """
@prefix ag: <ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <http://schema.org/> .
<graph/mini/f01> { <id/place/lublin> a schema:City ; rdfs:label "Lublin"@pl, "Lublin"@en . }
<graph/external/elsewhere> { <id/place/lublin> schema:alternateName "Lublinum"@la . }
<graph/provenance> {
    <graph/mini/f01> a ag:Assertion ; ag:assertionStatus ag:stated ;
        prov:wasDerivedFrom <id/source/mini> ; ag:quote "Lublin"@pl .
    <graph/external/elsewhere> a ag:Assertion ; ag:assertionStatus ag:external ;
        prov:wasDerivedFrom <id/source/elsewhere> .
}
"""
JSON = Formats(table="application/sparql-results+json", boolean="application/sparql-results+json",
               graph="application/n-triples")  # fmt: skip
ROOMY = Limits(rows=1000, triples=1000)
SLOW_TO_PLAN = "SELECT * WHERE { ?s " + "/".join(["<http://e/p>"] * 600) + " ?o }"  # seconds of Oxigraph's planning


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("contract")
    (folder / "data.trig").write_text(DATA, encoding="utf-8")
    (folder / "sources").mkdir()
    (folder / "sources" / "mini.txt").write_text("Lublin", encoding="utf-8")
    return folder / "data.trig"


@pytest.fixture(scope="module")
def pool() -> Iterator[QueryPool]:
    running = QueryPool(size=2, long_after=5.0, wait=5.0)
    yield running
    running.close()


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server("oxigraph", tmp_path_factory.mktemp("contract-oxigraph"))
    yield server
    server.stop()


@pytest.fixture(scope="module", params=["embedded-pool", "embedded-here", "oxigraph"])
def store(
    request: pytest.FixtureRequest, data: Path, pool: QueryPool, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    if request.param == "oxigraph":
        server: Server = request.getfixturevalue("oxigraph")
        settings = server.settings(BASE, data=(data,), shapes=MINI_SHAPES)
        publish(settings)
        remote = open_remote(settings, pool=pool)
        yield remote
        remote.close()
        return
    settings = Settings(
        base_iri=BASE, store=tmp_path_factory.mktemp("contract-store"), data=(data,), shapes=MINI_SHAPES
    )
    result = build(settings)
    embedded = EmbeddedStore(result.path, pool=pool if request.param == "embedded-pool" else None)
    yield embedded
    embedded.close()


def ask(store: Store, query: str, **dataset: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a user's SELECT as plain values, through ``answer``."""
    got = store.answer(UserQuery(query, BASE, {}, JSON, ROOMY, **dataset), timeout=20)
    assert got.media_type == "application/sparql-results+json" and not got.truncated
    bindings = json.loads(got.body)["results"]["bindings"]
    return [{name: value["value"] for name, value in row.items()} for row in bindings]


def test_the_default_graph_is_the_projects(store: Store) -> None:
    rows = ask(store, f"SELECT ?p ?o WHERE {{ <{BASE}id/place/lublin> ?p ?o }}")
    assert {r["o"] for r in rows} == {"http://schema.org/City", "Lublin"}  # not the outside claim
    claim = ask(
        store, f"SELECT ?g WHERE {{ GRAPH ?g {{ <{BASE}id/place/lublin> <http://schema.org/alternateName> ?n }} }}"
    )
    assert claim == [{"g": f"{BASE}graph/external/elsewhere"}]
    own = store.query(f"SELECT ?o WHERE {{ <{BASE}id/place/lublin> <http://www.w3.org/2000/01/rdf-schema#label> ?o }}")
    assert isinstance(own, ox.QuerySolutions) and len(list(own)) == 2  # the app's own queries see the same


def test_the_protocol_dataset_replaces_the_default_graph(store: Store) -> None:
    query = f"SELECT ?o WHERE {{ <{BASE}id/place/lublin> ?p ?o }}"
    rows = ask(store, query, default_graphs=(f"{BASE}graph/external/elsewhere",), named_graphs=())
    assert [r["o"] for r in rows] == ["Lublinum"]


def test_the_protocol_dataset_replaces_the_querys_own(store: Store) -> None:
    query = f"SELECT ?o FROM <{BASE}graph/mini/f01> WHERE {{ <{BASE}id/place/lublin> ?p ?o }}"
    assert {r["o"] for r in ask(store, query)} == {"http://schema.org/City", "Lublin"}
    rows = ask(store, query, default_graphs=(f"{BASE}graph/external/elsewhere",), named_graphs=())
    assert [r["o"] for r in rows] == ["Lublinum"]


def boolean(store: Store, query: str, **dataset: tuple[str, ...]) -> bool:
    got = store.answer(UserQuery(query, BASE, {}, JSON, ROOMY, **dataset), timeout=20)
    value = json.loads(got.body)["boolean"]
    assert isinstance(value, bool)
    return value


@pytest.mark.parametrize(
    ("query", "named", "expected"),
    [
        ("ASK { GRAPH <graph/mini/f01> { ?s ?p ?o } }", ("graph/mini/f01",), True),
        ("ASK { GRAPH <graph/mini/f01> { ?s ?p ?o } }", ("graph/external/elsewhere",), False),  # not in the dataset
        ("ASK { GRAPH <graph/mini/f01> { ?s ?p ?o } }", (), False),
        ("ASK { GRAPH ?g { } }", (), False),  # no named graph at all, not even an empty one
        ("SELECT ?g WHERE { GRAPH ?g { } }", ("graph/mini/f01",), True),
        ("ASK { GRAPH <graph/mini/f01> { } }", (), False),
    ],
)
def test_graph_reaches_only_the_datasets_named_graphs(
    store: Store, query: str, named: tuple[str, ...], expected: bool
) -> None:
    dataset = {"default_graphs": (f"{BASE}graph/mini/f01",), "named_graphs": tuple(BASE + g for g in named)}
    if query.startswith("ASK"):
        assert boolean(store, query, **dataset) is expected
    else:
        assert [r["g"] for r in ask(store, query, **dataset)] == [BASE + g for g in named]


def test_answers_are_cut_at_the_limits_and_say_so(store: Store) -> None:
    query = "SELECT ?s ?n WHERE { ?s ?p ?o VALUES ?n { 1 2 3 4 5 6 7 8 9 10 } }"
    cut = store.answer(UserQuery(query, BASE, {}, JSON, Limits(rows=7, triples=7)), timeout=20)
    assert cut.truncated and cut.count == 7 and len(json.loads(cut.body)["results"]["bindings"]) == 7
    graph = store.answer(
        UserQuery("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", BASE, {}, JSON, Limits(rows=9, triples=2)), timeout=20
    )
    assert graph.truncated and graph.count == 2 and len(graph.body.splitlines()) == 2


@pytest.mark.parametrize(
    ("query", "formats", "reason"),
    [
        ("SELECT * WHERE {", JSON, "syntax"),
        ("ASK { ?s ?p ?o }", Formats(table="text/csv"), "unacceptable"),
    ],
)
def test_a_query_without_an_answer_says_why(store: Store, query: str, formats: Formats, reason: str) -> None:
    with pytest.raises(QueryFailed) as failed:
        store.answer(UserQuery(query, BASE, {}, formats, ROOMY), timeout=20)
    assert failed.value.reason == reason


@pytest.mark.parametrize("store", ["embedded-pool", "oxigraph"], indirect=True)  # a pool keeps the deadline
def test_the_deadline_holds_while_the_query_is_planned(store: Store) -> None:
    with pytest.raises(QueryFailed) as failed:
        store.answer(UserQuery(SLOW_TO_PLAN, BASE, {}, JSON, ROOMY), timeout=1)
    assert failed.value.reason == "timeout"
