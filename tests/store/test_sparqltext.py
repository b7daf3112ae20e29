"""Query text for remote stores: the rewritten query means what pyoxigraph's options mean on the embedded store."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from awardgraph import queries
from awardgraph.store import sparqltext

EX = "http://example.org/"


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    data = f"""
    <{EX}g1> {{ <{EX}a> <{EX}p> <{EX}b> . <{EX}b> <{EX}p> <{EX}c> . <{EX}a> <{EX}label> "A"@en . }}
    <{EX}g2> {{ <{EX}c> <{EX}p> <{EX}a> . <{EX}b> <{EX}label> "B"@en . }}
    """
    s.load(data.encode(), format=ox.RdfFormat.TRIG)
    return s


def _rows(result: object) -> set[tuple[str, ...]]:
    if isinstance(result, ox.QueryBoolean):
        return {(str(bool(result)),)}
    if isinstance(result, ox.QueryTriples):
        return {(str(t.subject), str(t.predicate), str(t.object)) for t in result}
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return {tuple(str(row[n]) for n in names) for row in result}


@pytest.mark.parametrize("name", ["exists", "describe", "inbound", "inbound-counts", "provenance"])
@pytest.mark.parametrize("this", ["a", "b", "c", "nothing"])
def test_bound_queries_answer_as_substitutions_do(store: ox.Store, name: str, this: str) -> None:
    text, term = queries.text(name), ox.NamedNode(f"{EX}{this}")
    native = store.query(text, base_iri=EX, use_default_graph_as_union=True, substitutions={ox.Variable("this"): term})
    rewritten = sparqltext.prepare(text, base_iri=EX, prefixes=None, substitutions={"this": term})
    assert _rows(store.query(rewritten, use_default_graph_as_union=True)) == _rows(native)


def test_a_variable_bound_inside_a_sub_select_is_bound_there_too(store: ox.Store) -> None:
    text = queries.text("graph")
    term = ox.NamedNode(f"{EX}g2")
    native = store.query(text, use_default_graph_as_union=True, substitutions={ox.Variable("graph"): term})
    rewritten = sparqltext.prepare(text, base_iri=None, prefixes=None, substitutions={"graph": term})
    assert rewritten.count("VALUES (?graph)") == 2
    assert _rows(store.query(rewritten, use_default_graph_as_union=True)) == _rows(native)


def test_keywords_inside_strings_iris_and_comments_do_not_count() -> None:
    text = 'SELECT ?s WHERE { ?s <http://example.org/SELECT> "ASK {" } # CONSTRUCT {'
    out = sparqltext.bind(text, {"s": ox.NamedNode(EX)})
    assert out.count("VALUES") == 1
    assert out.startswith("SELECT ?s WHERE { VALUES (?s)")


def test_literals_are_bound_in_their_n_triples_form() -> None:
    out = sparqltext.bind("ASK { ?s ?p ?o }", {"o": ox.Literal('say "hi"', language="en")})
    assert 'VALUES (?o) { ("say \\"hi\\""@en) }' in out


def test_prefixes_the_query_declares_are_not_declared_again() -> None:
    out = sparqltext.prepare(
        "PREFIX ex: <http://other/> ASK { ex:a ?p ?o }",
        base_iri=None,
        prefixes={"ex": EX, "rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
        substitutions=None,
    )
    assert out.count("PREFIX ex:") == 1 and "PREFIX rdfs:" in out


@pytest.mark.parametrize(
    ("query", "why"),
    [
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT WHERE"),
        ("DESCRIBE ?s", "without a WHERE"),
        ("INSERT DATA { <a> <b> <c> }", "not a SPARQL query"),
    ],
)
def test_what_cannot_be_bound_is_refused_plainly(query: str, why: str) -> None:
    with pytest.raises(sparqltext.UnsupportedQuery, match=why):
        sparqltext.bind(query, {"s": ox.NamedNode(EX)})


def test_blank_nodes_cannot_be_bound() -> None:
    with pytest.raises(sparqltext.UnsupportedQuery, match="blank node"):
        sparqltext.bind("ASK { ?s ?p ?o }", {"s": ox.BlankNode()})


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("PREFIX select: <x#> SELECT * { ?s ?p ?o }", "SELECT"),
        ("# ASK\nCONSTRUCT { ?s ?p ?o } WHERE { { SELECT ?s ?p ?o { ?s ?p ?o } } }", "CONSTRUCT"),
        ("BASE <http://x/> ASK {}", "ASK"),
        ("DESCRIBE <http://x/a>", "DESCRIBE"),
    ],
)
def test_the_query_form_is_the_first_form_keyword(query: str, form: str) -> None:
    assert sparqltext.query_form(query) == form
