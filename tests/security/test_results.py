"""Results cut at the limits are still Oxigraph's own serializations: byte for byte what Oxigraph writes for the same
solutions, in every format, with the awkward terms (blank nodes, language and direction tags, control characters,
triple terms) and the awkward shapes (no variables, unbound values)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from awardgraph.store import results

TABLE_FORMATS = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
]
QUERIES = [
    "SELECT * WHERE { }",
    "SELECT * WHERE { VALUES ?x { 1 2 3 } }",
    "SELECT ?x ?unbound WHERE { VALUES ?x { 1 } }",
    'SELECT ?a ?b ?c ?d WHERE { BIND(BNODE("n") AS ?a) BIND("x\\ty\\nz \\"q\\" \\u0000"@en-GB AS ?b) '
    'BIND("r"@ar--rtl AS ?c) BIND(<http://e/\\u00e9?q=1#f> AS ?d) }',
    "SELECT ?t WHERE { BIND(<<( <http://e/s> <http://e/p> <<( <http://e/a> <http://e/b> 1.5e3 )>> )>> AS ?t) }",
    'SELECT ?x WHERE { VALUES ?x { "1"^^<http://www.w3.org/2001/XMLSchema#decimal> true "" } }',
]


@pytest.mark.parametrize("media_type", TABLE_FORMATS)
@pytest.mark.parametrize("query", QUERIES)
def test_solutions_are_written_by_oxigraph(query: str, media_type: str) -> None:
    store = ox.Store()
    out = results.serialize(store.query(query), results.Formats(table=media_type), results.Limits(10, 10))
    direct = store.query(query).serialize(format=ox.QueryResultsFormat.from_media_type(media_type))  # type: ignore[union-attr]
    assert out.body == direct and not out.truncated


def test_rows_are_cut_and_say_so() -> None:
    store = ox.Store()
    query = "SELECT ?x WHERE { VALUES ?x { 1 2 3 4 5 } } ORDER BY ?x"
    out = results.serialize(store.query(query), results.Formats(table="text/csv"), results.Limits(3, 10))
    assert out.truncated and out.count == 3 and out.body == b"x\r\n1\r\n2\r\n3\r\n"
    exact = results.serialize(store.query(query), results.Formats(table="text/csv"), results.Limits(5, 10))
    assert not exact.truncated and exact.count == 5


def test_triples_are_cut_and_say_so() -> None:
    store = ox.Store()
    query = "CONSTRUCT { <http://e/s> <http://e/p> ?x } WHERE { VALUES ?x { 1 2 3 4 5 } }"
    out = results.serialize(store.query(query), results.Formats(graph="application/n-triples"), results.Limits(10, 2))
    assert out.truncated and out.count == 2 and len(out.body.splitlines()) == 2
    prefixes = {"e": "http://e/", "unused": "http://unused/"}
    turtle = results.serialize(
        store.query(query), results.Formats(graph="text/turtle"), results.Limits(10, 9), prefixes
    )
    assert b"@prefix e:" in turtle.body and b"unused" not in turtle.body and not turtle.truncated


def test_a_kind_nobody_accepts() -> None:
    with pytest.raises(results.Unacceptable) as caught:
        results.serialize(ox.Store().query("ASK {}"), results.Formats(table="text/csv"), results.Limits(1, 1))
    assert caught.value.kind == "boolean"
