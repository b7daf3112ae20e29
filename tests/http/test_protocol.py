"""Pure parts of the query path: protocol parsing, the SPARQL text helpers, and the safe binding of IRIs."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from awardgraph import queries
from awardgraph.queries import lexer
from awardgraph.web.endpoint.protocol import DIRECT, FORM, UPDATE, ProtocolError, QueryRequest, parse_request
from awardgraph.web.paths import href, local_path

# --- dataset clauses and update keywords -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "declares"),
    [
        ("SELECT * FROM <http://e/g> WHERE { ?s ?p ?o }", True),
        ("select * from named <http://e/g> where { graph ?g { ?s ?p ?o } }", True),
        ("PREFIX e: <http://e/> SELECT * FROM e:g WHERE { ?s ?p ?o }", True),
        ("SELECT *\nFROM<http://e/g>\nWHERE { ?s ?p ?o }", True),
        ("SELECT ?from WHERE { ?from ?p ?o }", False),
        ("SELECT * WHERE { ?s <http://e/FROM> ?o }", False),
        ('SELECT * WHERE { ?s ?p "FROM <x>" }', False),
        ("SELECT * WHERE { ?s ?p '''\nFROM <x>\n''' }", False),
        ("SELECT * WHERE { ?s ?p ?o } # FROM <http://e/g>", False),
        ("PREFIX from: <http://e/> SELECT * WHERE { ?s from:p ?o }", False),
        ("PREFIX e: <http://e/> SELECT * WHERE { ?s e:from ?o . ?s e:x-from ?y }", False),
        ("SELECT * WHERE { ?s ?p $from }", False),
    ],
)
def test_declares_dataset(query: str, declares: bool) -> None:
    assert lexer.declares_dataset(query) is declares


@pytest.mark.parametrize(
    ("text", "keyword"),
    [
        ("INSERT DATA { <a> <b> <c> }", "INSERT"),
        ("  # a comment\n prefix e: <http://e/>\nBASE <http://b/>\ndelete where { ?s ?p ?o }", "DELETE"),
        ("LOAD <http://e/x.ttl>", "LOAD"),
        ("CLEAR ALL", "CLEAR"),
        ("DROP GRAPH <http://e/g>", "DROP"),
        ("WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
        ("SELECT * WHERE { ?s ?p 'INSERT' }", None),
        ("ASK {}", None),
        ("", None),
    ],
)
def test_update_keyword(text: str, keyword: str | None) -> None:
    assert lexer.update_keyword(text) == keyword


def test_error_excerpt() -> None:
    assert lexer.error_excerpt("ASK {", "no position here") is None
    assert lexer.error_excerpt("ASK {", "error at 9:1: x") is None
    assert lexer.error_excerpt("SELECT\n\tx", "error at 2:2: x") == "line 2:  x\n         ^"


# --- protocol parsing ------------------------------------------------------------------------------------------


def test_bare_get() -> None:
    assert parse_request("GET", None, None, {}, {}, b"") is None
    assert parse_request("GET", None, None, {"format": ["json"]}, {}, b"") is None


def test_three_styles() -> None:
    expected = QueryRequest("ASK {}")
    assert parse_request("GET", None, None, {"query": ["ASK {}"]}, {}, b"") == expected
    assert parse_request("POST", FORM, None, {}, {"query": ["ASK {}"]}, b"") == expected
    assert parse_request("POST", DIRECT, "utf-8", {}, {}, b"ASK {}") == expected


def test_dataset_parameters() -> None:
    got = parse_request(
        "POST",
        FORM,
        None,
        {"default-graph-uri": ["http://e/a"]},
        {"query": ["ASK {}"], "named-graph-uri": ["http://e/b"]},
        b"",
    )
    assert got == QueryRequest("ASK {}", ("http://e/a",), ("http://e/b",))
    only_named = parse_request("GET", None, None, {"query": ["ASK {}"], "named-graph-uri": ["http://e/b"]}, {}, b"")
    assert only_named is not None and only_named.default_graphs == () and only_named.has_dataset


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (("GET", None, None, {"query": ["ASK {}", "ASK {}"]}, {}, b""), 400),
        (("GET", None, None, {"update": ["CLEAR ALL"]}, {}, b""), 403),
        (("POST", UPDATE, None, {}, {}, b"CLEAR ALL"), 403),
        (("POST", "text/plain", None, {}, {}, b"ASK {}"), 415),
        (("POST", None, None, {}, {}, b"query=ASK"), 415),
        (("POST", DIRECT, "utf-16", {}, {}, "ASK {}".encode("utf-16")), 415),
        (("POST", DIRECT, None, {}, {}, b"\xff\xfe"), 400),
        (("POST", DIRECT, None, {"query": ["ASK {}"]}, {}, b"ASK {}"), 400),
        (("POST", FORM, None, {}, {}, b""), 400),
        (("GET", None, None, {"query": ["  "]}, {}, b""), 400),
        (("GET", None, None, {"query": ["ASK {}"], "default-graph-uri": ["relative"]}, {}, b""), 400),
        (("GET", None, None, {"query": ["ASK {}"], "named-graph-uri": ["http://e/a b"]}, {}, b""), 400),
    ],
)
def test_protocol_errors(args: tuple, status: int) -> None:  # type: ignore[type-arg]
    with pytest.raises(ProtocolError) as caught:
        parse_request(*args)
    assert caught.value.status == status and caught.value.message


# --- binding IRIs safely ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["not an iri", "relative/path", "http://e/a> } ; DROP ALL ; #", "http://e/a b", 'http://e/"', "http://e/{x}", ""],
)
def test_hostile_values_are_not_iris(value: str) -> None:
    with pytest.raises(queries.InvalidIRI):
        queries.iri(value)


def test_bound_values_cannot_change_the_query() -> None:
    store = ox.Store()
    a, p = ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p")
    store.add(ox.Quad(a, p, ox.Literal("1"), ox.NamedNode("http://e/g")))
    assert queries.ask(store, "exists", base_iri="http://e/", this="http://e/a")
    assert not queries.ask(store, "exists", base_iri="http://e/", this="http://e/b")
    with pytest.raises(queries.InvalidIRI):
        queries.ask(store, "exists", base_iri="http://e/", this="http://e/a> ?p ?o } UNION { ?s ?p ?o")


def test_standalone_query_runs_anywhere() -> None:
    text = queries.standalone("describe", base_iri="http://e/", this="http://e/a")
    assert text.startswith("BASE <http://e/>") and "VALUES (?this) { (<http://e/a>) }" in text
    store = ox.Store()
    store.add(
        ox.Quad(ox.NamedNode("http://e/a"), ox.NamedNode("http://e/p"), ox.Literal("1"), ox.NamedNode("http://e/g"))
    )
    assert len(list(store.query(text, use_default_graph_as_union=True))) == 1  # type: ignore[arg-type]


def test_query_names_are_checked() -> None:
    with pytest.raises(ValueError, match="not a query name"):
        queries.text("../secrets")


# --- IRI <-> path --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("iri", "path"),
    [
        ("https://b.example/x/", "/"),
        ("https://b.example/x/id/person/a", "/doc/person/a"),
        ("https://b.example/x/graph/site/f01", "/graph/site/f01"),
        ("https://b.example/x/ontology#Thing", "/ontology#Thing"),
        ("https://b.example/x/dataset#dump-turtle", "/dataset#dump-turtle"),
        ("https://b.example/xy/id/a", None),
        ("https://other.example/x/id/a", None),
    ],
)
def test_local_paths(iri: str, path: str | None) -> None:
    assert local_path(iri, "https://b.example/x/") == path


def test_href_never_links_other_schemes() -> None:
    assert href("urn:isbn:123", "https://b.example/") is None
    assert href("javascript:alert(1)", "https://b.example/") is None
    assert href("mailto:a@b.example", "https://b.example/") is None
    assert href("http://www.wikidata.org/entity/Q1", "https://b.example/") == "http://www.wikidata.org/entity/Q1"
