"""Rendered documents kept per build (:mod:`awardgraph.web.documents.doccache`): later requests, conditional ones and
compressed ones are answered from memory, the same bytes the app rendered; errors and other paths always reach the
app; memory stays within its bound; a new build starts afresh."""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import Client

from awardgraph.config import Settings
from awardgraph.graph.build import BuildResult
from awardgraph.web import create_app
from awardgraph.web.documents import documents
from awardgraph.web.documents.doccache import DocumentCache

DOC = "/doc/person/jan-kowalski"


@pytest.fixture
def fresh(site: tuple[Settings, BuildResult]) -> FlaskClient:
    """An app of its own over the embedded fixture build (nothing kept yet)."""
    return create_app(site[0]).test_client()


def refuse_to_describe(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the document was rendered again")

    monkeypatch.setattr(documents, "describe", fail)
    monkeypatch.setattr(documents, "describe_graph", fail)


@pytest.mark.parametrize("accept", ["text/turtle", "text/html", "application/ld+json"])
def test_a_document_is_rendered_once_per_build(
    fresh: FlaskClient, monkeypatch: pytest.MonkeyPatch, accept: str
) -> None:
    first = fresh.get(DOC, headers={"Accept": accept})
    assert first.status_code == 200
    refuse_to_describe(monkeypatch)
    again = fresh.get(DOC, headers={"Accept": accept})
    assert again.status_code == 200 and again.get_data() == first.get_data()
    assert dict(again.headers) == dict(first.headers)
    cached = fresh.get(DOC, headers={"Accept": accept, "If-None-Match": first.headers["ETag"]})
    assert cached.status_code == 304 and cached.get_data() == b""
    assert cached.headers["ETag"] == first.headers["ETag"] and "Content-Type" not in cached.headers
    since = {"Accept": accept, "If-Modified-Since": first.headers["Last-Modified"]}
    assert fresh.get(DOC, headers=since).status_code == 304
    head = fresh.head(DOC, headers={"Accept": accept})
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["Content-Length"] == first.headers["Content-Length"]


def test_each_representation_is_its_own(fresh: FlaskClient) -> None:
    turtle = fresh.get(DOC, headers={"Accept": "text/turtle"})
    html = fresh.get(DOC, headers={"Accept": "text/html", "Accept-Language": "en"})
    polish = fresh.get(DOC, headers={"Accept": "text/html", "Accept-Language": "pl"})
    english = fresh.get(f"{DOC}?lang=en", headers={"Accept": "text/html", "Accept-Language": "pl"})
    assert english.get_data() == html.get_data()  # the same page, asked for in two ways
    assert turtle.content_type.startswith("text/turtle") and html.content_type.startswith("text/html")
    assert 'lang="pl"' in polish.get_data(as_text=True) and 'lang="en"' in english.get_data(as_text=True)
    assert len({r.headers["ETag"] for r in (turtle, html, polish)}) == 3
    # asked again, in another order, each is still itself
    assert fresh.get(f"{DOC}?lang=en", headers={"Accept": "text/html", "Accept-Language": "pl"}).get_data() == (
        english.get_data()
    )
    assert fresh.get(DOC, headers={"Accept": "text/turtle"}).get_data() == turtle.get_data()


def test_compressed_once_for_clients_that_accept_it(fresh: FlaskClient) -> None:
    plain = fresh.get(DOC, headers={"Accept": "text/html"})
    zipped = fresh.get(DOC, headers={"Accept": "text/html", "Accept-Encoding": "br, gzip;q=0.5"})
    assert "Accept-Encoding" in plain.headers["Vary"] and plain.headers.get("Content-Encoding") is None
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert int(zipped.headers["Content-Length"]) == len(zipped.get_data()) < len(plain.get_data())
    assert zipped.headers["ETag"] != plain.headers["ETag"]  # another representation, another validator
    refused = fresh.get(DOC, headers={"Accept": "text/html", "Accept-Encoding": "gzip;q=0, identity"})
    assert refused.headers.get("Content-Encoding") is None and refused.get_data() == plain.get_data()
    for etag in (plain.headers["ETag"], zipped.headers["ETag"]):
        assert fresh.get(DOC, headers={"Accept": "text/html", "If-None-Match": etag}).status_code == 304


def test_errors_are_never_kept(fresh: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = "/doc/person/nobody-at-all"
    assert fresh.get(missing, headers={"Accept": "text/turtle"}).status_code == 404
    refuse_to_describe(monkeypatch)
    assert fresh.get(missing, headers={"Accept": "text/turtle"}).status_code == 500  # reached the app again


class FakeApp:
    """A WSGI app answering every path with a body of ``size`` bytes and the ETag of build ``build``."""

    def __init__(self, size: int = 100) -> None:
        self.size, self.build, self.calls = size, "b1", 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.calls += 1
        body = (environ["PATH_INFO"].encode() * self.size)[: self.size]
        status = "404 NOT FOUND" if environ["PATH_INFO"].endswith("/missing") else "200 OK"
        start_response(status, [("Content-Type", "text/plain"), ("ETag", f'"{self.build}-{self.calls}"')])
        return [body]


def test_memory_stays_within_its_bound() -> None:
    fake = FakeApp(size=1000)
    cache = DocumentCache(fake, lambda: fake.build, max_bytes=40_000)
    client = Client(cache)
    for n in range(200):
        assert client.get(f"/doc/x/{n}").status_code == 200
        assert cache.size <= 40_000
    assert 0 < len(cache) < 200
    calls = fake.calls
    client.get("/doc/x/199")  # the most recent ones are kept
    assert fake.calls == calls
    client.get("/doc/x/0")  # the oldest went
    assert fake.calls == calls + 1


def test_keys_count_and_huge_keys_are_not_kept() -> None:
    """What a key holds counts toward the bound (unique query strings with large headers once added 60-139 MiB that
    no bound saw), and a request with a key over MAX_KEY is answered by the app and not kept at all."""
    fake = FakeApp(size=100)
    cache = DocumentCache(fake, lambda: fake.build, max_bytes=40_000)
    client = Client(cache)
    accept = "text/turtle;q=0.9, " + ", ".join(f"application/x-{n};q=0.1" for n in range(100))  # 2.6 KB
    for n in range(200):
        assert client.get(f"/doc/x?n={n}", headers={"Accept": accept}).status_code == 200
        assert cache.size <= 40_000
        held = sum(e.size + sum(map(len, k)) for k, e in cache._entries.items())
        assert held == cache.size  # the bound sees the keys
    assert len(cache) < 40_000 // len(accept)
    huge = {"Accept": "text/turtle, " + "x/y;q=0.1, " * 2000}  # 22 KB
    before, size = fake.calls, cache.size
    client.get("/doc/x/huge", headers=huge)
    client.get("/doc/x/huge", headers=huge)
    assert fake.calls == before + 2 and cache.size == size  # answered twice by the app, nothing kept


def test_a_new_build_starts_afresh_and_other_answers_pass_through() -> None:
    fake = FakeApp()
    cache = DocumentCache(fake, lambda: fake.build)
    client = Client(cache)
    client.get("/doc/a")
    client.get("/doc/a")
    assert fake.calls == 1
    fake.build = "b2"
    assert client.get("/doc/a").headers["ETag"] == '"b2-2"' and fake.calls == 2
    for request in (
        lambda: client.get("/sparql"),
        lambda: client.post("/doc/a"),
        lambda: client.get("/doc/missing"),
        lambda: client.get("/doc/a", data=b"x" * 10),
    ):
        before = fake.calls
        request()
        assert fake.calls == before + 1
