"""``/shapes``: the SHACL shapes the build was validated with, as RDF (Turtle byte for byte) and as HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from backends import Backend
from flask.testing import FlaskClient
from httphelp import BASE, BROWSER_ACCEPT, FIXTURES, parse, same_graph, site_settings
from rdflib import RDF, BNode, Graph, Namespace, URIRef
from rdflib.namespace import SH

from awardgraph.config import Settings
from awardgraph.graph.build import SHAPES_FILE, BuildResult, build
from awardgraph.resources import default_shapes_paths
from awardgraph.web import create_app

RDF_TYPES = ["text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"]
SCHEMA = Namespace("http://schema.org/")
SHAPES = Namespace(f"{BASE}shapes#")


def fixture_shapes() -> Graph:
    return Graph().parse(FIXTURES / "shapes.ttl", format="turtle", publicID=BASE)


def page(client: FlaskClient, path: str = "/shapes") -> str:
    r = client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/html; charset=utf-8"
    return r.get_data(as_text=True)


def shape_section(html: str, anchor: str) -> str:
    found = re.search(rf'<section class="term shape" id="{anchor}">(.*?)</section>', html, re.S)
    assert found is not None, anchor
    return found.group(1)


# --- RDF ---------------------------------------------------------------------------------------------------------


def test_turtle_is_the_builds_file(client: FlaskClient, backend: Backend, site: tuple[Settings, BuildResult]) -> None:
    r = client.get("/shapes", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/turtle; charset=utf-8"
    if not backend.remote:  # a remote store has no file: the graph <shapes> is serialized, the same triples
        assert r.get_data() == (site[1].path / SHAPES_FILE).read_bytes()
    assert same_graph(parse(r.get_data(), r.content_type), fixture_shapes())


@pytest.mark.parametrize("accept", RDF_TYPES)
def test_every_format_has_the_same_shapes(client: FlaskClient, accept: str) -> None:
    r = client.get("/shapes", headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["Content-Type"] == f"{accept}; charset=utf-8"
    g = parse(r.get_data(), r.content_type)
    assert same_graph(g, fixture_shapes())
    assert (SHAPES.CityShape, SH.targetClass, SCHEMA.City) in g
    assert (URIRef(f"{BASE}shapes"), URIRef("http://www.w3.org/2002/07/owl#imports"), URIRef(f"{BASE}ontology")) in g


def test_headers_suffixes_and_cache(client: FlaskClient) -> None:
    r = client.get("/shapes", headers={"Accept": "text/turtle"})
    assert r.headers["Content-Location"] == "/shapes.ttl"
    assert "Accept" in r.headers["Vary"] and r.headers["Access-Control-Allow-Origin"] == "*"
    links = dict(re.findall(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', r.headers["Link"]))
    assert links == {
        "/shapes.html": "text/html",
        "/shapes.ttl": "text/turtle",
        "/shapes.jsonld": "application/ld+json",
        "/shapes.rdf": "application/rdf+xml",
        "/shapes.nt": "application/n-triples",
        "/shapes.trig": "application/trig",  # the triples in the default graph, for clients that ask for quads
        "/shapes.nq": "application/n-quads",
    }
    for url, media in links.items():
        alternate = client.get(url, headers={"Accept": "image/png"})  # the suffix decides
        assert alternate.status_code == 200 and alternate.headers["Content-Type"] == f"{media}; charset=utf-8"
    again = client.get("/shapes", headers={"Accept": "text/turtle", "If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    refused = client.get("/shapes", headers={"Accept": "image/png"})
    assert refused.status_code == 406 and "/shapes.ttl" in refused.get_data(as_text=True)


def test_a_build_without_shapes_says_so(tmp_path: Path) -> None:
    settings = site_settings(tmp_path)
    result = build(settings)
    (result.path / SHAPES_FILE).unlink()
    client = create_app(settings).test_client()
    r = client.get("/shapes", headers={"Accept": "text/turtle"})
    assert r.status_code == 404 and "did not keep the shapes" in r.get_data(as_text=True)


# --- HTML --------------------------------------------------------------------------------------------------------


def test_page_lists_every_node_shape(client: FlaskClient) -> None:
    html = page(client)
    assert "<h1>Test shapes</h1>" in html and "The rules of the test data." in html
    assert 'href="/ontology"' in html  # owl:imports, on the site
    anchors = re.findall(r'<section class="term shape" id="([^"]+)">', html)
    shapes = fixture_shapes()
    named = {str(s).removeprefix(f"{BASE}shapes#") for s in shapes.subjects(RDF.type, SH.NodeShape)}
    assert anchors == sorted(named, key=str.lower)
    for anchor in anchors:
        assert f'<li><a href="#{anchor}">{anchor}</a></li>' in html  # the table of contents


def test_page_shows_targets_paths_constraints_and_messages(client: FlaskClient) -> None:
    html = page(client)
    city = shape_section(html, "CityShape")
    assert 'href="http://schema.org/City"' in city and "sh:targetClass" in city
    assert "sh:nodeKind" in city and "sh:IRI" in city
    assert "^" in city and 'href="http://schema.org/homeLocation"' in city  # the inverse path
    assert re.search(r"\(<a [^>]*>rdfs:label</a>\|<a [^>]*>schema:name</a>\)", city)  # the alternative path
    assert "sh:Warning" in city  # the severity of the advice
    assert (
        '<li lang="pl"><small class="tag">pl</small> Miasto potrzebuje etykiety po polsku i po angielsku.</li>' in city
    )
    assert '<li lang="en"><small class="tag">en</small> A city needs a label in Polish and one in English.</li>' in city
    distinction = shape_section(html, "DistinctionShape")
    assert 'href="/ontology#Distinction"' in distinction and 'href="/ontology#awardedTo"' in distinction
    assert re.search(
        r'<a href="/ontology#awardedTo"[^>]*>ag:awardedTo</a>/<a [^>]*>schema:homeLocation</a>', distinction
    )
    assert "sh:or" in distinction and 'href="http://schema.org/Organization"' in distinction  # nested shapes
    assert "A distinction and whom it went to." in distinction
    target = shape_section(html, "LabelledPlaceShape")
    assert (
        "sh:SPARQLTarget" in target and "<pre><code>" in target and "?this a &lt;http://schema.org/City&gt;" in target
    )
    assert "sh:qualifiedMinCount" in target and "( <span" in target  # a list value


def test_page_escapes_messages(client: FlaskClient) -> None:
    html = page(client)
    assert "<b>person</b>" not in html and "&lt;b&gt;person&lt;/b&gt;" in html


def test_page_in_polish(client: FlaskClient) -> None:
    html = page(client, "/shapes?lang=pl")
    assert '<html lang="pl">' in html and "<h1>Kształty testowe</h1>" in html and "Reguły danych testowych." in html
    assert "Kształty węzłów" in html


def test_shapes_are_linked_from_every_page(client: FlaskClient) -> None:
    assert 'href="/shapes"' in page(client, "/")
    assert 'href="/shapes"' in page(client, "/doc/person/jan-kowalski")


# --- the repository's own shapes -----------------------------------------------------------------------------


def test_real_shapes(real_client: FlaskClient, real: Settings) -> None:
    shapes = Graph()
    for path in sorted(p for d in default_shapes_paths() for p in d.glob("*.ttl")):
        shapes.parse(path, format="turtle", publicID=real.base_iri)
    r = real_client.get("/shapes.ttl")
    served = parse(r.get_data(), r.content_type)
    assert r.status_code == 200 and len(served) == len(shapes)  # (isomorphism with ~300 blank nodes is slow)
    assert {t for t in served if not any(isinstance(x, BNode) for x in t)} == {
        t for t in shapes if not any(isinstance(x, BNode) for x in t)
    }
    html = page(real_client)
    anchors = set(re.findall(r'<section class="term shape" id="([^"]+)">', html))
    named = {str(s).rsplit("#", 1)[-1] for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}
    assert named and named <= anchors
    assert html.count('<li lang="pl">') >= len(named) and html.count('<li lang="en">') >= len(named)
