"""``/sitemap.xml`` (sitemaps.org protocol, URLs under the base IRI) and ``/robots.txt``."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from httphelp import BASE, CROWD, site_settings

from awardgraph.graph.build import build
from awardgraph.web import create_app
from awardgraph.web.catalogue import sitemap

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locs(client: FlaskClient, path: str, element: str = "url") -> list[str]:
    r = client.get(path)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/xml; charset=utf-8"
    root = ET.fromstring(r.get_data())
    assert root.tag == f"{{{NS['sm']}}}{'urlset' if element == 'url' else 'sitemapindex'}"
    entries = root.findall(f"sm:{element}", NS)
    assert all(e.findtext("sm:lastmod", namespaces=NS) for e in entries)
    return [e.findtext("sm:loc", namespaces=NS) or "" for e in entries]


def local(url: str) -> str:
    assert url.startswith(BASE), url
    return "/" + url.removeprefix(BASE)


def test_sitemap_lists_every_page_and_document(client: FlaskClient) -> None:
    urls = locs(client, "/sitemap.xml")
    assert len(urls) == len(set(urls))
    paths = [local(u) for u in urls]
    assert paths[:5] == ["/", "/dataset", "/ontology", "/shapes", "/queries"]  # the cookbook too (issue 13)
    for expected in (
        "/doc/person/jan-kowalski",
        "/doc/place/lublin",
        "/doc/source/site",
        "/doc/visitor/v519",
        "/graph/site/f01",
        "/graph/provenance",
        "/list/schema-person",
        "/list/schema-person?page=6",
        "/list/schema-city",
    ):
        assert expected in paths, expected
    assert sum(p.startswith("/doc/visitor/") for p in paths) == CROWD
    for path in paths:  # every entry is a page the server answers
        assert client.head(path, headers={"Accept": "text/html"}).status_code == 200, path


def test_sitemap_caching(client: FlaskClient) -> None:
    r = client.get("/sitemap.xml")
    assert r.headers["ETag"] and r.headers["Last-Modified"]
    assert client.get("/sitemap.xml", headers={"If-None-Match": r.headers["ETag"]}).status_code == 304


def test_sitemap_urls_never_come_from_the_host(client: FlaskClient) -> None:
    r = client.get("/sitemap.xml", headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    assert b"evil" not in r.get_data()


def test_large_sitemaps_become_an_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = site_settings(tmp_path)
    build(settings)
    client = create_app(settings).test_client()
    whole = locs(client, "/sitemap.xml")
    monkeypatch.setattr(sitemap, "URLS_PER_FILE", 100)
    parts = locs(client, "/sitemap.xml", "sitemap")
    assert [local(p) for p in parts] == [f"/sitemap-{n}.xml" for n in range(1, len(parts) + 1)]
    assert len(parts) == -(-len(whole) // 100)
    joined = [url for part in parts for url in locs(client, local(part))]
    assert joined == whole
    assert client.get(f"/sitemap-{len(parts) + 1}.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404


def test_robots(client: FlaskClient) -> None:
    r = client.get("/robots.txt")
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/plain; charset=utf-8"
    lines = r.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines and "Disallow: /sparql" in lines
    assert f"Sitemap: {BASE}sitemap.xml" in lines


def test_real_sitemap(real_client: FlaskClient) -> None:
    r = real_client.get("/sitemap.xml")
    assert r.status_code == 200
    root = ET.fromstring(r.get_data())
    urls = [e.findtext("sm:loc", namespaces=NS) or "" for e in root.findall("sm:url", NS)]
    assert len(urls) > 100
    base = "https://w3id.org/awardgraph/"
    for url in urls:
        assert url.startswith(base)
        path = "/" + url.removeprefix(base)
        assert real_client.head(path, headers={"Accept": "text/html"}).status_code == 200, path
