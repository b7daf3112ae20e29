"""Serving from a real remote store: what happens when the store goes away and comes back, when a new publish
lands, and when the store holds nothing for the base IRI.

Each test gets a server of its own (one is stopped, by its PID, while the app serves from it) and restarts it on
the same directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from awardgraph.config import Settings
from awardgraph.graph.publish import publish
from awardgraph.web import create_app
from tests.conftest import MINI_DATA, MINI_SHAPES
from tests.integration.servers import OxigraphServer, Server, VirtuosoServer, start_server

pytestmark = pytest.mark.slow

PAGES = ["/", "/doc/place/lublin", "/list/schema-city", "/sparql?query=ASK%20%7B%7D", "/dataset", "/health"]


@pytest.fixture(params=["oxigraph", "virtuoso"])
def own_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    server = start_server(str(request.param), tmp_path / str(request.param))
    try:
        yield server
    finally:
        server.stop()


def _settings(server: Server, base_iri: str, **more: object) -> Settings:
    return server.settings(base_iri, data=MINI_DATA, shapes=MINI_SHAPES, default_graph="listed", **more)


def _unavailable(client: FlaskClient, path: str, server: OxigraphServer | VirtuosoServer) -> None:
    for accept in ("*/*", "application/json, */*;q=0.1", "text/html, */*;q=0.1"):
        r = client.get(path, headers={"Accept": accept})
        body = r.get_data(as_text=True)
        assert r.status_code == 503, (path, accept, body)
        assert int(r.headers["Retry-After"]) > 0
        assert "not answering" in body, body
        assert "Traceback" not in body and "StoreUnavailable" not in body
        assert server.url.rsplit(":", 1)[1] not in body and "127.0.0.1" not in body  # no internal address


def test_a_stopped_store_is_503_and_the_site_recovers_when_it_is_back(own_server: Server, base_iri: str) -> None:
    settings = _settings(own_server, base_iri)
    publish(settings)
    checking = create_app(settings.replace(remote_refresh=0)).test_client()  # asks the store on every request
    trusting = create_app(settings.replace(remote_refresh=3600)).test_client()  # asked it once
    etags = {}
    for client in (checking, trusting):
        for path in PAGES:
            r = client.get(path)
            assert r.status_code == 200, (path, r.get_data(as_text=True))
            etags[path] = r.headers.get("ETag")

    own_server.stop()
    for path in PAGES:
        _unavailable(checking, path, own_server)  # type: ignore[arg-type]
    for path in ("/doc/place/lublin", "/sparql?query=ASK%20%7B%7D", "/health"):  # these need a query
        _unavailable(trusting, path, own_server)  # type: ignore[arg-type]
    # the others may still be answered from what the process computed once per publish (or be a 503)
    assert {trusting.get(path).status_code for path in PAGES} <= {200, 503}
    # a client revalidating a page it has needs no query: still answered while the store is away
    r = trusting.get("/doc/place/lublin", headers={"If-None-Match": str(etags["/doc/place/lublin"])})
    assert r.status_code == 304

    own_server.start()  # the same directory: the same data
    for client in (checking, trusting):
        for path in PAGES:
            r = client.get(path)
            assert r.status_code == 200, (path, r.get_data(as_text=True))
        assert client.get("/health").get_json()["status"] == "ok"


def test_a_new_publish_is_served_without_a_restart(own_server: Server, base_iri: str, tmp_path: Path) -> None:
    first = publish(_settings(own_server, base_iri))
    client = create_app(_settings(own_server, base_iri, remote_refresh=0)).test_client()
    assert client.get("/health").get_json()["build"] == first.publish_id
    assert client.get("/doc/place/krakow", headers={"Accept": "text/turtle"}).status_code == 404
    etag = client.get("/doc/place/lublin").headers["ETag"]
    more = tmp_path / "more.trig"
    more.write_text(
        "@prefix ag: <ontology#> .\n@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        "<graph/more/f02> { <id/place/krakow> a <http://schema.org/City> ; "
        '<http://www.w3.org/2000/01/rdf-schema#label> "Kraków"@pl, "Krakow"@en . }\n'
        "<graph/provenance> { <graph/more/f02> a ag:Assertion ; ag:assertionStatus ag:stated ; "
        "prov:wasDerivedFrom <id/source/mini> . }\n",
        encoding="utf-8",
    )
    second = publish(_settings(own_server, base_iri).replace(data=(*MINI_DATA, more)))
    health = client.get("/health").get_json()
    assert health["build"] == second.publish_id and health["graphs"] == 3
    assert client.get("/doc/place/krakow", headers={"Accept": "text/turtle"}).status_code == 200
    assert client.get("/doc/place/lublin", headers={"If-None-Match": etag}).status_code == 200  # a new ETag
    assert "/list/schema-city" in client.get("/").get_data(as_text=True)


def test_a_store_with_nothing_published_says_so(own_server: Server, base_iri: str) -> None:
    client = create_app(_settings(own_server, base_iri)).test_client()
    for path in ("/", "/doc/place/lublin", "/health", "/sparql?query=ASK%20%7B%7D"):
        r = client.get(path)
        assert r.status_code == 503 and r.headers["Retry-After"], path
        assert "no data published" in r.get_data(as_text=True) and "awardgraph publish" in r.get_data(as_text=True)
