"""``/sparql``: the SPARQL 1.1 Protocol query operation, checked in our own words against the W3C protocol tests
(request styles, dataset parameters, result formats, the 4xx cases) and the clients we know of."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlencode

import pytest
from flask.testing import FlaskClient
from httphelp import BASE, BROWSER_ACCEPT, media_type, parse, same_graph
from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
PERSON = f"{BASE}id/person/jan-kowalski"
F01, F02, LABELS = f"{BASE}graph/site/f01", f"{BASE}graph/site/f02", f"{BASE}graph/curation/labels"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def get(client: FlaskClient, query: str, accept: str | None = None, **params: str | list[str]):  # type: ignore[no-untyped-def]
    headers = {"Accept": accept} if accept else {}
    return client.get("/sparql?" + urlencode({"query": query, **params}, doseq=True), headers=headers)


def rows(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert media_type(response.content_type) == "application/sparql-results+json"
    data = json.loads(response.get_data())
    return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]


def count(response) -> int:  # type: ignore[no-untyped-def]
    return int(rows(response)[0]["n"])


# --- the three request styles -------------------------------------------------------------------------------


def test_get(client: FlaskClient) -> None:
    r = get(client, f"SELECT ?label WHERE {{ <{PERSON}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}")
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/sparql-results+json; charset=utf-8"
    assert {row["label"] for row in rows(r)} == {"Jan Kowalski"}


def test_post_form(client: FlaskClient) -> None:
    r = client.post("/sparql", data={"query": "ASK { }"}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200
    assert json.loads(r.get_data()) == {"head": {}, "boolean": True}


def test_post_form_with_dataset_in_the_url(client: FlaskClient) -> None:
    # W3C query_post_form: the graph parameter in the URL, the query in the body
    r = client.post(
        "/sparql/?" + urlencode({"default-graph-uri": F02}),
        data="query=" + quote(f"ASK {{ <{PERSON}> a ?type }}"),
        content_type="application/x-www-form-urlencoded",
    )
    assert r.status_code == 200 and json.loads(r.get_data())["boolean"] is True


def test_post_direct(client: FlaskClient) -> None:
    r = client.post("/sparql", data=COUNT.encode(), content_type="application/sparql-query")
    assert r.status_code == 200 and count(r) > 500
    r = client.post("/sparql", data=COUNT.encode(), content_type="application/sparql-query; charset=UTF-8")
    assert r.status_code == 200


def test_trailing_slash(client: FlaskClient) -> None:
    assert client.get("/sparql/?" + urlencode({"query": "ASK {}"})).status_code == 200


# --- the dataset ---------------------------------------------------------------------------------------------


def test_default_graph_is_the_union_of_the_stated_and_curated_graphs(client: FlaskClient) -> None:
    query = f"SELECT ?p WHERE {{ <{PERSON}> ?p ?o }}"
    predicates = {row["p"] for row in rows(get(client, query))}
    # the type comes from one graph, the label from another: the default graph holds both
    assert "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" in predicates
    assert "http://www.w3.org/2000/01/rdf-schema#label" in predicates


def test_default_graph_uri(client: FlaskClient) -> None:
    query = f"SELECT ?p WHERE {{ <{PERSON}> ?p ?o }}"
    only_labels = {row["p"] for row in rows(get(client, query, **{"default-graph-uri": LABELS}))}
    assert only_labels == {"http://www.w3.org/2000/01/rdf-schema#label"}
    both = {row["p"] for row in rows(get(client, query, **{"default-graph-uri": [LABELS, F02]}))}
    assert "http://schema.org/honorificPrefix" in both and "http://www.w3.org/2000/01/rdf-schema#label" in both


def test_named_graph_uri(client: FlaskClient) -> None:
    query = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{PERSON}> ?p ?o }} }}"
    assert {row["g"] for row in rows(get(client, query))} == {F02, LABELS}
    limited = rows(get(client, query, **{"named-graph-uri": F02}))
    assert {row["g"] for row in limited} == {F02}
    # a protocol dataset with named graphs only has an empty default graph
    assert count(get(client, COUNT, **{"named-graph-uri": F02})) == 0


def test_from_in_the_query_is_honoured(client: FlaskClient) -> None:
    query = f"SELECT ?p FROM <{LABELS}> WHERE {{ <{PERSON}> ?p ?o }}"
    assert {row["p"] for row in rows(get(client, query))} == {"http://www.w3.org/2000/01/rdf-schema#label"}


def test_protocol_dataset_overrides_from(client: FlaskClient) -> None:
    query = f"SELECT ?p FROM <{LABELS}> WHERE {{ <{PERSON}> ?p ?o }}"
    found = {row["p"] for row in rows(get(client, query, **{"default-graph-uri": F02}))}
    assert "http://www.w3.org/2000/01/rdf-schema#label" not in found
    assert "http://schema.org/honorificPrefix" in found


def test_from_inside_a_string_or_comment_is_not_a_dataset(client: FlaskClient) -> None:
    query = f'SELECT ?p WHERE {{ <{PERSON}> ?p ?o FILTER(?o != "FROM <x>") }} # FROM <{LABELS}>'
    assert "http://schema.org/honorificPrefix" in {row["p"] for row in rows(get(client, query))}


def test_prefixes_and_base_are_declared(client: FlaskClient) -> None:
    r = get(client, "SELECT ?d WHERE { ?d a ag:Distinction . <id/person/jan-kowalski> rdfs:label ?l }")
    assert {row["d"] for row in rows(r)} == {f"{BASE}id/distinction/2015-jan-kowalski"}


# --- result formats ------------------------------------------------------------------------------------------

SELECT_LABELS = f"SELECT ?l WHERE {{ <{PERSON}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }} ORDER BY ?l"


@pytest.mark.parametrize(
    ("accept", "fmt", "content_type"),
    [
        ("application/sparql-results+json", None, "application/sparql-results+json; charset=utf-8"),
        ("application/sparql-results+xml", None, "application/sparql-results+xml; charset=utf-8"),
        ("text/csv", None, "text/csv; charset=utf-8"),
        ("text/tab-separated-values", None, "text/tab-separated-values; charset=utf-8"),
        ("application/json", None, "application/sparql-results+json; charset=utf-8"),
        ("*/*", None, "application/sparql-results+json; charset=utf-8"),
        (None, None, "application/sparql-results+json; charset=utf-8"),
        ("text/csv;q=0.5, application/sparql-results+xml", None, "application/sparql-results+xml; charset=utf-8"),
        (None, "xml", "application/sparql-results+xml; charset=utf-8"),
        ("application/sparql-results+xml", "csv", "text/csv; charset=utf-8"),
        (None, "text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
    ],
)
def test_select_formats(client: FlaskClient, accept: str | None, fmt: str | None, content_type: str) -> None:
    r = get(client, SELECT_LABELS, accept, **({"format": fmt} if fmt else {}))
    assert r.status_code == 200
    assert r.headers["Content-Type"] == content_type
    assert "Accept" in r.headers["Vary"]
    body = r.get_data(as_text=True)
    kind = media_type(content_type)
    if kind == "application/sparql-results+json":
        values = [b["l"]["value"] for b in json.loads(body)["results"]["bindings"]]
    elif kind == "application/sparql-results+xml":
        ns = "{http://www.w3.org/2005/sparql-results#}"
        values = [e.text or "" for e in ET.fromstring(body).iter(f"{ns}literal")]
    elif kind == "text/csv":
        values = [row[0] for row in list(csv.reader(io.StringIO(body)))[1:]]
    else:
        values = [line.split("\t")[0] for line in body.splitlines()[1:]]
        values = [v.split('"')[1] for v in values]
    assert values == ["Jan Kowalski", "Jan Kowalski"]


def test_ask_formats(client: FlaskClient) -> None:
    r = get(client, "ASK { ?s a ag:Distinction }", "application/sparql-results+xml")
    assert r.headers["Content-Type"] == "application/sparql-results+xml; charset=utf-8"
    ns = "{http://www.w3.org/2005/sparql-results#}"
    assert ET.fromstring(r.get_data()).find(f"{ns}boolean").text == "true"  # type: ignore[union-attr]
    assert get(client, "ASK { ?s a ag:Nothing }").get_json() == {"head": {}, "boolean": False}


CONSTRUCT = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{F01}> {{ ?s ?p ?o }} }}"


def test_construct_same_triples_in_every_format(client: FlaskClient) -> None:
    graphs = {}
    for accept in (
        "text/turtle",
        "application/n-triples",
        "application/ld+json",
        "application/rdf+xml",
        "application/trig",
        "application/n-quads",
    ):
        r = get(client, CONSTRUCT, accept)
        assert r.status_code == 200, accept
        assert r.headers["Content-Type"] == f"{accept}; charset=utf-8"
        graphs[accept] = parse(r.get_data(), r.content_type)
    first = graphs["text/turtle"]
    assert len(first) == 8  # 4 about the distinction, 3 about the room (a blank node), 1 about its geo
    for accept, g in graphs.items():
        assert same_graph(first, g), accept


def test_construct_defaults_to_turtle_and_format_names(client: FlaskClient) -> None:
    assert get(client, CONSTRUCT).headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert get(client, CONSTRUCT, format="json").headers["Content-Type"] == "application/ld+json; charset=utf-8"
    assert get(client, CONSTRUCT, format="xml").headers["Content-Type"] == "application/rdf+xml; charset=utf-8"


def test_describe(client: FlaskClient) -> None:
    r = get(client, f"DESCRIBE <{PERSON}>", "application/n-triples")
    g = parse(r.get_data(), r.content_type)
    assert (URIRef(PERSON), URIRef("http://schema.org/honorificPrefix"), None) in g


def test_sparqlwrapper_parameters_are_tolerated(client: FlaskClient) -> None:
    # SPARQLWrapper sends format, output and results with every request
    r = get(client, SELECT_LABELS, "application/sparql-results+json", format="json", output="json", results="json")
    assert r.status_code == 200 and len(rows(r)) == 2
    r = client.post("/sparql", data={"query": SELECT_LABELS, "format": "xml", "output": "xml", "results": "xml"})
    assert r.headers["Content-Type"] == "application/sparql-results+xml; charset=utf-8"
    r = get(client, SELECT_LABELS, None, format="something-else", timeout="30")
    assert r.status_code == 200 and len(rows(r)) == 2


def test_unacceptable_result_format(client: FlaskClient) -> None:
    r = get(client, SELECT_LABELS, "image/png")
    assert r.status_code == 406
    assert "application/sparql-results+json" in r.get_data(as_text=True)


def test_html_results_for_browsers(client: FlaskClient) -> None:
    r = get(client, f"SELECT ?o WHERE {{ GRAPH <{F01}> {{ ?s ?p ?o }} }}", BROWSER_ACCEPT)
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/html; charset=utf-8"
    page = r.get_data(as_text=True)
    assert "<table" in page
    assert "Sala &lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert "za &lt;b&gt;odwagę&lt;/b&gt;" in page
    assert "<b>odwagę</b>" not in page


def test_conditional_get(client: FlaskClient) -> None:
    first = get(client, SELECT_LABELS)
    etag = first.headers["ETag"]
    again = client.get(first.request.full_path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["ETag"] == etag


# --- errors ----------------------------------------------------------------------------------------------------


def test_syntax_error_is_400_with_position(client: FlaskClient) -> None:
    r = get(client, "SELECT * WHERE {\n  ?s ?p \n}")
    assert r.status_code == 400
    assert r.headers["Content-Type"] == "text/plain; charset=utf-8"
    text = r.get_data(as_text=True)
    assert "error at 3:" in text and "line 3: }" in text and "^" in text and "Traceback" not in text


def test_syntax_error_as_json(client: FlaskClient) -> None:
    r = get(client, "ASK {", "application/json")
    assert r.status_code == 400 and r.get_json()["status"] == 400


def test_two_queries(client: FlaskClient) -> None:
    assert client.get("/sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D").status_code == 400
    r = client.post("/sparql?query=ASK%20%7B%7D", data={"query": "ASK {}"})
    assert r.status_code == 400
    r = client.post("/sparql?query=ASK%20%7B%7D", data=b"ASK {}", content_type="application/sparql-query")
    assert r.status_code == 400


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"ASK {}", "text/plain"),
        (b"query=ASK%20%7B%7D", None),
        (b"ASK {}", None),
        ("ASK {}".encode("utf-16"), "application/sparql-query; charset=UTF-16"),
        (b"ASK {}", "multipart/form-data; boundary=x"),
    ],
)
def test_wrong_media_type_is_415(client: FlaskClient, body: bytes, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    r = client.post("/sparql", data=body, headers=headers)
    assert r.status_code == 415
    assert "application/sparql-query" in r.get_data(as_text=True) or "UTF-8" in r.get_data(as_text=True)


def test_bad_bytes_and_empty_queries(client: FlaskClient) -> None:
    assert client.post("/sparql", data=b"ASK {\xff}", content_type="application/sparql-query").status_code == 400
    assert client.get("/sparql?query=").status_code == 400
    assert client.post("/sparql", data={"other": "x"}).status_code == 400
    assert get(client, "ASK {}", **{"default-graph-uri": "not an iri"}).status_code == 400


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_wrong_method_is_405(client: FlaskClient, method: str) -> None:
    r = client.open("/sparql?query=ASK%20%7B%7D", method=method)
    assert r.status_code == 405
    assert "GET" in r.headers["Allow"] and "POST" in r.headers["Allow"]


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"method": "GET", "query_string": {"update": "CLEAR ALL"}},
        {"method": "POST", "data": {"update": "CLEAR ALL"}},
        {"method": "POST", "data": b"CLEAR ALL", "content_type": "application/sparql-update"},
        {"method": "POST", "data": b"DROP ALL", "content_type": "application/sparql-query"},
        {
            "method": "GET",
            "query_string": {"query": "PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:b ex:c }"},
        },
        {"method": "POST", "data": {"query": "# comment\nDELETE WHERE { ?s ?p ?o }"}},
        {"method": "POST", "data": {"query": "LOAD <http://example.org/data.ttl>"}},
    ],
)
def test_updates_are_refused_and_change_nothing(client: FlaskClient, request_kwargs: dict[str, object]) -> None:
    before = count(get(client, COUNT))
    r = client.open("/sparql", **request_kwargs)  # type: ignore[arg-type]
    assert r.status_code in (400, 403)
    assert "read-only" in r.get_data(as_text=True)
    assert count(get(client, COUNT)) == before


# --- the bare endpoint -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("accept", [None, "*/*", "text/turtle", "application/ld+json", "application/rdf+xml"])
def test_service_description(client: FlaskClient, accept: str | None) -> None:
    r = client.get("/sparql", headers={"Accept": accept} if accept else {})
    assert r.status_code == 200
    g = parse(r.get_data(), r.content_type)
    endpoint = URIRef(f"{BASE}sparql")
    assert (endpoint, SD.endpoint, endpoint) in g
    assert (endpoint, SD.supportedLanguage, SD.SPARQL11Query) in g
    # the default graph is not the union of every graph (outside claims and shapes are named graphs only)
    assert (endpoint, SD.feature, SD.UnionDefaultGraph) not in g
    default = g.value(g.value(endpoint, SD.defaultDataset), SD.defaultGraph)
    assert "outside claims" in str(g.value(default, DCTERMS.description))
    assert (None, SD.name, URIRef(F01)) in g
    assert "Accept" in r.headers["Vary"]


def test_query_page_for_browsers(client: FlaskClient) -> None:
    r = client.get("/sparql", headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/html; charset=utf-8"
    page = r.get_data(as_text=True)
    assert '<form method="get" action="/sparql"' in page and 'name="query"' in page  # works without script
    scripts = re.findall(r"<script[^>]*>", page)
    assert all(re.fullmatch(r'<script src="/static/[\w./-]+\.js" defer>', s) for s in scripts), scripts


def test_cors(client: FlaskClient) -> None:
    assert get(client, "ASK {}").headers["Access-Control-Allow-Origin"] == "*"
    r = client.options(
        "/sparql",
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in r.headers["Access-Control-Allow-Headers"]
