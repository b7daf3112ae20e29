"""Dereferenceable URIs: ``/id/`` 303s, ``/doc/`` negotiation and headers, what a document says, ``/graph/``."""

from __future__ import annotations

import json
import re
from urllib.parse import unquote, urlsplit

import pytest
from flask.testing import FlaskClient
from httphelp import BASE, BROWSER_ACCEPT, CHROME_ACCEPT, CROWD, media_type, parse, same_graph
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, VOID

SCHEMA = Namespace("http://schema.org/")
AG = Namespace(f"{BASE}ontology#")
DISTINCTION = URIRef(f"{BASE}id/distinction/2015-jan-kowalski")
PERSON = URIRef(f"{BASE}id/person/jan-kowalski")
LUBLIN = URIRef(f"{BASE}id/place/lublin")
DOC = "/doc/distinction/2015-jan-kowalski"
RDF_TYPES = ["text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"]


def rdf(client: FlaskClient, path: str, accept: str = "text/turtle") -> Graph:
    r = client.get(path, headers={"Accept": accept})
    assert r.status_code == 200, (path, r.status_code)
    return parse(r.get_data(), r.content_type)


# --- /id/ -> 303 -> /doc/ ------------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [None, BROWSER_ACCEPT, "text/turtle"])
def test_thing_redirects_to_its_document(client: FlaskClient, accept: str | None) -> None:
    r = client.get("/id/distinction/2015-jan-kowalski", headers={"Accept": accept} if accept else {})
    assert r.status_code == 303
    assert r.headers["Location"] == DOC
    assert r.headers["Vary"] == "Accept"
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_redirect_keeps_the_query_string(client: FlaskClient) -> None:
    assert client.get("/id/person/jan-kowalski?format=ttl").headers["Location"] == "/doc/person/jan-kowalski?format=ttl"


def test_following_the_redirect(client: FlaskClient) -> None:
    r = client.get("/id/person/jan-kowalski", headers={"Accept": "text/turtle"}, follow_redirects=True)
    assert r.status_code == 200 and media_type(r.content_type) == "text/turtle"


def test_unknown_thing_is_404(client: FlaskClient) -> None:
    assert client.get("/id/person/nobody").status_code == 404
    assert client.get("/id/person/a%20b").status_code == 404


# --- /doc/ negotiation -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, "text/html"),
        ("*/*", "text/html"),
        (BROWSER_ACCEPT, "text/html"),
        (CHROME_ACCEPT, "text/html"),
        ("text/turtle", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/n-triples", "application/n-triples"),
        ("text/turtle;q=0.4, application/rdf+xml;q=0.8", "application/rdf+xml"),
        ("text/html;q=0.1, text/turtle", "text/turtle"),
        ("text/*;q=0.5, text/html;q=0", "text/turtle"),
    ],
)
def test_accept(client: FlaskClient, accept: str | None, expected: str) -> None:
    r = client.get(DOC, headers={"Accept": accept} if accept else {})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == f"{expected}; charset=utf-8"


@pytest.mark.parametrize(
    ("suffix", "expected"),
    [
        (".ttl", "text/turtle"),
        (".jsonld", "application/ld+json"),
        (".rdf", "application/rdf+xml"),
        (".nt", "application/n-triples"),
        (".html", "text/html"),
    ],
)
def test_suffix_fixes_the_format(client: FlaskClient, suffix: str, expected: str) -> None:
    r = client.get(DOC + suffix, headers={"Accept": "image/png"})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == f"{expected}; charset=utf-8"
    assert r.headers["Content-Location"] == DOC + suffix


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ttl", "text/turtle"),
        ("jsonld", "application/ld+json"),
        ("rdf", "application/rdf+xml"),
        ("nt", "application/n-triples"),
        ("html", "text/html"),
        ("application/ld+json", "application/ld+json"),
    ],
)
def test_format_parameter(client: FlaskClient, name: str, expected: str) -> None:
    r = client.get(f"{DOC}?format={name}", headers={"Accept": BROWSER_ACCEPT})
    assert r.headers["Content-Type"] == f"{expected}; charset=utf-8"


def test_406_lists_what_is_available(client: FlaskClient) -> None:
    r = client.get(DOC, headers={"Accept": "image/png"})
    assert r.status_code == 406
    text = r.get_data(as_text=True)
    for media in ("text/html", "text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"):
        assert media in text
    assert f"{DOC}.ttl" in text
    r = client.get(DOC, headers={"Accept": "image/png, application/json;q=0.1"})
    assert r.status_code == 200  # application/json is JSON-LD
    r = client.get(f"{DOC}?format=pdf", headers={"Accept": "application/json"})
    assert r.status_code == 406 and r.get_json()["available"][0]["mediaType"] == "text/html"


# --- headers -----------------------------------------------------------------------------------------------------


def test_linked_data_headers(client: FlaskClient) -> None:
    r = client.get(DOC, headers={"Accept": "text/turtle"})
    assert r.headers["Content-Location"] == f"{DOC}.ttl"
    assert "Accept" in r.headers["Vary"]
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert r.headers["ETag"] and r.headers["Last-Modified"]
    links = dict(re.findall(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', r.headers["Link"]))
    assert links == {
        f"{DOC}.html": "text/html",
        f"{DOC}.ttl": "text/turtle",
        f"{DOC}.jsonld": "application/ld+json",
        f"{DOC}.rdf": "application/rdf+xml",
        f"{DOC}.nt": "application/n-triples",
        f"{DOC}.trig": "application/trig",
        f"{DOC}.nq": "application/n-quads",
    }
    for url, media in links.items():
        alternate = client.get(url)
        assert alternate.status_code == 200 and media_type(alternate.content_type) == media


def test_security_headers(client: FlaskClient) -> None:
    r = client.get(DOC, headers={"Accept": BROWSER_ACCEPT})
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"


def test_conditional_get(client: FlaskClient) -> None:
    first = client.get(DOC, headers={"Accept": "text/turtle"})
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    r = client.get(DOC, headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert r.status_code == 304 and r.get_data() == b""
    assert r.headers["ETag"] == etag and r.headers["Content-Location"] == f"{DOC}.ttl"
    assert client.get(DOC, headers={"Accept": "text/turtle", "If-Modified-Since": modified}).status_code == 304
    # another format of the same document is another representation, with another validator
    other = client.get(DOC, headers={"Accept": "application/ld+json", "If-None-Match": etag})
    assert other.status_code == 200 and other.headers["ETag"] != etag
    assert client.get(DOC, headers={"Accept": "text/turtle", "If-None-Match": '"old"'}).status_code == 200


def test_head(client: FlaskClient) -> None:
    get, head = client.get(DOC, headers={"Accept": "text/turtle"}), client.head(DOC, headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.get_data() == b""
    for name in ("Content-Type", "ETag", "Content-Location", "Link", "Vary", "Content-Length"):
        assert head.headers[name] == get.headers[name]


# --- what a document says ------------------------------------------------------------------------------------


def test_same_triples_in_every_format(client: FlaskClient) -> None:
    graphs = [rdf(client, DOC, accept) for accept in RDF_TYPES]
    for g in graphs[1:]:
        assert same_graph(graphs[0], g)


def test_description(client: FlaskClient) -> None:
    g = rdf(client, DOC)
    doc = URIRef(f"{BASE}doc/distinction/2015-jan-kowalski")
    # its own statements
    assert (DISTINCTION, RDF.type, AG.Distinction) in g
    assert (DISTINCTION, AG.awardedTo, PERSON) in g
    # labels of what it links to
    assert (PERSON, RDFS.label, Literal("Jan Kowalski", lang="pl")) in g
    # blank nodes inline, two levels deep
    room = g.value(DISTINCTION, SCHEMA.location)
    assert g.value(room, SCHEMA.name) == Literal("Sala <script>alert(1)</script>", lang="pl")
    assert g.value(g.value(room, SCHEMA.geo), SCHEMA.latitude) is not None
    # the document's own metadata
    assert (doc, FOAF.primaryTopic, DISTINCTION) in g
    assert (doc, VOID.inDataset, URIRef(f"{BASE}dataset")) in g
    assert (doc, DCTERMS.license, URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")) in g


def test_inbound_links(client: FlaskClient) -> None:
    g = rdf(client, "/doc/person/jan-kowalski")
    assert (DISTINCTION, AG.awardedTo, PERSON) in g
    assert (DISTINCTION, RDFS.label, Literal("Distinction for Jan Kowalski", lang="en")) in g


def test_inbound_links_are_bounded(client: FlaskClient) -> None:
    g = rdf(client, "/doc/place/lublin", "application/n-triples")
    inbound = set(g.subjects(SCHEMA.homeLocation, LUBLIN))
    assert len(inbound) == 500
    page = client.get("/doc/place/lublin", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert f"({CROWD + 1})" in page  # the count says how many there are in all
    assert f"500 of {CROWD + 1}" in page


def test_payload_keeps_canonical_iris_whatever_the_host(client: FlaskClient) -> None:
    for headers in ({"Host": "evil.example"}, {"X-Forwarded-Host": "evil.example"}):
        r = client.get(DOC, headers={**headers, "Accept": "text/turtle"})
        assert b"evil" not in r.get_data()
        assert all("evil" not in v for v in r.headers.values())
        assert (DISTINCTION, AG.awardedTo, PERSON) in parse(r.get_data(), r.content_type)
        r = client.get("/id/person/jan-kowalski", headers=headers)
        assert r.headers["Location"] == "/doc/person/jan-kowalski"


def test_unknown_document_is_404_in_the_format_asked(client: FlaskClient) -> None:
    r = client.get("/doc/person/nobody", headers={"Accept": "text/turtle"})
    assert r.status_code == 404 and media_type(r.content_type) == "text/turtle"
    assert len(parse(r.get_data(), r.content_type)) == 0
    r = client.get("/doc/person/nobody.jsonld")
    assert r.status_code == 404 and len(parse(r.get_data(), r.content_type)) == 0
    r = client.get("/doc/person/nobody", headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 404 and media_type(r.content_type) == "text/html"
    assert "nobody" in r.get_data(as_text=True)
    for path in ("/doc/a%20b", "/doc/x%3Cy%3E", "/doc/%7B%7D"):
        assert client.get(path, headers={"Accept": "text/turtle"}).status_code == 404
    # a path that tries to smuggle statements into the 404 body
    injected = "/doc/x%0D%3Chttp://e/a%3E%20%3Chttp://e/b%3E%20%3Chttp://e/c%3E%20.%0D%23"
    r = client.get(injected, headers={"Accept": "text/turtle"})
    assert r.status_code == 404 and len(parse(r.get_data(), r.content_type)) == 0


# --- the HTML page ---------------------------------------------------------------------------------------------


def html(client: FlaskClient, path: str, **headers: str) -> str:
    r = client.get(path, headers={"Accept": BROWSER_ACCEPT, **headers})
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/html; charset=utf-8"
    return r.get_data(as_text=True)


def test_page_language(client: FlaskClient) -> None:
    assert "<h1>Distinction for Jan Kowalski</h1>" in html(client, DOC)
    assert "<h1>Wyróżnienie dla Jana Kowalskiego</h1>" in html(client, f"{DOC}?lang=pl")
    assert "<h1>Wyróżnienie dla Jana Kowalskiego</h1>" in html(client, DOC, **{"Accept-Language": "pl-PL,pl;q=0.9"})
    assert "<h1>Distinction for Jan Kowalski</h1>" in html(client, f"{DOC}?lang=en", **{"Accept-Language": "pl"})
    page = html(client, DOC)
    assert 'href="/doc/distinction/2015-jan-kowalski?lang=pl"' in page  # the visible switch
    assert "Accept-Language" in client.get(DOC).headers["Vary"]


def test_page_links_stay_on_the_site(client: FlaskClient) -> None:
    page = html(client, DOC)
    assert 'href="/doc/person/jan-kowalski"' in page
    assert 'href="/ontology#awardedTo"' in page and ">awarded to<" in page
    assert "https://example.org/awards/doc" not in re.findall(r'href="([^"]+)"', page)
    hrefs = [h for h in re.findall(r'href="([^"]+)"', page) if h.startswith("/")]
    for href in sorted(set(hrefs)):
        path = urlsplit(href)
        if path.path.startswith("/sparql"):
            continue
        with client.get(path.path + (f"?{path.query}" if path.query else "")) as r:
            assert r.status_code == 200, href


def test_page_shows_provenance(client: FlaskClient) -> None:
    page = html(client, DOC)
    assert 'href="/graph/site/f01"' in page
    assert "Wyróżnienie dla dr. Jana Kowalskiego za odwagę" in page  # the quote of the fact's graph
    assert "stated by the source" in page and "curated by the editors" in page  # the statuses, labelled
    assert ">Source page<" in page  # the graph's source, labelled


def test_page_escapes_everything(client: FlaskClient) -> None:
    page = html(client, DOC)
    assert "<script>alert(1)" not in page and "<b>odwagę</b>" not in page
    assert "Sala &lt;script&gt;alert(1)&lt;/script&gt;" in page
    jsonld = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert jsonld is not None and "</script" not in jsonld.group(1)


def test_page_embeds_the_same_triples_as_json_ld(client: FlaskClient) -> None:
    page = html(client, DOC)
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert block is not None
    embedded = Graph().parse(data=json.dumps(json.loads(block.group(1))), format="json-ld")
    assert same_graph(embedded, rdf(client, DOC))


def test_page_alternates_and_query(client: FlaskClient) -> None:
    page = html(client, DOC)
    for suffix, media in (
        (".ttl", "text/turtle"),
        (".jsonld", "application/ld+json"),
        (".rdf", "application/rdf+xml"),
        (".nt", "application/n-triples"),
    ):
        assert f'<link rel="alternate" type="{media}" href="{DOC}{suffix}">' in page
    query_link = re.search(r'href="/sparql\?query=([^"]+)"', page)
    assert query_link is not None
    query = unquote(query_link.group(1).replace("&amp;", "&"))
    r = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    behind = parse(r.get_data(), r.content_type)
    assert (DISTINCTION, AG.awardedTo, PERSON) in behind and len(behind) > 5


def test_inbound_section(client: FlaskClient) -> None:
    page = html(client, "/doc/person/jan-kowalski")
    assert "Referenced by" in page and 'href="/doc/distinction/2015-jan-kowalski"' in page
    inbound = page.split("Referenced by", 1)[1].split("</section>", 1)[0]
    assert "primaryTopic" not in inbound  # the document's own metadata is not an inbound link


def test_external_links(client: FlaskClient) -> None:
    page = html(client, "/doc/person/jan-kowalski")
    assert 'href="http://www.wikidata.org/entity/Q4115189"' in page and 'rel="nofollow noopener"' in page


# --- named graphs ------------------------------------------------------------------------------------------------


def test_graph_document(client: FlaskClient) -> None:
    g = rdf(client, "/graph/site/f01")
    graph = URIRef(f"{BASE}graph/site/f01")
    assert (DISTINCTION, AG.awardedTo, PERSON) in g  # the statements in the graph
    assert (graph, AG.assertionStatus, AG.stated) in g  # and what the provenance says of it
    assert (graph, AG.quote, Literal("Wyróżnienie dla dr. Jana Kowalskiego za odwagę", lang="pl")) in g
    page = html(client, "/graph/site/f01")
    assert "Wyróżnienie dla dr. Jana Kowalskiego za odwagę" in page
    assert client.get("/graph/nothing/here").status_code == 404
    graphs = [rdf(client, "/graph/site/f01", accept) for accept in RDF_TYPES]
    assert all(same_graph(graphs[0], other) for other in graphs[1:])
