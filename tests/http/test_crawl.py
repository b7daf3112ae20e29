"""The whole site, crawled from the home page by following only the links it finds: every link resolves, every HTML
page says its language and has a title, every RDF answer parses, and the crawl ends (paging is finite)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from crawl import crawl
from flask.testing import FlaskClient
from httphelp import BASE, build_or_fail, site_settings

from awardgraph.config import Settings
from awardgraph.web import create_app
from awardgraph.web.documents import documents
from awardgraph.web.pages import lists


def things(client: FlaskClient) -> set[str]:
    query = "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), STR(<id/>))) }"
    r = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    return {b["s"]["value"] for b in r.get_json()["results"]["bindings"]}


def test_crawl_the_real_site(real: Settings, real_client: FlaskClient) -> None:
    started = time.perf_counter()
    result = crawl(real_client, real.base_iri)
    assert result.finished and not result.problems, "\n".join(result.problems[:30])
    assert not result.dangling_fragments(), "\n".join(result.dangling_fragments()[:30])
    fetched = set(result.fetched)
    for iri in things(real_client):  # every thing's document was reached by following links
        assert "/doc/" + iri.removeprefix(f"{real.base_iri}id/") in fetched, iri
    for path in ("/shapes", "/shapes.ttl", "/ontology.ttl", "/dataset.jsonld", "/sitemap.xml", "/graph/provenance.nt"):
        assert path in fetched, path
    assert any(p.startswith("/list/") for p in fetched) and any(p.startswith("/sparql?query=") for p in fetched)
    assert result.html_pages > 300 and result.rdf_documents > 300
    print(
        f"\ncrawled {len(result.fetched)} URLs ({result.html_pages} HTML pages, {result.rdf_documents} RDF documents, "
        f"{result.triples} triples) in {time.perf_counter() - started:.1f} s"
    )


def test_crawl_a_paged_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixture data with a small crowd and small pages, so that the crawl walks every kind of paging."""
    monkeypatch.setattr(documents, "INBOUND_PAGE", 4)
    monkeypatch.setattr(lists, "PAGE_SIZE", 3)
    settings = site_settings(tmp_path, crowd_size=10)
    build_or_fail(settings, "the fixture data")
    result = crawl(create_app(settings).test_client(), BASE)
    assert result.finished and not result.problems, "\n".join(result.problems[:30])
    assert not result.dangling_fragments(), "\n".join(result.dangling_fragments()[:30])
    fetched = set(result.fetched)
    # 11 statements point at Lublin: 3 pages of 4; 11 people: 4 pages of 3. Walked to their ends, and no further.
    assert {"/doc/place/lublin?inbound-page=3", "/doc/place/lublin.ttl?inbound-page=3"} <= fetched
    assert not any("inbound-page=4" in p for p in fetched)
    assert {"/list/schema-person?page=4", "/list/schema-person.json?page=4"} <= fetched
    assert not any("page=5" in p for p in fetched)
    assert {f"/doc/visitor/v{i:03d}" for i in range(10)} <= fetched
    assert {"/shapes", "/sitemap.xml", "/graph/crowd"} <= fetched


def test_the_crawler_reports_broken_links_and_stops(client: FlaskClient) -> None:
    """The crawler itself: a link that leads nowhere is reported, with where it was; the bound stops it."""
    result = crawl(client, BASE, start="/doc/nowhere")
    assert result.problems == ["/doc/nowhere: 404 (linked from the start)"]
    bounded = crawl(client, BASE, limit=5)
    assert not bounded.finished and "stopped after 5 URLs" in bounded.problems[-1]
