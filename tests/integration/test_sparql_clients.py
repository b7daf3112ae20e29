"""The two SPARQL clients of the remote store (SPARQLWrapper and requests) answer alike on real servers: the same
rows, booleans and triples for every query form, with and without datasets; and each authentication scheme works
with SPARQLWrapper on Virtuoso's Digest-protected endpoint."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from awardgraph.config import Settings
from awardgraph.graph.publish import publish
from awardgraph.store.base import QueryResult, StoreError
from awardgraph.store.remote import RemoteStore, open_remote
from tests.conftest import MINI_DATA, MINI_SHAPES
from tests.integration.servers import Server

QUERIES = [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    "SELECT ?l WHERE { <id/place/lublin> rdfs:label ?l } ORDER BY ?l",
    "SELECT * FROM <graph/mini/f01> WHERE { ?s ?p ?o }",
    "ASK { <id/place/lublin> a <http://schema.org/City> }",
    "ASK { <id/place/nowhere> ?p ?o }",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
    "CONSTRUCT { <id/place/lublin> ?p ?o } WHERE { <id/place/lublin> ?p ?o }",
    "DESCRIBE <id/place/lublin>",
    'SELECT ?o WHERE { ?s ?p ?o FILTER(LANG(?o) = "pl") }',
]


def _answer(result: QueryResult) -> object:
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return names, sorted(tuple(str(row[n]) if row[n] is not None else "" for n in names) for row in result)
    return Graph().parse(data=ox.serialize(result, format=ox.RdfFormat.N_TRIPLES) or b"", format="nt")


def _alike(one: object, other: object) -> bool:
    if isinstance(one, Graph) and isinstance(other, Graph):
        return len(one) == len(other) and isomorphic(one, other)
    return one == other


@pytest.fixture
def published(server: Server, base_iri: str) -> Settings:
    settings = server.settings(base_iri, data=MINI_DATA, shapes=MINI_SHAPES)
    publish(settings)
    return settings


def test_the_two_clients_answer_alike(published: Settings, base_iri: str) -> None:
    stores: dict[str, RemoteStore] = {c: open_remote(published, client=c) for c in ("sparqlwrapper", "requests")}
    rdfs = {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
    try:
        for sparql in QUERIES:
            one, other = (_answer(s.query(sparql, base_iri=base_iri, prefixes=rdfs)) for s in stores.values())
            assert _alike(one, other), sparql
            assert one not in (False, None) or "nowhere" in sparql
        graph = [f"{base_iri}graph/mini/f01"]
        one, other = (_answer(s.query("SELECT * { ?s ?p ?o }", default_graphs=graph)) for s in stores.values())
        assert one == other and len(one[1]) > 0  # type: ignore[index]
        assert stores["sparqlwrapper"].graphs() == stores["requests"].graphs()
        assert stores["sparqlwrapper"].count() == stores["requests"].count() > 0
    finally:
        for store in stores.values():
            store.close()


@pytest.mark.parametrize("server", ["virtuoso"], indirect=True)  # Oxigraph server has no authentication
@pytest.mark.parametrize("scheme", ["auto", "digest"])
def test_sparqlwrapper_answers_virtuosos_digest(published: Settings, scheme: str) -> None:
    store = open_remote(published.replace(auth_scheme=scheme), client="sparqlwrapper")
    try:
        assert store.count() > 0
        store.replace_graph("urn:awardgraph:test:digest", [])  # an update through Digest
    finally:
        store.close()
    basic = open_remote(published.replace(auth_scheme="basic"), client="sparqlwrapper")
    try:
        with pytest.raises(StoreError) as caught:
            basic.count()  # Virtuoso's /sparql-auth takes Digest only
        assert caught.value.status == 401 and str(published.auth_password) not in str(caught.value)
    finally:
        basic.close()
