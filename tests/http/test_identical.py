"""The same requests, answered from the embedded store and from each remote store holding the same data: the same
status, the same headers (but the build's own ``ETag`` and ``Last-Modified``) and the same content, compared as
RDF graphs, JSON, CSV or HTML. What may differ is only what identifies the build or the publish: its id and time.

Besides the backends of every HTTP test, this runs against Oxigraph server served in ``listed`` mode (the app
names the project's default graph and graphs as the dataset of every query).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from backends import Backend, published
from flask.testing import FlaskClient
from httphelp import BASE, BROWSER_ACCEPT, media_type, parse, same_graph
from rdflib import Graph
from rdflib.namespace import DCTERMS
from tests.integration.servers import OxigraphServer, Server

from awardgraph.config import Settings
from awardgraph.graph.build import BuildResult
from awardgraph.web import create_app
from conftest import remote_backend

RDF = ["text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"]
PERSON, LUBLIN = f"{BASE}id/person/jan-kowalski", f"{BASE}id/place/lublin"
F01, LABELS = f"{BASE}graph/site/f01", f"{BASE}graph/curation/labels"
DATA = "FILTER NOT EXISTS { GRAPH <dataset> { ?s ?anything ?else } }"


def sparql(query: str, **dataset: str | list[str]) -> str:
    return "/sparql?" + urlencode({"query": query, **dataset}, doseq=True)


REQUESTS: list[tuple[str, list[str]]] = [
    ("/doc/distinction/2015-jan-kowalski", [*RDF, BROWSER_ACCEPT]),  # blank nodes two levels deep
    ("/doc/person/jan-kowalski", [*RDF, BROWSER_ACCEPT]),
    ("/doc/place/lublin", ["text/turtle", BROWSER_ACCEPT]),  # 500 of 521 inbound statements: paged
    ("/doc/place/lublin?inbound-page=2", ["application/n-triples", BROWSER_ACCEPT]),
    ("/doc/place/nowhere", ["text/turtle", "text/plain"]),
    ("/id/person/jan-kowalski", ["text/turtle"]),
    ("/graph/site/f01", ["text/turtle", BROWSER_ACCEPT]),
    ("/ontology", [*RDF, BROWSER_ACCEPT]),
    ("/ontology/0.0.1", ["*/*"]),
    ("/shapes", ["application/n-triples", BROWSER_ACCEPT]),
    ("/list/schema-person", ["application/json", "text/csv", BROWSER_ACCEPT]),
    ("/list/schema-person?page=6", ["application/json"]),
    ("/list/ag-distinction", ["application/json"]),
    ("/sitemap.xml", ["*/*"]),
    ("/sparql", ["text/turtle"]),  # the service description
    (
        sparql(f"SELECT ?p ?o WHERE {{ <{PERSON}> ?p ?o }} ORDER BY ?p STR(?o) LANG(?o)"),
        ["*/*", "text/csv", BROWSER_ACCEPT],
    ),
    (sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"named-graph-uri": F01}), ["*/*"]),
    (sparql("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", **{"default-graph-uri": F01}), ["*/*"]),
    (sparql(f"SELECT ?p FROM <{LABELS}> WHERE {{ <{PERSON}> ?p ?o }} ORDER BY ?p"), ["*/*"]),
    (sparql(f"SELECT ?p FROM NAMED <{LABELS}> WHERE {{ GRAPH ?g {{ <{PERSON}> ?p ?o }} }} ORDER BY ?p"), ["*/*"]),
    (sparql("SELECT ?d ?p WHERE { ?d a ag:Distinction ; ?p <id/person/jan-kowalski> }"), ["*/*"]),
    (sparql("ASK { ?s a ag:Nothing }"), ["application/sparql-results+xml"]),
    (sparql(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{F01}> {{ ?s ?p ?o }} }}"), ["text/turtle", "application/trig"]),
    (sparql("DESCRIBE <id/distinction/2015-jan-kowalski>"), ["application/n-triples"]),
    (sparql("DESCRIBE ?x WHERE { ?x a schema:Person } ORDER BY ?x LIMIT 3"), ["text/turtle"]),
    (sparql("SELECT * WHERE {\n  ?s ?p \n}"), ["text/plain", "application/json"]),
    (sparql("CLEAR ALL"), ["text/plain"]),
]
# Queries over everything in the default graph (or every graph): the same where the store's union is the project's
# graphs. (The description <dataset> differs: a build's lists its dumps, a publish has none. It is left out.)
WHOLE_STORE: list[tuple[str, list[str]]] = [
    (sparql(f"SELECT ?c (COUNT(*) AS ?n) WHERE {{ ?s a ?c {DATA} }} GROUP BY ?c ORDER BY DESC(?n) ?c"), ["*/*"]),
    (sparql(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {DATA} }} GROUP BY ?g ORDER BY ?g"), ["*/*"]),
    (sparql(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o {DATA} }}"), ["*/*"]),
]
SAME_HEADERS = ("Content-Type", "Content-Location", "Link", "Vary", "Location", "Cache-Control", "Retry-After")


@pytest.fixture(scope="module")
def plain_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-listed"), union=False)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _remote(request: pytest.FixtureRequest, kind: str) -> tuple[Backend, FlaskClient]:
    settings, result = request.getfixturevalue("site")
    if kind == "oxigraph-listed":
        plain = request.getfixturevalue("plain_server")
        backend = published(plain, settings, result.stats.triples, default_graph="listed")
    else:
        backend = remote_backend(request, kind)
    return backend, create_app(backend.settings).test_client()


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso", "oxigraph-listed"])
def remote(request: pytest.FixtureRequest) -> tuple[Backend, FlaskClient]:
    """A remote store serving the test data, in each way it can be served."""
    return _remote(request, str(request.param))


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso", "oxigraph-listed"])
def exact(request: pytest.FixtureRequest) -> tuple[Backend, FlaskClient]:
    """A remote store serving the project's default graph and graphs and nothing else."""
    return _remote(request, str(request.param))


def _normalized(text: str, backend: Backend, built: str) -> str:
    """``text`` with what identifies a build or publish (its id, its time) blanked."""
    for value in (backend.build_id, built):
        text = text.replace(value, "BUILD") if value else text
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "TIME", text)


def _without_build_times(g: Graph) -> Graph:
    g.remove((None, DCTERMS.modified, None))
    return g


@pytest.mark.parametrize(("path", "accepts"), REQUESTS, ids=[p for p, _ in REQUESTS])
def test_the_same_answer(
    remote: tuple[Backend, FlaskClient],
    local_client: FlaskClient,
    site: tuple[Settings, BuildResult],
    path: str,
    accepts: list[str],
) -> None:
    compare(remote, local_client, site, path, accepts)


@pytest.mark.parametrize(("path", "accepts"), WHOLE_STORE, ids=[p for p, _ in WHOLE_STORE])
def test_the_same_answer_over_the_whole_store(
    exact: tuple[Backend, FlaskClient],
    local_client: FlaskClient,
    site: tuple[Settings, BuildResult],
    path: str,
    accepts: list[str],
) -> None:
    compare(exact, local_client, site, path, accepts)


def compare(
    remote: tuple[Backend, FlaskClient],
    local_client: FlaskClient,
    site: tuple[Settings, BuildResult],
    path: str,
    accepts: list[str],
) -> None:
    """``path`` asked of the remote store and of the embedded one, with each ``Accept``: the same answer."""
    backend, client = remote
    for accept in accepts:
        mine = local_client.get(path, headers={"Accept": accept})
        theirs = client.get(path, headers={"Accept": accept})
        where = f"{path} ({accept})"
        assert theirs.status_code == mine.status_code, (where, theirs.get_data(as_text=True))
        for name in SAME_HEADERS:
            assert theirs.headers.get(name) == mine.headers.get(name), (where, name)
        assert ("ETag" in theirs.headers) == ("ETag" in mine.headers), where
        kind = media_type(mine.content_type)
        a, b = mine.get_data(as_text=True), theirs.get_data(as_text=True)
        if kind in (
            "text/turtle",
            "application/n-triples",
            "application/ld+json",
            "application/rdf+xml",
            "application/trig",
        ):
            assert same_graph(
                _without_build_times(parse(a.encode(), kind)), _without_build_times(parse(b.encode(), kind))
            ), where
        elif kind in ("application/json", "application/sparql-results+json"):
            assert json.loads(b) == json.loads(a), where
        elif kind == "text/html":
            built = str(site[1].path.name)
            page, data = _html(b, backend, "")
            local_page, local_data = _html(a, Backend("embedded", site[0], site[1].build_id, 0), built)
            assert page == local_page, where
            assert (data is None and local_data is None) or same_graph(data, local_data), where  # type: ignore[arg-type]
        else:
            assert _normalized(b, backend, "") == _normalized(a, backend, ""), where


def _html(page: str, backend: Backend, built: str) -> tuple[str, Graph | None]:
    """An HTML page without the build's id and time and with blank node labels (which stores choose) blanked, and
    the graph of its embedded JSON-LD (whose order follows those labels)."""
    page = _normalized(page, backend, built)
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    embedded = None
    if found:
        embedded = _without_build_times(Graph().parse(data=found.group(1), format="json-ld"))
        page = page.replace(found.group(1), "JSON-LD")
    return re.sub(r"_:[\w\-]+", "_:b", page), embedded
