"""The real thing: ``awardgraph serve`` (granian) in a subprocess on 127.0.0.1, spoken to with real HTTP clients,
serving a build (``--store``) or a remote store (``--endpoint``, with its credentials from the environment).

Each family of behaviour is checked once over the wire; the details are in the test-client tests.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from backends import Backend
from httphelp import BASE, BROWSER_ACCEPT, parse, same_graph
from rdflib import Graph, URIRef
from tests.integration.serving import serving

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(backend.settings, tmp_path_factory.mktemp("server") / "serve.log") as served:
        yield served.url


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        session.trust_env = False  # no proxies: 127.0.0.1 only
        yield session


def test_production_server(server: str, http: requests.Session) -> None:
    r = http.get(f"{server}/health")
    assert r.json()["status"] == "ok"
    assert r.headers["Server"] == "granian"  # not Flask's development server


def test_dereferencing(server: str, http: requests.Session) -> None:
    r = http.get(f"{server}/id/person/jan-kowalski", headers={"Accept": "text/turtle"})
    assert [h.status_code for h in r.history] == [303]
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert r.headers["Content-Location"] == "/doc/person/jan-kowalski.ttl"
    g = parse(r.content, r.headers["Content-Type"])
    assert (URIRef(f"{BASE}id/person/jan-kowalski"), None, None) in g
    # rdflib, as a linked-data client, negotiates and follows the 303 itself
    fetched = Graph().parse(f"{server}/id/person/jan-kowalski")
    assert same_graph(fetched, g)
    etag = r.headers["ETag"]
    again = http.get(r.url, headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304


def test_sparql(server: str, http: requests.Session) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    by_get = http.get(
        f"{server}/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"}
    )
    by_post = http.post(f"{server}/sparql", data=query.encode(), headers={"Content-Type": "application/sparql-query"})
    by_form = http.post(f"{server}/sparql", data={"query": query, "format": "json", "output": "json"})
    counts = {int(r.json()["results"]["bindings"][0]["n"]["value"]) for r in (by_get, by_post, by_form)}
    assert len(counts) == 1 and counts.pop() > 500
    bad = http.get(f"{server}/sparql", params={"query": "SELECT * WHERE {"})
    assert bad.status_code == 400 and "error at 1:" in bad.text
    refused = http.post(f"{server}/sparql", data={"update": "CLEAR ALL"})
    assert refused.status_code == 403
    description = http.get(f"{server}/sparql", headers={"Accept": "text/turtle"})
    assert description.status_code == 200 and "sparql-service-description" in description.text


def test_pages(server: str, http: requests.Session) -> None:
    for path in ("/", "/doc/distinction/2015-jan-kowalski", "/ontology", "/dataset", "/sparql", "/graph/site/f01"):
        r = http.get(f"{server}{path}", headers={"Accept": BROWSER_ACCEPT})
        assert r.status_code == 200, path
        assert r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert http.get(f"{server}/static/style.css").status_code == 200


def test_dataset_and_dumps(server: str, backend: Backend, http: requests.Session) -> None:
    r = http.get(f"{server}/.well-known/void", headers={"Accept": "application/ld+json"})
    assert [h.status_code for h in r.history] == [303] and r.headers["Content-Type"].startswith("application/ld+json")
    dump = http.get(f"{server}/dumps/awardgraph.nt.gz")
    if backend.remote:  # a remote store has no dump files
        assert dump.status_code == 404 and "/sparql" in dump.text
    else:
        assert dump.status_code == 200 and dump.headers["Content-Type"] == "application/gzip"
    assert http.get(f"{server}/ontology", headers={"Accept": "text/turtle"}).status_code == 200
