"""The linked-data headers of issue 3, checked on every kind of document and on every 303: ``Vary``, CORS,
``Content-Location``, ``Link: rel=alternate``, ``ETag`` and 304 (strong and weak validators), ``Last-Modified``,
``HEAD``, and 406 listing the formats."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from httphelp import media_type

# every document in every format that has a URL of its own (TriX is had by Accept only; a thing's or graph's
# quad formats keep each statement's graph, the catalogue documents' hold their triples in the default graph)
DOCUMENT_TYPES = [
    "text/html",
    "text/turtle",
    "application/ld+json",
    "application/rdf+xml",
    "application/n-triples",
    "application/trig",
    "application/n-quads",
]
BY_ACCEPT_ONLY = ["application/trix"]
DOCUMENTS = [
    ("/doc/person/jan-kowalski", DOCUMENT_TYPES),
    ("/doc/place/lublin", DOCUMENT_TYPES),
    ("/graph/site/f01", DOCUMENT_TYPES),
    ("/ontology", DOCUMENT_TYPES),
    ("/dataset", DOCUMENT_TYPES),
    ("/shapes", DOCUMENT_TYPES),
    ("/list/schema-person", ["text/html", "application/json", "text/csv"]),
]
REDIRECTS = [
    ("/id/person/jan-kowalski", "/doc/person/jan-kowalski"),
    ("/.well-known/void", "/dataset"),
    ("/catalog", "/dataset"),
    ("/ontology/0.0.1", "/ontology"),
]


def alternates(header: str) -> dict[str, str]:
    return dict(re.findall(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', header))


@pytest.mark.parametrize(("path", "types"), DOCUMENTS)
def test_document_headers(client: FlaskClient, path: str, types: list[str]) -> None:
    for accept in types:
        r = client.get(path, headers={"Accept": accept})
        assert r.status_code == 200 and r.headers["Content-Type"] == f"{accept}; charset=utf-8", accept
        assert set(r.headers["Vary"].replace(" ", "").split(",")) >= {"Accept", "Accept-Language"}
        assert r.headers["Access-Control-Allow-Origin"] == "*"
        assert "Link" in r.headers["Access-Control-Expose-Headers"]
        assert re.fullmatch(r'"[^"]+"', r.headers["ETag"])  # strong
        assert r.headers["Last-Modified"].endswith(" GMT")
        links = alternates(r.headers["Link"])
        assert sorted(links.values()) == sorted(types)
        assert links[r.headers["Content-Location"]] == accept  # the format-specific URL of what was sent
    for url, announced in links.items():
        assert media_type(client.get(url, headers={"Accept": "image/png"}).content_type) == announced


@pytest.mark.parametrize(("path", "types"), DOCUMENTS)
def test_conditional_requests(client: FlaskClient, path: str, types: list[str]) -> None:
    accept = types[1]
    r = client.get(path, headers={"Accept": accept})
    etag, modified = r.headers["ETag"], r.headers["Last-Modified"]
    for validator in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        cached = client.get(path, headers={"Accept": accept, "If-None-Match": validator})
        assert cached.status_code == 304 and cached.get_data() == b"", validator
        assert cached.headers["ETag"] == etag and cached.headers["Content-Location"] == r.headers["Content-Location"]
        assert cached.headers["Vary"] == r.headers["Vary"] and cached.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get(path, headers={"Accept": accept, "If-Modified-Since": modified}).status_code == 304
    assert client.get(path, headers={"Accept": accept, "If-None-Match": '"stale"'}).status_code == 200
    stale = {"If-None-Match": '"stale"', "If-Modified-Since": modified}  # the ETag wins over the date
    assert client.get(path, headers={"Accept": accept, **stale}).status_code == 200
    assert client.head(path, headers={"Accept": accept, "If-None-Match": etag}).status_code == 304


@pytest.mark.parametrize(("path", "types"), DOCUMENTS)
def test_head_answers_the_headers_of_get(client: FlaskClient, path: str, types: list[str]) -> None:
    for accept in types:
        get, head = client.get(path, headers={"Accept": accept}), client.head(path, headers={"Accept": accept})
        assert head.status_code == 200 and head.get_data() == b""
        for name in ("Content-Type", "Content-Length", "ETag", "Last-Modified", "Content-Location", "Link", "Vary"):
            assert head.headers[name] == get.headers[name], (accept, name)


@pytest.mark.parametrize(("path", "types"), DOCUMENTS)
def test_406_lists_every_format(client: FlaskClient, path: str, types: list[str]) -> None:
    r = client.get(path, headers={"Accept": "image/png"})
    assert r.status_code == 406 and r.headers["Access-Control-Allow-Origin"] == "*"
    listed = client.get(path, headers={"Accept": "image/png, application/json;q=0.001"})
    if "application/json" in types or "application/ld+json" in types:
        assert listed.status_code == 200  # application/json is acceptable: JSON (or JSON-LD)
    text = r.get_data(as_text=True)
    for media in types:
        assert media in text
    problem = client.get(f"{path}?format=pdf", headers={"Accept": "application/json"}).get_json()
    extra = BY_ACCEPT_ONLY if types is DOCUMENT_TYPES else []
    assert [a["mediaType"] for a in problem["available"]] == [*types, *extra]
    assert all(a["url"] is None for a in problem["available"] if a["mediaType"] in extra)
    assert all(a["url"] and a["url"].startswith(path) for a in problem["available"] if a["mediaType"] not in extra)


@pytest.mark.parametrize(("path", "target"), REDIRECTS)
def test_redirect_headers(client: FlaskClient, path: str, target: str) -> None:
    for method in (client.get, client.head):
        r = method(path, headers={"Accept": "text/turtle"})
        assert r.status_code == 303 and r.headers["Location"] == target
        assert r.headers["Vary"] == "Accept" and r.headers["Access-Control-Allow-Origin"] == "*"
        assert "Location" in r.headers["Access-Control-Expose-Headers"]
    preflight = client.options(
        path, headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"}
    )
    assert preflight.status_code == 200 and preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]


def test_errors_carry_cors_and_vary(client: FlaskClient) -> None:
    for path in ("/id/person/nobody", "/doc/person/nobody", "/list/nothing", "/nowhere"):
        r = client.get(path, headers={"Accept": "text/turtle"})
        assert (
            r.status_code == 404 and r.headers["Access-Control-Allow-Origin"] == "*" and "Accept" in r.headers["Vary"]
        )
    for path in ("/id/person/nobody", "/doc/person/nobody", "/list/nothing", "/nowhere"):
        page = client.get(path, headers={"Accept": "text/html", "Accept-Language": "pl"})
        vary = {v.strip() for v in page.headers["Vary"].split(",")}
        assert page.status_code == 404 and {"Accept", "Accept-Language"} <= vary, (path, vary)  # a page in Polish
        text = client.get(path, headers={"Accept": "text/plain", "Accept-Language": "pl"})
        assert "Accept-Language" not in text.headers["Vary"], path  # the plain-text error is the same in any language
