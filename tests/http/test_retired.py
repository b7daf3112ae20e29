"""A retired identifier keeps working: ``/id/`` and ``/doc/`` of an IRI that a curated graph says
``dcterms:isReplacedBy`` another answer 301 Moved Permanently to the same path of the replacement, and the sitemap
lists the replacement's document only. The fixture retires ``id/person/jan-kowalsky`` for ``id/person/jan-kowalski``."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from httphelp import BASE, BROWSER_ACCEPT, media_type

OLD, NEW = "person/jan-kowalsky", "person/jan-kowalski"


@pytest.mark.parametrize("accept", [None, BROWSER_ACCEPT, "text/turtle"])
def test_the_retired_thing_moved_permanently(client: FlaskClient, accept: str | None) -> None:
    r = client.get(f"/id/{OLD}", headers={"Accept": accept} if accept else {})
    assert r.status_code == 301
    assert r.headers["Location"] == f"/id/{NEW}"


@pytest.mark.parametrize("accept", [BROWSER_ACCEPT, "text/turtle", "application/ld+json"])
def test_the_retired_document_moved_permanently(client: FlaskClient, accept: str) -> None:
    r = client.get(f"/doc/{OLD}", headers={"Accept": accept})
    assert r.status_code == 301
    assert r.headers["Location"] == f"/doc/{NEW}"


def test_the_format_suffix_and_query_string_are_kept(client: FlaskClient) -> None:
    assert client.get(f"/doc/{OLD}.ttl").headers["Location"] == f"/doc/{NEW}.ttl"
    assert client.get(f"/id/{OLD}?format=ttl").headers["Location"] == f"/id/{NEW}?format=ttl"


def test_following_the_moves_reaches_the_replacement(client: FlaskClient) -> None:
    r = client.get(f"/id/{OLD}", headers={"Accept": "text/turtle"}, follow_redirects=True)
    assert r.status_code == 200 and media_type(r.content_type) == "text/turtle"
    assert [h.status_code for h in r.history] == [301, 303]
    assert f"<{BASE}id/{NEW}>" in r.get_data(as_text=True)


def test_a_current_thing_still_answers_303(client: FlaskClient) -> None:
    assert client.get(f"/id/{NEW}").status_code == 303
    assert client.get(f"/doc/{NEW}", headers={"Accept": "text/turtle"}).status_code == 200


def test_the_sitemap_lists_the_replacement_not_the_retired_identifier(client: FlaskClient) -> None:
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert f"{BASE}doc/{NEW}<" in sitemap and f"doc/{OLD}<" not in sitemap
