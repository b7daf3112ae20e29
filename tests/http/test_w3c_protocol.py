"""The W3C SPARQL 1.1 Protocol test suite's query tests (https://www.w3.org/2009/sparql/docs/tests/data-sparql11/
protocol/manifest.ttl), each written here as the request the manifest describes and named after the test it mirrors,
sent as raw HTTP to a real ``awardgraph serve`` over each backend: the embedded build (``--store``), Oxigraph server
and Virtuoso (``--endpoint``, the data put there by ``publish``).

The suite's data (``http://kasei.us/2009/09/sparql/data/data0.rdf`` ... ``data3.rdf``) is fetched by the servers
that run it; this endpoint never fetches anything. So each dataset test is here twice:

- with the data loaded: ``fixtures/w3c.trig`` holds four graphs with the data files' roles (``graph/w3c/dataN``,
  each a document describing itself), and the test's expected answer holds;
- as the suite sends it, naming the kasei.us graphs: they are graphs this dataset does not hold, read as empty
  (never an error, never fetched), and the ``Awardgraph-Unknown-Graphs`` header names them.

The update tests (``update_*``) do not apply: the endpoint is read-only (``docs/security.md``), so every
``bad_update_*`` request is refused with a 4xx as the suite asks (403, or 415 for a body that is no query either).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from tests.conftest import MINI_SHAPES
from tests.integration.servers import Server, start_server
from tests.integration.serving import Reply, Served, serving
from tests.security.realserver import Listener

from awardgraph.config import Settings
from awardgraph.graph.build import build
from awardgraph.graph.publish import publish

pytestmark = pytest.mark.slow

W3C_DATA = Path(__file__).parent / "fixtures" / "w3c.trig"
BASE = "https://w3c.awardgraph.example/"
DATA = [f"{BASE}graph/w3c/data{n}" for n in range(4)]  # the roles of data0.rdf ... data3.rdf
KASEI = [f"http://kasei.us/2009/09/sparql/data/data{n}.rdf" for n in range(4)]  # the suite's own: not held here
UNKNOWN = "Awardgraph-Unknown-Graphs"
FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
RESULTS = {"application/sparql-results+xml", "application/sparql-results+json", "text/csv", "text/tab-separated-values"}
BOOLEANS = {"application/sparql-results+xml", "application/sparql-results+json"}
RDF = {"text/turtle", "application/rdf+xml", "application/n-triples", "application/ld+json", "application/trig"}
SRX = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module", params=["embedded", "oxigraph", "virtuoso"])
def endpoint(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``awardgraph serve`` over the W3C data: a build; Oxigraph server of its own (``store`` mode: the project's
    default graph is the store's, so the store holds this data only); the session's Virtuoso (``listed``)."""
    kind = str(request.param)
    folder = tmp_path_factory.mktemp(f"w3c-{kind}")
    local = Settings(base_iri=BASE, store=folder / "store", data=(W3C_DATA,), shapes=MINI_SHAPES)
    server: Server | None = None
    try:
        if kind == "embedded":
            build(local)
            settings = local
        else:
            if kind == "oxigraph":
                server = start_server("oxigraph", folder / "oxigraph")
            else:
                server = request.getfixturevalue("virtuoso_server")
            mode = "store" if kind == "oxigraph" else "listed"
            settings = server.settings(BASE, data=local.data, shapes=local.shapes, default_graph=mode)
            publish(settings)
        with serving(settings, folder / "serve.log") as served:
            yield served
    finally:
        if server is not None and kind == "oxigraph":
            server.stop()


def path(query: str | None = None, **params: str | list[str]) -> str:
    """``/sparql`` with ``query`` and the other parameters (``default_graph_uri`` for ``default-graph-uri``)."""
    pairs: dict[str, str | list[str]] = {"query": query} if query is not None else {}
    pairs.update({k.replace("_", "-"): v for k, v in params.items()})
    return "/sparql?" + urlencode(pairs, doseq=True)


def get(endpoint: Served, query: str, **params: str | list[str]) -> Reply:
    return endpoint.request("GET", path(query, **params))


def post_direct(endpoint: Served, query: str, **params: str | list[str]) -> Reply:
    return endpoint.request("POST", path(None, **params), body=query.encode(), headers={"Content-Type": DIRECT})


def boolean(reply: Reply) -> bool:
    """The answer of an ASK, in either of the formats the suite accepts."""
    assert reply.status == 200, reply.text
    assert reply.media_type in BOOLEANS, reply.media_type
    if reply.media_type == "application/sparql-results+json":
        value = reply.json()["boolean"]  # type: ignore[index]
    else:
        value = ET.fromstring(reply.body).findtext(f"{SRX}boolean") == "true"
    assert isinstance(value, bool)
    return value


def rows(reply: Reply) -> list[dict[str, str]]:
    assert reply.status == 200, reply.text
    assert reply.media_type == "application/sparql-results+json", reply.media_type
    bindings = reply.json()["results"]["bindings"]  # type: ignore[index]
    return [{k: v["value"] for k, v in b.items()} for b in bindings]


def unknown(reply: Reply) -> list[str]:
    """The graphs the answer says the dataset does not hold (read as empty)."""
    return re.findall(r"<([^>]*)>", reply.headers.get(UNKNOWN) or "")


# --- the three ways of asking ---------------------------------------------------------------------------------------


def test_query_post_form(endpoint: Served) -> None:
    reply = endpoint.request("POST", "/sparql", body=b"query=ASK%20%7B%7D", headers={"Content-Type": FORM})
    assert boolean(reply) is True and UNKNOWN not in reply.headers


def test_query_get(endpoint: Served) -> None:
    assert boolean(endpoint.request("GET", "/sparql?query=ASK%20%7B%7D")) is True


def test_query_post_direct(endpoint: Served) -> None:
    assert boolean(endpoint.request("POST", "/sparql", body=b"ASK {}", headers={"Content-Type": DIRECT})) is True


# --- the dataset tests, with the data loaded --------------------------------------------------------------------------


def test_query_dataset_default_graph(endpoint: Served) -> None:
    # ASK { <data1.rdf> ?p ?o } with default-graph-uri=data1.rdf
    query = f"ASK {{ <{DATA[1]}> ?p ?o }}"
    reply = get(endpoint, query, default_graph_uri=DATA[1])
    assert boolean(reply) is True and UNKNOWN not in reply.headers
    assert boolean(get(endpoint, query, default_graph_uri=DATA[2])) is False  # the dataset is the one asked for


def test_query_dataset_default_graphs_get(endpoint: Served) -> None:
    # ASK { <data1.rdf> a ?type . <data2.rdf> a ?type . } with two default-graph-uri: their merge
    query = f"ASK {{ <{DATA[1]}> a ?type . <{DATA[2]}> a ?type . }}"
    assert boolean(get(endpoint, query, default_graph_uri=[DATA[1], DATA[2]])) is True
    assert boolean(get(endpoint, query, default_graph_uri=DATA[1])) is False


def test_query_dataset_default_graphs_post(endpoint: Served) -> None:
    query = f"ASK {{ <{DATA[1]}> a ?type . <{DATA[2]}> a ?type . }}"
    assert boolean(post_direct(endpoint, query, default_graph_uri=[DATA[1], DATA[2]])) is True
    assert boolean(post_direct(endpoint, query, default_graph_uri=DATA[2])) is False


def test_query_dataset_named_graphs_post(endpoint: Served) -> None:
    # ASK { GRAPH ?g { ?s ?p ?o } } with two named-graph-uri; the default graph is then empty
    named = [DATA[1], DATA[2]]
    assert boolean(post_direct(endpoint, "ASK { GRAPH ?g { ?s ?p ?o } }", named_graph_uri=named)) is True
    graphs = rows(post_direct(endpoint, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graph_uri=named))
    assert sorted(r["g"] for r in graphs) == named
    assert boolean(post_direct(endpoint, "ASK { ?s ?p ?o }", named_graph_uri=named)) is False


def test_query_dataset_named_graphs_get(endpoint: Served) -> None:
    named = [DATA[1], DATA[2]]
    assert boolean(get(endpoint, "ASK { GRAPH ?g { ?s ?p ?o } }", named_graph_uri=named)) is True
    graphs = rows(get(endpoint, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", named_graph_uri=named))
    assert sorted(r["g"] for r in graphs) == named


def test_query_dataset_full(endpoint: Served) -> None:
    # data3.rdf the default graph, data1.rdf and data2.rdf the named graphs; the pattern joins the two
    query = "SELECT ?g ?x ?s { ?x ?y ?o GRAPH ?g { ?s ?p ?o } }"
    found = rows(get(endpoint, query, default_graph_uri=DATA[3], named_graph_uri=[DATA[1], DATA[2]]))
    assert {(r["g"], r["x"], r["s"]) for r in found} == {(DATA[1], DATA[3], DATA[1]), (DATA[2], DATA[3], DATA[2])}
    assert len(found) == 3  # data1 meets data3 twice (its type and alice), data2 once (its type)
    found = rows(post_direct(endpoint, query, default_graph_uri=DATA[3], named_graph_uri=[DATA[1], DATA[2]]))
    assert len(found) == 3


def test_query_multiple_dataset(endpoint: Served) -> None:
    # a dataset in the query and one in the protocol: the protocol's replaces the query's (Protocol 2.1.4)
    query = f"ASK FROM <{DATA[3]}> {{ GRAPH <{DATA[1]}> {{ ?s ?p ?o }} }}"
    assert boolean(get(endpoint, query)) is False  # the query's own dataset: data3, and no named graph
    assert boolean(get(endpoint, query, named_graph_uri=DATA[1])) is True
    assert boolean(post_direct(endpoint, query, named_graph_uri=DATA[1])) is True
    replaced = f"ASK FROM <{DATA[2]}> {{ <{DATA[2]}> a ?type }}"
    assert boolean(get(endpoint, replaced)) is True
    assert boolean(get(endpoint, replaced, default_graph_uri=DATA[1])) is False  # replaced, not added to


def test_query_multiple_dataset_with_a_graph_not_held_in_the_query(endpoint: Served) -> None:
    # the manifest's own query names kasei.us graphs in FROM: replaced by the protocol's dataset before anything
    # looks at it, so it is neither an error nor a graph not held
    query = f"ASK FROM <{KASEI[3]}> {{ GRAPH <{DATA[1]}> {{ ?s ?p ?o }} }}"
    reply = get(endpoint, query, named_graph_uri=DATA[1])
    assert boolean(reply) is True and UNKNOWN not in reply.headers
    reply = post_direct(endpoint, f"ASK FROM NAMED <{KASEI[1]}> {{ GRAPH ?g {{ ?s ?p ?o }} }}", named_graph_uri=DATA[2])
    assert boolean(reply) is True and UNKNOWN not in reply.headers


# --- the dataset tests as the suite sends them: graphs this dataset does not hold ----------------------------------


@pytest.mark.parametrize(
    ("name", "query", "params", "answer", "named"),
    [
        ("query_post_form", "ASK {}", {"default_graph_uri": KASEI[0]}, True, [KASEI[0]]),
        (
            "query_dataset_default_graph",
            f"ASK {{ <{KASEI[1]}> ?p ?o }}",
            {"default_graph_uri": KASEI[1]},
            False,
            [KASEI[1]],
        ),
        (
            "query_dataset_default_graphs_get",
            f"ASK {{ <{KASEI[1]}> a ?type . <{KASEI[2]}> a ?type . }}",
            {"default_graph_uri": [KASEI[1], KASEI[2]]},
            False,
            [KASEI[1], KASEI[2]],
        ),
        (
            "query_dataset_named_graphs_get",
            "ASK { GRAPH ?g { ?s ?p ?o } }",
            {"named_graph_uri": [KASEI[1], KASEI[2]]},
            False,
            [KASEI[1], KASEI[2]],
        ),
        (
            "query_multiple_dataset",
            f"ASK FROM <{KASEI[3]}> {{ GRAPH <{KASEI[1]}> {{ ?s ?p ?o }} }}",
            {"named_graph_uri": KASEI[1]},
            False,
            [KASEI[1]],  # the FROM is replaced, never looked at
        ),
        ("FROM a graph not held", f"ASK FROM <{KASEI[3]}> {{ }}", {}, True, [KASEI[3]]),
        (
            "FROM NAMED a graph not held",
            f"ASK FROM NAMED <{KASEI[3]}> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
            {},
            False,
            [KASEI[3]],
        ),
        (
            "held and not held",
            f"ASK {{ <{DATA[1]}> a ?type }}",
            {"default_graph_uri": [KASEI[0], DATA[1]], "named_graph_uri": KASEI[2]},
            True,
            [KASEI[0], KASEI[2]],
        ),
    ],
)
def test_graphs_the_dataset_does_not_hold_are_empty(
    endpoint: Served, name: str, query: str, params: dict[str, str | list[str]], answer: bool, named: list[str]
) -> None:
    for reply in (get(endpoint, query, **params), post_direct(endpoint, query, **params)):
        assert boolean(reply) is answer, name
        assert unknown(reply) == named, name


def test_query_dataset_full_over_graphs_not_held(endpoint: Served) -> None:
    query = "SELECT ?g ?x ?s { ?x ?y ?o GRAPH ?g { ?s ?p ?o } }"
    reply = get(endpoint, query, default_graph_uri=KASEI[3], named_graph_uri=[KASEI[1], KASEI[2]])
    assert rows(reply) == [] and unknown(reply) == [KASEI[3], KASEI[1], KASEI[2]]
    reply = get(endpoint, "SELECT (COUNT(*) AS ?n) FROM <http://kasei.us/x> WHERE { ?s ?p ?o }")
    assert rows(reply) == [{"n": "0"}] and unknown(reply) == ["http://kasei.us/x"]


def test_graphs_not_held_are_never_fetched(endpoint: Served) -> None:
    listener = Listener()
    try:
        there = f"{listener.url}data0.rdf"
        reply = get(endpoint, "ASK {}", default_graph_uri=there, named_graph_uri=f"{listener.url}data1.rdf")
        assert boolean(reply) is True and unknown(reply) == [there, f"{listener.url}data1.rdf"]
        reply = get(endpoint, f"SELECT * FROM <{there}> FROM NAMED <{there}> WHERE {{ ?s ?p ?o }}")
        assert rows(reply) == [] and unknown(reply) == [there]
        construct = f"CONSTRUCT {{ ?s ?p ?o }} FROM <{there}> WHERE {{ ?s ?p ?o }}"
        reply = endpoint.request("GET", path(construct), headers={"Accept": "application/n-triples"})
        assert reply.status == 200 and reply.body.strip() == b"" and unknown(reply) == [there]
    finally:
        listener.close()
    assert listener.calls == []


def test_the_header_says_which_graphs_are_not_held_in_ascii(endpoint: Served) -> None:
    iri = "http://example.org/graf/łódź"
    reply = get(endpoint, "ASK {}", default_graph_uri=iri)
    assert boolean(reply) is True
    assert reply.headers[UNKNOWN] == f"<http://example.org/graf/{quote('łódź')}>"
    many = [f"http://example.org/g{n:04d}" for n in range(200)]  # a POST body may name many: the header stays small
    body = urlencode({"query": "ASK {}", "default-graph-uri": many}, doseq=True).encode()
    reply = endpoint.request("POST", "/sparql", body=body, headers={"Content-Type": FORM})
    assert boolean(reply) is True
    assert len(reply.headers[UNKNOWN]) < 4096 and reply.headers[UNKNOWN].startswith(f"<{many[0]}>")
    assert reply.headers[UNKNOWN].endswith(" more")


# --- content types ------------------------------------------------------------------------------------------------


def test_query_content_type_select(endpoint: Served) -> None:
    reply = endpoint.request("GET", path("SELECT (1 AS ?value) {}"))
    assert reply.status == 200 and reply.media_type in RESULTS
    assert rows(reply) == [{"value": "1"}]


def test_query_content_type_ask(endpoint: Served) -> None:
    reply = endpoint.request("GET", path("ASK {}"))
    assert reply.status == 200 and reply.media_type in BOOLEANS


def test_query_content_type_describe(endpoint: Served) -> None:
    reply = endpoint.request("GET", path("DESCRIBE <http://example.org/>"))
    assert reply.status == 200 and reply.media_type in RDF, reply.text


def test_query_content_type_construct(endpoint: Served) -> None:
    reply = endpoint.request("GET", path("CONSTRUCT { <http://example.org/s> <http://example.org/p> 1 } WHERE {}"))
    assert reply.status == 200 and reply.media_type in RDF, reply.text
    assert b"http://example.org/s" in reply.body


def test_results_in_each_format_asked_for(endpoint: Served) -> None:
    for accept in sorted(RESULTS):
        reply = endpoint.request("GET", path("SELECT (1 AS ?value) {}"), headers={"Accept": accept})
        assert reply.status == 200 and reply.media_type == accept
    for accept in sorted(RDF):
        reply = endpoint.request(
            "GET", path("CONSTRUCT { <http://e/s> <http://e/p> 1 } {}"), headers={"Accept": accept}
        )
        assert reply.status == 200 and reply.media_type == accept


# --- bad requests ----------------------------------------------------------------------------------------------------

ASK = "ASK%20%7B%7D"
BAD: dict[str, tuple[str, str, dict[str, str], bytes | None, int]] = {
    # name: (method, path, headers, body, status)
    "bad_query_method": ("PUT", f"/sparql?query={ASK}", {}, None, 405),
    "bad_multiple_queries": ("GET", f"/sparql?query={ASK}&query=SELECT%20%2A%20%7B%7D", {}, None, 400),
    "bad_multiple_queries (POST)": ("POST", f"/sparql?query={ASK}", {"Content-Type": FORM}, b"query=ASK%20%7B%7D", 400),
    "bad_query_wrong_media_type": ("POST", "/sparql", {"Content-Type": "text/plain"}, b"ASK {}", 415),
    "bad_query_missing_form_type": ("POST", "/sparql", {}, b"query=ASK%20%7B%7D", 415),
    "bad_query_missing_direct_type": ("POST", "/sparql", {}, b"ASK {}", 415),
    "bad_query_non_utf8": (
        "POST",
        "/sparql",
        {"Content-Type": "application/sparql-query; charset=UTF-16"},
        "ASK {}".encode("utf-16"),
        415,
    ),
    "bad_query_non_utf8 (bytes)": (
        "POST",
        "/sparql",
        {"Content-Type": DIRECT},
        'ASK { ?s ?p "caf\xe9" }'.encode("latin-1"),
        400,
    ),
    "bad_query_syntax": ("GET", "/sparql?query=ASK%20%7B", {}, None, 400),
    "bad_query_not_a_query": ("GET", "/sparql?query=SELECT%20%3Fs%20WHERE", {}, None, 400),
    "bad_query_graph_not_an_iri": ("GET", f"/sparql?query={ASK}&default-graph-uri=data1.rdf", {}, None, 400),
    "bad_update_get": ("GET", "/sparql?update=CLEAR%20ALL", {}, None, 403),
    "bad_multiple_updates": (
        "POST",
        "/sparql",
        {"Content-Type": FORM},
        b"update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
        403,
    ),
    "bad_update_wrong_media_type": ("POST", "/sparql", {"Content-Type": "text/plain"}, b"CLEAR NAMED", 415),
    "bad_update_missing_form_type": ("POST", "/sparql", {}, b"update=CLEAR%20NAMED", 415),
    "bad_update_non_utf8": (
        "POST",
        "/sparql",
        {"Content-Type": "application/sparql-update; charset=UTF-16"},
        "CLEAR NAMED".encode("utf-16"),
        403,
    ),
    "bad_update_syntax": ("POST", "/sparql", {"Content-Type": "application/sparql-update"}, b"CLEAR XYZ", 403),
    "bad_update_dataset_conflict": (
        "POST",
        f"/sparql?using-graph-uri={quote(DATA[1], safe='')}",
        {"Content-Type": "application/sparql-update"},
        f"DELETE {{ ?s ?p ?o }} USING <{DATA[2]}> WHERE {{ ?s ?p ?o }}".encode(),
        403,
    ),
    "query in the update parameter": ("POST", "/sparql", {"Content-Type": FORM}, b"update=ASK%20%7B%7D", 403),
    "update in the query parameter": ("POST", "/sparql", {"Content-Type": FORM}, b"query=CLEAR%20ALL", 403),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_requests(endpoint: Served, name: str) -> None:
    method, where, headers, body, status = BAD[name]
    reply = endpoint.request(method, where, headers=headers, body=body)
    assert reply.status == status, (name, reply.text)
    assert reply.media_type == "text/plain" and "Traceback" not in reply.text
    data = rows(get(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
    assert int(data[0]["n"]) > 20  # nothing was changed


def test_answers_are_the_same_on_every_backend(endpoint: Served) -> None:
    """One digest of several dataset answers, compared across the backends by the module's last test."""
    query = "SELECT ?g ?s ?p ?o WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } ORDER BY ?g ?s ?p ?o"
    answers = [
        rows(get(endpoint, query, default_graph_uri=[DATA[0], KASEI[0]], named_graph_uri=[DATA[1], KASEI[1]])),
        rows(get(endpoint, query.replace("WHERE", f"FROM <{DATA[2]}> FROM NAMED <{DATA[3]}> WHERE"))),
    ]
    DIGESTS.append(json.dumps(answers, sort_keys=True))
    assert len(set(DIGESTS)) == 1


DIGESTS: list[str] = []
