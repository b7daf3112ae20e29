"""Every thing's document, in every format, keeps the source's facts apart from outside claims: the triple formats
carry the default graph's statements only and link the named graphs behind them (with status, quote and source),
and the quad formats hold every statement about the thing in its own graph, described in ``graph/provenance``.

Run over the repository's own data, for every thing under ``{base}id/`` (found by a query naming every graph, so
that a thing only an outside claim mentions is crawled too).
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, RDFS
from rdflib.term import Node

from awardgraph.config import Settings
from awardgraph.web import paths

Triple = tuple[Node, Node, Node]


def _select(client: FlaskClient, query: str) -> list[dict[str, dict[str, str]]]:
    r = client.post("/sparql", data={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.get_data(as_text=True)
    return list(r.get_json()["results"]["bindings"])


def _term(binding: dict[str, str]) -> Node:
    if binding["type"] == "uri":
        return URIRef(binding["value"])
    return Literal(binding["value"], lang=binding.get("xml:lang"), datatype=binding.get("datatype"))


@pytest.fixture(scope="module")
def every_thing(real_client: FlaskClient) -> list[str]:
    query = """
        SELECT DISTINCT ?s WHERE {
          GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s) && STRSTARTS(STR(?s), STR(<id/>)))
          FILTER NOT EXISTS { ?s <http://purl.org/dc/terms/isReplacedBy> ?new }  # retired: a 301 to its successor
        }"""
    found = sorted(row["s"]["value"] for row in _select(real_client, query))
    assert len(found) > 60
    return found


@pytest.fixture(scope="module")
def outside_only(real_client: FlaskClient) -> set[Triple]:
    """The statements that only an outside claim makes (in an ``ag:external`` graph, not in the default graph)."""
    query = """
        PREFIX ag: <ontology#>
        SELECT ?s ?p ?o WHERE {
          ?g ag:assertionStatus ag:external .
          GRAPH ?g { ?s ?p ?o }
          FILTER NOT EXISTS { ?s ?p ?o }
        }"""
    found = {tuple(_term(row[n]) for n in ("s", "p", "o")) for row in _select(real_client, query)}
    assert found  # the data has outside claims: the tests below must be able to fail
    return found  # type: ignore[return-value]


def _get(client: FlaskClient, path: str, accept: str) -> bytes:
    r = client.get(path, headers={"Accept": accept})
    assert r.status_code == 200, (path, accept, r.status_code)
    assert r.mimetype == accept, (path, r.mimetype)
    return r.get_data()


def _quads(client: FlaskClient, path: str) -> set[tuple[Node, Node, Node, Node]]:
    """The quads of a document's TriG, checked against its N-Quads (both must say the same)."""
    parsed = []
    for accept, fmt in (("application/trig", "trig"), ("application/n-quads", "nquads")):
        dataset = Dataset()
        dataset.parse(data=_get(client, path, accept), format=fmt)
        parsed.append({(s, p, o, g) for s, p, o, g in dataset.quads()})
    assert parsed[0] == parsed[1], path
    return parsed[0]


def test_every_document_keeps_facts_and_claims_apart(
    real: Settings, real_client: FlaskClient, every_thing: list[str], outside_only: set[Triple]
) -> None:
    ag = Namespace(f"{real.base_iri}ontology#")
    provenance = URIRef(f"{real.base_iri}graph/provenance")
    claims_seen: set[Triple] = set()
    for iri in every_thing:
        doc = URIRef(iri.replace("/id/", "/doc/", 1))
        path = paths.local_path(str(doc), real.base_iri)
        assert path is not None
        # the quad formats: every statement about the thing in its own graph, each graph described
        quads = _quads(real_client, path)
        said = {(s, p, o, g) for s, p, o, g in quads if g == provenance}
        status = {s: o for s, p, o, _ in said if p == ag.assertionStatus}
        about = {g for s, _, _, g in quads if s == URIRef(iri) and g in status}
        for graph in about:
            assert any(s == graph and p == PROV.wasDerivedFrom for s, p, _, _ in said), (iri, graph)
            if status[graph] == ag.stated:
                assert any(s == graph and p == ag.quote for s, p, _, _ in said), (iri, graph)
        for s, p, o, g in quads:
            if (s, p, o) in outside_only:
                assert status.get(g) == ag.external, (iri, s, p, o, g)  # type: ignore[arg-type]
                claims_seen.add((s, p, o))
        # the triple formats: no outside claim, and a link to each of those graphs with its description
        graphs = {
            fmt: Graph().parse(data=_get(real_client, path, accept), format=fmt)
            for accept, fmt in (("text/turtle", "turtle"), ("application/ld+json", "json-ld"))
        }
        for fmt, graph in graphs.items():
            leaked = {t for t in graph if t in outside_only}
            assert not leaked, (iri, fmt, leaked)
        graph = graphs["turtle"]
        linked = set(graph.objects(doc, PROV.wasDerivedFrom)) | set(graph.objects(doc, RDFS.seeAlso))
        assert about <= linked, (iri, about - linked)
        for source in set(graph.objects(doc, PROV.wasDerivedFrom)):
            assert status[source] != ag.external, (iri, source)
            assert graph.value(source, ag.assertionStatus) == status[source], (iri, source)
            assert graph.value(source, PROV.wasDerivedFrom) is not None, (iri, source)
            if status[source] == ag.stated:
                assert isinstance(graph.value(source, ag.quote), Literal), (iri, source)
        assert set(graph.triples((doc, PROV.wasDerivedFrom, None))) <= set(graphs["json-ld"])
    assert claims_seen == outside_only  # every outside claim is in a document, in its own graph
