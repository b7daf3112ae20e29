"""Home, ``/health``, ``/ontology``, ``/dataset``, ``/.well-known/void``, ``/dumps/``, errors, and build switches."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from pathlib import Path

import pytest
from backends import Backend
from flask import Flask
from flask.testing import FlaskClient
from httphelp import BASE, BROWSER_ACCEPT, media_type, parse, same_graph, site_settings, write_crowd
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, OWL, SKOS, VOID

from awardgraph.config import Settings
from awardgraph.graph.build import BuildResult, build
from awardgraph.web import create_app, site

AG = Namespace(f"{BASE}ontology#")
RDF_TYPES = ["text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"]


# --- home and health -------------------------------------------------------------------------------------------


def test_home(client: FlaskClient, backend: Backend) -> None:
    r = client.get("/", headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/html; charset=utf-8"
    page = r.get_data(as_text=True)
    assert f"{backend.triples} triples" in page
    assert 'href="/sparql"' in page and 'href="/dataset"' in page and 'href="/ontology"' in page
    assert 'href="/doc/place/lublin"' in page
    assert ('href="/dumps/awardgraph.ttl"' in page) is not backend.remote  # a remote store has no dump files
    # the people: a count, the first 30 (in IRI order), and their list page for the rest
    assert '<a href="/list/schema-person">521 things</a>' in page
    assert 'href="/doc/person/jan-kowalski"' in page and page.count('href="/doc/visitor/') == 29
    assert "All 521 things of this class" in page
    # every class of the things has its list page linked
    for slug in ("schema-person", "schema-city", "ag-distinction", "schema-web-page"):
        assert f'href="/list/{slug}"' in page
    assert 'href="/shapes"' in page and 'href="/sitemap.xml"' in page
    assert "Wyróżnienia" in client.get("/?lang=pl").get_data(as_text=True)


def test_health(client: FlaskClient, backend: Backend, site: tuple[Settings, BuildResult]) -> None:
    r = client.get("/health")
    assert r.status_code == 200 and media_type(r.content_type) == "application/json"
    data = r.get_json()
    assert data["status"] == "ok" and data["build"] == backend.build_id and data["triples"] == backend.triples
    assert data["graphs"] == site[1].stats.graphs and data["quads"] == backend.triples
    assert r.headers["Cache-Control"] == "no-store"


def test_no_build_yet(tmp_path: Path) -> None:
    client = create_app(Settings(store=tmp_path / "empty")).test_client()
    r = client.get("/health")
    assert r.status_code == 503 and r.headers["Retry-After"]
    assert client.get("/", headers={"Accept": BROWSER_ACCEPT}).status_code == 503


# --- the ontology ------------------------------------------------------------------------------------------------


def test_ontology_rdf(client: FlaskClient) -> None:
    graphs = []
    for accept in RDF_TYPES:
        r = client.get("/ontology", headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["Content-Type"] == f"{accept}; charset=utf-8"
        graphs.append(parse(r.get_data(), r.content_type))
    assert (URIRef(f"{BASE}ontology"), RDF.type, OWL.Ontology) in graphs[0]
    assert (AG.Distinction, SKOS.definition, Literal("One act of conferring a distinction.", lang="en")) in graphs[0]
    assert all(same_graph(graphs[0], g) for g in graphs[1:])
    assert (
        client.get("/ontology.ttl", headers={"Accept": BROWSER_ACCEPT})
        .headers["Content-Type"]
        .startswith("text/turtle")
    )


def test_ontology_html(client: FlaskClient) -> None:
    r = client.get("/ontology", headers={"Accept": BROWSER_ACCEPT})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and r.headers["Content-Location"] == "/ontology.html"
    for anchor in ("Distinction", "awardedTo", "rationale", "stated"):
        assert f'id="{anchor}"' in page
    # both languages, labels and definitions
    assert "Wyróżnienie" in page and "Jeden akt przyznania wyróżnienia." in page
    assert "One act of conferring a distinction." in page
    assert 'href="/ontology#Distinction"' in page  # the domain of awardedTo links within the page


def test_ontology_conditional(client: FlaskClient) -> None:
    etag = client.get("/ontology.ttl").headers["ETag"]
    assert client.get("/ontology.ttl", headers={"If-None-Match": etag}).status_code == 304


# --- the dataset description -------------------------------------------------------------------------------------


def test_dataset_rdf(client: FlaskClient, backend: Backend, site: tuple[Settings, BuildResult]) -> None:
    r = client.get("/dataset", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    if not backend.remote:  # the build's file; from a remote store, the graph <dataset> publish put there
        assert r.get_data() == (site[1].path / "dataset.ttl").read_bytes()
    graphs = [rdf_of(client, "/dataset", accept) for accept in RDF_TYPES]
    assert all(same_graph(graphs[0], g) for g in graphs[1:])
    dataset = URIRef(f"{BASE}dataset")
    assert (dataset, RDF.type, DCAT.Dataset) in graphs[0]
    assert int(graphs[0].value(dataset, VOID.triples)) == backend.triples  # type: ignore[arg-type]
    assert str(graphs[0].value(dataset, URIRef(f"{DCAT}version"))) == backend.build_id
    # a remote store has no dump files: its one distribution is the SPARQL service
    distributions = set(graphs[0].objects(dataset, DCAT.distribution))
    assert (distributions == {URIRef(f"{BASE}dataset#sparql")}) is backend.remote


def rdf_of(client: FlaskClient, path: str, accept: str) -> Graph:
    r = client.get(path, headers={"Accept": accept})
    assert r.status_code == 200
    return parse(r.get_data(), r.content_type)


def test_dataset_html(client: FlaskClient, backend: Backend) -> None:
    page = client.get("/dataset", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert ('href="/dumps/awardgraph.nt.gz"' in page) is not backend.remote and 'href="/sparql"' in page
    assert "publications.europa.eu/resource/authority/licence/CC_BY_4_0" in page  # the licence, as portals know it
    assert "creativecommons.org/licenses/by/4.0" in page  # and its deed


def test_well_known_void(client: FlaskClient) -> None:
    for path in ("/.well-known/void", "/catalog"):
        r = client.get(path)
        assert r.status_code == 303 and r.headers["Location"] == "/dataset"
    r = client.get("/.well-known/void", headers={"Accept": "text/turtle"}, follow_redirects=True)
    assert r.status_code == 200 and media_type(r.content_type) == "text/turtle"


def test_the_dataset_description_without_accept_is_turtle(client: FlaskClient) -> None:
    """A harvester that names no media type (CKAN's sends no Accept) gets Turtle; a browser, the page."""
    for accept in (None, "*/*"):
        headers = {"Accept": accept} if accept else {}
        for path in ("/dataset", "/catalog", "/.well-known/void"):
            r = client.get(path, headers=headers, follow_redirects=True)
            assert r.status_code == 200 and media_type(r.content_type) == "text/turtle", (path, accept)
        assert media_type(client.get("/", headers=headers).content_type) == "text/html"  # the landing page
    r = client.get("/", headers={"Accept": "text/turtle"})
    assert r.status_code == 303 and r.headers["Location"] == "/dataset" and r.headers["Vary"] == "Accept"
    assert media_type(client.get("/dataset", headers={"Accept": BROWSER_ACCEPT}).content_type) == "text/html"


LANGUAGE_PAGES = [
    "/",
    "/dataset",
    "/ontology",
    "/shapes",
    "/queries",
    "/sparql",
    "/search?q=lublin&limit=5",
    "/doc/person/jan-kowalski",
    "/graph/site/f01",
    "/list/schema-person?page=2",
]


@pytest.mark.parametrize("path", LANGUAGE_PAGES)
def test_pages_link_their_language_versions(client: FlaskClient, path: str) -> None:
    """``canonical`` (this language's URL), ``alternate`` with ``hreflang`` pl, en and x-default (no ``lang``:
    Accept-Language decides), absolute under the base IRI as in the sitemap, the page's other parameters kept."""
    sep = "&" if "?" in path else "?"
    for lang in ("pl", "en"):
        page = client.get(f"{path}{sep}lang={lang}", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
        head = page.split("</head>")[0]
        canonical = re.findall(r'<link rel="canonical" href="([^"]+)">', head)
        versions = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head))
        url = f"{BASE}{path.lstrip('/')}".replace("&", "&amp;")
        assert versions == {
            "pl": f"{url}{sep.replace('&', '&amp;')}lang=pl",
            "en": f"{url}{sep.replace('&', '&amp;')}lang=en",
            "x-default": url,
        }, head
        assert canonical == [versions[lang]]
    default = client.get(path, headers={"Accept": BROWSER_ACCEPT, "Accept-Language": "pl"}).get_data(as_text=True)
    assert f'<link rel="canonical" href="{versions["pl"]}">' in default  # the version Accept-Language picked


def test_error_pages_have_no_canonical_link(client: FlaskClient) -> None:
    page = client.get("/doc/nowhere", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert 'rel="canonical"' not in page and "hreflang=" not in page.split("<body")[0]


# --- dumps -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("awardgraph.ttl", "text/turtle; charset=utf-8"),
        ("awardgraph.trig", "application/trig; charset=utf-8"),
        ("awardgraph.jsonld", "application/ld+json; charset=utf-8"),
        ("awardgraph.rdf", "application/rdf+xml; charset=utf-8"),
        ("awardgraph.nt.gz", "application/gzip"),
        ("awardgraph.nq.gz", "application/gzip"),
    ],
)
def test_dumps(local_client: FlaskClient, site: tuple[Settings, BuildResult], name: str, content_type: str) -> None:
    client = local_client
    with client.get(f"/dumps/{name}") as r:
        assert r.status_code == 200 and r.headers["Content-Type"] == content_type
        body = r.get_data()
        expected = site[1].path / "dumps" / name
        assert body == expected.read_bytes()
        assert r.headers["ETag"] == f'"{hashlib.sha256(body).hexdigest()}"'
        assert "max-age=86400" in r.headers["Cache-Control"] and "public" in r.headers["Cache-Control"]
        etag = r.headers["ETag"]
    with client.get(f"/dumps/{name}", headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304
    if name.endswith(".gz"):
        assert gzip.decompress(body)


def test_dump_triples_match_the_store(local_client: FlaskClient, site: tuple[Settings, BuildResult]) -> None:
    with local_client.get("/dumps/awardgraph.ttl") as r:
        assert len(Graph().parse(data=r.get_data(), format="turtle")) == site[1].stats.triples


@pytest.mark.parametrize("backend", ["oxigraph", "virtuoso"], indirect=True)
def test_no_dumps_from_a_remote_store(client: FlaskClient) -> None:
    r = client.get("/dumps/awardgraph.ttl")
    assert r.status_code == 404
    assert "has no dump files" in r.get_data(as_text=True) and "/sparql" in r.get_data(as_text=True)


@pytest.mark.parametrize("name", ["nothing.ttl", "..%2Fmanifest.json", "manifest.json", "%2E%2E"])
def test_unknown_dump(client: FlaskClient, name: str) -> None:
    assert client.get(f"/dumps/{name}").status_code == 404


# --- errors ----------------------------------------------------------------------------------------------------


def test_not_found_by_accept(client: FlaskClient) -> None:
    r = client.get("/nowhere", headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 404 and media_type(r.content_type) == "text/html"
    r = client.get("/nowhere", headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.get_json()["status"] == 404
    r = client.get("/nowhere")
    assert r.status_code == 404 and media_type(r.content_type) == "text/plain"


def test_unexpected_errors_show_no_trace(app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(site.queries, "ask", broken)
    for accept in (BROWSER_ACCEPT, "application/json", "*/*"):
        r = client.get("/health", headers={"Accept": accept})
        body = r.get_data(as_text=True)
        assert r.status_code == 500
        assert "secret" not in body and "Traceback" not in body and "RuntimeError" not in body
    assert not app.debug


# --- a new build switched in -----------------------------------------------------------------------------------


def test_new_build_is_picked_up(tmp_path: Path) -> None:
    settings = site_settings(tmp_path)
    first = build(settings)
    client = create_app(settings).test_client()
    assert client.get("/health").get_json()["build"] == first.build_id
    assert client.get("/doc/visitor/v600", headers={"Accept": "text/turtle"}).status_code == 404
    # a second build with more data, switched in while the app runs
    write_crowd(tmp_path / "crowd.trig", 601)
    second = build(settings)
    assert second.build_id != first.build_id
    health = client.get("/health").get_json()
    assert health["build"] == second.build_id and health["triples"] == second.stats.triples
    assert client.get("/doc/visitor/v600", headers={"Accept": "text/turtle"}).status_code == 200
    assert json.loads(client.get("/health").get_data())["status"] == "ok"


def test_ontology_version_iri(client: FlaskClient) -> None:
    r = client.get("/ontology/0.0.1")
    assert r.status_code == 303 and r.headers["Location"] == "/ontology"
    assert client.get("/ontology/9.9.9").status_code == 404
