"""Whatever goes wrong, the answer is short and safe: no stack traces or debugger pages, every value escaped in HTML,
the security and CORS headers on every answer, IRIs and links from the configuration, never from the request."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hostile import BASE, RUNAWAY

from awardgraph.store.sandbox.pool import QueryPool
from awardgraph.web import site

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
LEAKS = ("Traceback", 'File "', "werkzeug", "Werkzeug Debugger", "RuntimeError", "secret-detail", "/src/awardgraph")


def text(response) -> str:  # type: ignore[no-untyped-def]
    return str(response.get_data(as_text=True))


# --- no stack traces ----------------------------------------------------------------------------------------------


class Broken(RuntimeError):
    pass


@pytest.mark.parametrize("accept", ["text/plain", BROWSER, "application/json", "text/turtle"])
@pytest.mark.parametrize("path", ["/", "/doc/person/jan-kowalski", "/health", "/sparql?query=ASK%20%7B%7D", "/dataset"])
def test_an_internal_error_is_a_short_500(
    app_with: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch, accept: str, path: str
) -> None:
    app = app_with()

    def fail() -> None:
        raise Broken("secret-detail at /src/awardgraph/web/site.py line 1")

    monkeypatch.setattr(app.extensions[site.SERVED], "current", fail)
    r = app.test_client().get(path, headers={"Accept": accept})
    assert r.status_code == 500
    assert "the error has been logged" in text(r)
    assert not any(leak in text(r) for leak in LEAKS), text(r)
    assert r.headers["X-Content-Type-Options"] == "nosniff" and "Content-Security-Policy" in r.headers


def test_an_error_in_the_query_path_is_a_short_500(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise Broken("secret-detail")

    monkeypatch.setattr(QueryPool, "run", fail)
    r = client.get("/sparql?query=ASK%20%7B%7D", headers={"Accept": BROWSER})
    assert r.status_code == 500 and not any(leak in text(r) for leak in LEAKS)


def test_never_in_debug_mode(app: Flask, client: FlaskClient) -> None:
    assert not app.debug and not app.testing and app.config["PROPAGATE_EXCEPTIONS"] is False
    assert client.get("/console").status_code == 404  # no Werkzeug debugger console
    resource = client.get("/?__debugger__=yes&cmd=resource&f=debugger.js", headers={"Accept": BROWSER})
    assert resource.content_type == "text/html; charset=utf-8" and "Werkzeug" not in text(resource)  # the home page


# --- escaping -----------------------------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"


@pytest.mark.parametrize(
    "path",
    [
        "/doc/distinction/2015-jan-kowalski",
        "/graph/site/f01",
        "/sparql?" + urlencode({"query": "SELECT ?o WHERE { ?s ?p ?o }"}),
        "/sparql?" + urlencode({"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"}),
    ],
)
def test_the_fixtures_script_like_literals_are_escaped(client: FlaskClient, path: str) -> None:
    page = text(client.get(path, headers={"Accept": BROWSER}))
    assert "Sala &lt;script&gt;alert(1)&lt;/script&gt;" in page or "Sala \\u003cscript\\u003e" in page
    assert SCRIPT not in page and "<b>odwagę</b>" not in page
    own_files = page.count('<script src="/static/')  # the site's own script files, nothing inline
    assert page.count("<script") == page.count('<script type="application/ld+json">') + own_files


@pytest.mark.parametrize(
    "path",
    [
        "/doc/" + quote(SCRIPT),
        "/list/" + quote(SCRIPT),
        "/sparql?" + urlencode({"query": f"SELECT * WHERE {{ ?s ?p '{SCRIPT}' . </textarea>{SCRIPT}"}),
        "/sparql?" + urlencode({"query": f'SELECT ("{SCRIPT}" AS ?x) ("</textarea>" AS ?y) WHERE {{}}'}),
        "/sparql?" + urlencode({"query": "SELECT ?x WHERE { BIND(IRI('javascript:alert(1)') AS ?x) }"}),
        "/sparql?" + urlencode({"query": "ASK {}", "format": SCRIPT}),
        "/doc/person/jan-kowalski?" + urlencode({"lang": SCRIPT, "inbound-page": SCRIPT}),
        "/list/schema-person?" + urlencode({"page": SCRIPT}),
    ],
)
def test_what_the_request_says_is_escaped(client: FlaskClient, path: str) -> None:
    page = text(client.get(path, headers={"Accept": BROWSER}))
    assert SCRIPT not in page and "</textarea><script" not in page
    assert 'href="javascript:' not in page


def test_the_embedded_json_ld_cannot_end_its_script_element(client: FlaskClient) -> None:
    page = text(client.get("/doc/distinction/2015-jan-kowalski", headers={"Accept": BROWSER}))
    start = page.index('<script type="application/ld+json">')
    block = page[start : page.index("</script>", start)]
    assert "<" not in block[len('<script type="application/ld+json">') :]


# --- headers everywhere ---------------------------------------------------------------------------------------------


def every_kind_of_answer(client: FlaskClient) -> dict[str, object]:
    doc = client.get("/doc/person/jan-kowalski", headers={"Accept": "text/turtle"})
    return {
        "200 page": doc,
        "304": client.get(
            "/doc/person/jan-kowalski", headers={"Accept": "text/turtle", "If-None-Match": doc.headers["ETag"]}
        ),
        "303": client.get("/id/person/jan-kowalski"),
        "200 sparql": client.get("/sparql?query=ASK%20%7B%7D"),
        "400": client.get("/sparql?query=ASK"),
        "403": client.post("/sparql", data={"update": "CLEAR ALL"}),
        "404": client.get("/nothing/here", headers={"Accept": BROWSER}),
        "405": client.put("/sparql"),
        "406": client.get("/doc/person/jan-kowalski", headers={"Accept": "image/png"}),
        "413": client.post("/sparql", data=b"x" * (2 << 20), content_type="application/sparql-query"),
        "414": client.get("/sparql?query=" + "x" * 9000),
        "503": client.get("/sparql?" + urlencode({"query": RUNAWAY, "timeout": "0.5"})),
        "options": client.options("/sparql", headers={"Origin": "https://elsewhere.example"}),
    }


def test_security_and_cors_headers_on_every_answer(client: FlaskClient) -> None:
    for name, r in every_kind_of_answer(client).items():
        headers = r.headers  # type: ignore[attr-defined]
        assert headers["X-Content-Type-Options"] == "nosniff", name
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", name
        assert "default-src 'none'" in headers["Content-Security-Policy"], name
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], name
        assert headers["Access-Control-Allow-Origin"] == "*", name
        assert "Access-Control-Allow-Credentials" not in headers, name
        assert "Set-Cookie" not in headers, name
    assert every_kind_of_answer(client)["503"].status_code == 503  # type: ignore[attr-defined]


def test_the_csp_allows_only_the_sites_own_script_files(client: FlaskClient) -> None:
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'" and directives["connect-src"] == "'self'"
    assert "unsafe" not in policy and "http" not in policy and "*" not in policy


# --- the request's host is never believed ------------------------------------------------------------------------

FORGED = {
    "Host": "evil.example",
    "X-Forwarded-Host": "evil.example",
    "X-Forwarded-Proto": "gopher",
    "X-Forwarded-Prefix": "/evil",
    "Forwarded": "host=evil.example;proto=gopher",
}


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/id/person/jan-kowalski", "text/turtle"),
        ("/doc/person/jan-kowalski", "text/turtle"),
        ("/doc/person/jan-kowalski", BROWSER),
        ("/doc/place/lublin", "application/ld+json"),
        ("/.well-known/void", "*/*"),
        ("/dataset", "text/turtle"),
        ("/sparql", "text/turtle"),
        ("/sitemap.xml", "*/*"),
        ("/robots.txt", "*/*"),
        ("/list/schema-person.json", "*/*"),
        ("/", BROWSER),
    ],
)
def test_iris_come_from_the_configuration(client: FlaskClient, path: str, accept: str) -> None:
    r = client.get(path, headers={**FORGED, "Accept": accept})
    assert r.status_code in (200, 303), path
    everything = text(r) + " ".join(f"{k}: {v}" for k, v in r.headers.items())
    assert "evil" not in everything and "gopher" not in everything
    if r.status_code == 303:
        assert r.headers["Location"].startswith("/")
    if path in ("/dataset", "/sparql", "/doc/person/jan-kowalski"):
        assert BASE in everything
