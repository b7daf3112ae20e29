"""Statements pointing at a thing beyond the first page: ``?inbound-page=N``, Hydra paging triples, ``Link`` rels."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from httphelp import BASE, BROWSER_ACCEPT, CROWD, media_type, parse, same_graph
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import FOAF, XSD

SCHEMA = Namespace("http://schema.org/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
LUBLIN = URIRef(f"{BASE}id/place/lublin")
DOC = "/doc/place/lublin"
DOC_IRI = f"{BASE}doc/place/lublin"
PAGE_2 = URIRef(f"{DOC_IRI}?inbound-page=2")
RDF_TYPES = ["text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"]


def get_rdf(client: FlaskClient, path: str, accept: str = "text/turtle") -> Graph:
    r = client.get(path, headers={"Accept": accept})
    assert r.status_code == 200, (path, r.status_code)
    return parse(r.get_data(), r.content_type)


def links(header: str) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(first|prev|next|last)"', header)}


def test_first_page_links_to_the_next(client: FlaskClient) -> None:
    r = client.get(DOC, headers={"Accept": "text/turtle"})
    assert links(r.headers["Link"]) == {
        "first": f"{DOC}.ttl",
        "next": f"{DOC}.ttl?inbound-page=2",
        "last": f"{DOC}.ttl?inbound-page=2",
    }
    g = parse(r.get_data(), r.content_type)
    assert len(set(g.subjects(SCHEMA.homeLocation, LUBLIN))) == 500
    collection = URIRef(f"{DOC_IRI}#inbound")
    view = URIRef(DOC_IRI)
    assert (collection, RDF.type, HYDRA.Collection) in g
    assert (collection, HYDRA.totalItems, Literal(CROWD + 1, datatype=XSD.nonNegativeInteger)) in g
    assert (collection, HYDRA.view, view) in g
    assert (view, RDF.type, HYDRA.PartialCollectionView) in g
    assert (view, HYDRA.first, view) in g and (view, HYDRA.next, PAGE_2) in g and (view, HYDRA.last, PAGE_2) in g
    assert (view, HYDRA.previous, None) not in g
    assert (view, FOAF.primaryTopic, LUBLIN) in g  # the page is the document about the thing


def test_pages_together_hold_every_inbound_statement_once(client: FlaskClient) -> None:
    first = get_rdf(client, DOC, "application/n-triples")
    second = get_rdf(client, f"{DOC}?inbound-page=2", "application/n-triples")
    one, two = set(first.subjects(SCHEMA.homeLocation, LUBLIN)), set(second.subjects(SCHEMA.homeLocation, LUBLIN))
    assert len(two) == CROWD + 1 - 500 and not one & two
    everyone = {URIRef(f"{BASE}id/visitor/v{i:03d}") for i in range(CROWD)} | {URIRef(f"{BASE}id/person/jan-kowalski")}
    assert one | two == everyone
    assert sorted(map(str, one))[-1] < sorted(map(str, two))[0]  # in subject order, so pages never overlap
    # every page is a document about the thing: its own statements are there again
    assert (LUBLIN, RDF.type, SCHEMA.City) in second
    assert (PAGE_2, FOAF.primaryTopic, LUBLIN) in second
    assert (PAGE_2, HYDRA.previous, URIRef(DOC_IRI)) in second and (PAGE_2, HYDRA.next, None) not in second


def test_second_page_headers(client: FlaskClient) -> None:
    r = client.get(f"{DOC}?inbound-page=2", headers={"Accept": "text/turtle"})
    assert r.headers["Content-Location"] == f"{DOC}.ttl?inbound-page=2"
    assert links(r.headers["Link"]) == {
        "first": f"{DOC}.ttl",
        "prev": f"{DOC}.ttl",
        "last": f"{DOC}.ttl?inbound-page=2",
    }
    alternates = dict(re.findall(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', r.headers["Link"]))
    assert alternates[f"{DOC}.jsonld?inbound-page=2"] == "application/ld+json"
    first = client.get(DOC, headers={"Accept": "text/turtle"})
    assert r.headers["ETag"] != first.headers["ETag"]
    cached = client.get(f"{DOC}?inbound-page=2", headers={"Accept": "text/turtle", "If-None-Match": r.headers["ETag"]})
    assert cached.status_code == 304 and cached.headers["Content-Location"] == f"{DOC}.ttl?inbound-page=2"
    head = client.head(f"{DOC}.ttl?inbound-page=2")
    assert head.status_code == 200 and head.headers["Link"] == client.get(f"{DOC}.ttl?inbound-page=2").headers["Link"]


def test_second_page_is_the_same_in_every_format(client: FlaskClient) -> None:
    graphs = [get_rdf(client, f"{DOC}?inbound-page=2", accept) for accept in RDF_TYPES]
    assert all(same_graph(graphs[0], g) for g in graphs[1:])


@pytest.mark.parametrize(("page", "status"), [("3", 404), ("0", 400), ("x", 400), ("-1", 400), ("2.0", 400)])
def test_pages_that_are_not_there(client: FlaskClient, page: str, status: int) -> None:
    assert client.get(f"{DOC}?inbound-page={page}", headers={"Accept": "text/turtle"}).status_code == status


def test_small_documents_have_no_paging(client: FlaskClient) -> None:
    r = client.get("/doc/person/jan-kowalski", headers={"Accept": "text/turtle"})
    assert not links(r.headers["Link"])
    g = parse(r.get_data(), r.content_type)
    assert (
        not any(str(p).startswith(str(HYDRA)) for p in g.predicates()) and (None, RDF.type, HYDRA.Collection) not in g
    )
    assert client.get("/doc/person/jan-kowalski?inbound-page=2", headers={"Accept": "text/turtle"}).status_code == 404


def test_html_pages_link_to_each_other(client: FlaskClient) -> None:
    first = client.get(DOC, headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert f'<link rel="next" href="{DOC}?inbound-page=2">' in first
    assert f'<a href="{DOC}?inbound-page=2" rel="next">' in first and "Showing 1–500 of 521." in first
    assert f"({CROWD + 1})" in first  # schema:homeLocation: the count over all pages, not this one
    second = client.get(f"{DOC}?inbound-page=2", headers={"Accept": BROWSER_ACCEPT})
    assert second.status_code == 200 and media_type(second.content_type) == "text/html"
    text = second.get_data(as_text=True)
    assert f'<a href="{DOC}" rel="prev">' in text and "Showing 501–521 of 521." in text and "page 2 of 2" in text
    assert 'href="/doc/visitor/v519"' in text and 'href="/doc/visitor/v000"' not in text
    assert f'<link rel="alternate" type="text/turtle" href="{DOC}.ttl?inbound-page=2">' in text
    polish = client.get(f"{DOC}?inbound-page=2&lang=pl", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert "Pokazano 501–521 z 521." in polish and "strona 2 z 2" in polish
