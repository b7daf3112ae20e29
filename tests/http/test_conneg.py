"""The conneg module: pure functions over Accept headers, format names and suffixes."""

from __future__ import annotations

import pytest
from httphelp import BROWSER_ACCEPT, CHROME_ACCEPT

from awardgraph.web import conneg
from awardgraph.web.conneg import DOCUMENT, GRAPH_RESULTS, SERVICE, TABLE_RESULTS

RDFLIB_ANY = (  # what rdflib 7 sends for Graph().parse(url, format="ntriples") and every format it has no Accept for
    "application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json, application/n-quads, "
    "application/trix, application/trig"
)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "html"),
        ("", "html"),
        ("*/*", "html"),
        ("*", "html"),
        (BROWSER_ACCEPT, "html"),
        (CHROME_ACCEPT, "html"),
        ("text/turtle", "turtle"),
        ("TEXT/TURTLE", "turtle"),
        ("application/ld+json", "jsonld"),
        ("application/json", "jsonld"),
        ("application/rdf+xml", "rdfxml"),
        ("application/n-triples", "ntriples"),
        ("text/n3", "turtle"),
        ("application/x-turtle", "turtle"),
        ("application/rdf+xml;q=0.5, text/turtle;q=0.9", "turtle"),
        ("text/turtle;q=0.2, application/ld+json;q=0.8", "jsonld"),
        ("text/*", "html"),
        ("text/*, text/html;q=0", "turtle"),
        ("*/*;q=0.1, application/n-triples", "ntriples"),
        ("text/turtle;q=0, */*", "html"),
        ("text/turtle; charset=utf-8; q=0.7, application/rdf+xml; q=0.6", "turtle"),
        ("application/rdf+xml, text/turtle", "turtle"),  # equal q: our order decides, not the list order
        ("text/turtle;q=abc, application/ld+json", "jsonld"),  # a malformed q drops that element
        # issue 13: text/plain is N-Triples (rdflib's format="nt"), but browsers naming text/html keep the page
        ("text/plain, */*;q=0.1", "ntriples"),
        ("text/plain", "ntriples"),
        ("text/html, text/plain", "html"),
        ("text/plain, text/html", "html"),
        ("text/html;q=0.9, text/plain;q=0.8", "html"),
        ("text/*, text/html;q=0, text/turtle;q=0", "nothing"),  # text/* does not ask for text/plain's N-Triples
        # several RDF types at one q (rdflib's Accept for ntriples, nquads, media types): N-Triples, read by most
        (RDFLIB_ANY, "ntriples"),
        ("text/turtle, application/n-triples", "ntriples"),
    ],
)
def test_documents(accept: str | None, expected: str) -> None:
    chosen = conneg.negotiate(accept, DOCUMENT)
    if expected == "nothing":
        assert chosen is None
        return
    assert chosen is not None and chosen.key == expected


@pytest.mark.parametrize("accept", ["image/png", "text/turtle;q=0, text/html;q=0, */*;q=0", "application/pdf"])
def test_nothing_acceptable(accept: str) -> None:
    assert conneg.negotiate(accept, DOCUMENT) is None


def test_results_and_service_defaults() -> None:
    assert conneg.negotiate("*/*", TABLE_RESULTS) is conneg.SPARQL_JSON
    assert conneg.negotiate("application/json", TABLE_RESULTS) is conneg.SPARQL_JSON
    assert conneg.negotiate("application/xml", TABLE_RESULTS) is conneg.SPARQL_XML
    assert conneg.negotiate(BROWSER_ACCEPT, TABLE_RESULTS) is conneg.HTML
    assert conneg.negotiate("*/*", GRAPH_RESULTS) is conneg.TURTLE
    assert conneg.negotiate(BROWSER_ACCEPT, GRAPH_RESULTS) is conneg.HTML
    assert conneg.negotiate(None, SERVICE, default=conneg.TURTLE) is conneg.TURTLE  # the view's default
    assert conneg.negotiate(BROWSER_ACCEPT, SERVICE) is conneg.HTML
    for nothing in (None, "", "*/*", "*/*;q=0.5"):  # a client naming no type gets the view's default
        assert conneg.negotiate(nothing, DOCUMENT, default=conneg.TURTLE) is conneg.TURTLE
    for named in (BROWSER_ACCEPT, "text/*", "application/ld+json, */*;q=0.1"):  # anything named: as usual
        assert conneg.negotiate(named, DOCUMENT, default=conneg.TURTLE) is conneg.negotiate(named, DOCUMENT)
    assert conneg.negotiate("text/html, text/plain", GRAPH_RESULTS) is conneg.HTML
    assert conneg.negotiate("text/plain", GRAPH_RESULTS) is conneg.NTRIPLES


def test_parse_accept() -> None:
    ranges = conneg.parse_accept("text/turtle;q=0.5, nonsense, */*;q=2, text/*;q=-1, application/*")
    assert [(r.type, r.subtype, r.q) for r in ranges] == [
        ("text", "turtle", 0.5),
        ("*", "*", 1.0),
        ("text", "*", 0.0),
        ("application", "*", 1.0),
    ]
    assert conneg.parse_accept("*/html") == []


@pytest.mark.parametrize(
    ("name", "offered", "expected"),
    [
        ("json", TABLE_RESULTS, "srj"),
        ("json", GRAPH_RESULTS, "jsonld"),
        ("xml", TABLE_RESULTS, "srx"),
        ("xml", GRAPH_RESULTS, "rdfxml"),
        ("ttl", DOCUMENT, "turtle"),
        ("n3", GRAPH_RESULTS, "turtle"),
        ("rdf+xml", GRAPH_RESULTS, "rdfxml"),
        ("application/sparql-results+json", TABLE_RESULTS, "srj"),
        ("text/csv", TABLE_RESULTS, "csv"),
        ("TSV", TABLE_RESULTS, "tsv"),
        ("nt", DOCUMENT, "ntriples"),
        ("html", DOCUMENT, "html"),
    ],
)
def test_by_name(name: str, offered: tuple[conneg.Format, ...], expected: str) -> None:
    found = conneg.by_name(name, offered)
    assert found is not None and found.key == expected


def test_by_name_unknown() -> None:
    assert conneg.by_name("pdf", DOCUMENT) is None
    assert conneg.by_name("csv", DOCUMENT) is None


@pytest.mark.parametrize(
    ("path", "rest", "key"),
    [
        ("person/jan.ttl", "person/jan", "turtle"),
        ("person/jan.jsonld", "person/jan", "jsonld"),
        ("person/jan.rdf", "person/jan", "rdfxml"),
        ("person/jan.nt", "person/jan", "ntriples"),
        ("person/jan.html", "person/jan", "html"),
        ("person/jan", "person/jan", None),
        ("person/jan.pdf", "person/jan.pdf", None),
        (".ttl", ".ttl", None),
    ],
)
def test_split_suffix(path: str, rest: str, key: str | None) -> None:
    stripped, fmt = conneg.split_suffix(path, DOCUMENT)
    assert stripped == rest
    assert (fmt.key if fmt else None) == key


def test_choose_precedence() -> None:
    # suffix over format= over Accept
    assert conneg.choose(DOCUMENT, accept="text/turtle", name="jsonld", fixed=conneg.RDFXML) is conneg.RDFXML
    assert conneg.choose(DOCUMENT, accept="text/turtle", name="jsonld") is conneg.JSONLD
    assert conneg.choose(DOCUMENT, accept="text/turtle") is conneg.TURTLE
    assert conneg.choose(DOCUMENT, accept=None, fixed=conneg.CSV) is None


def test_content_types_carry_charset() -> None:
    for fmt in conneg.FORMATS.values():
        assert fmt.content_type == f"{fmt.media_type}; charset=utf-8"
        assert "/" in fmt.media_type
