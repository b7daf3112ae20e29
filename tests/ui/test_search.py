"""``/search``: names in Polish and English, case and Polish diacritics ignored, as HTML and JSON; the search box
on every page."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from awardgraph.textmatch import fold, score

WROCLAW_EDITION = "https://w3id.org/awardgraph/id/forum-edition/wroclaw"


def _results(client: FlaskClient, q: str, lang: str = "en") -> list[dict[str, str]]:
    r = client.get("/search", query_string={"q": q, "lang": lang}, headers={"Accept": "application/json"})
    assert r.status_code == 200 and r.mimetype == "application/json"
    body = r.get_json()
    assert body["q"] == q and body["lang"] == lang
    return list(body["results"])


@pytest.mark.parametrize(
    ("typed", "label"), [("wroclaw", "Wrocław"), ("ZUK", "Żuk"), ("lodz", "Łódź"), ("zolc", "żółć")]
)
def test_fold_ignores_case_and_polish_marks(typed: str, label: str) -> None:
    assert fold(typed) == fold(label)


def test_score_needs_every_word() -> None:
    assert score("forum wroclaw", "IV Forum we Wrocławiu") > 0
    assert score("forum krakow", "IV Forum we Wrocławiu") == 0
    assert score("   ", "Wrocław") == 0


def test_wroclaw_finds_the_iv_forum_and_the_city(client: FlaskClient) -> None:
    found = {h["iri"]: h for h in _results(client, "wroclaw")}
    assert WROCLAW_EDITION in found
    assert found[WROCLAW_EDITION]["href"] == "/doc/forum-edition/wroclaw"
    assert found[WROCLAW_EDITION]["label"] == "4th Forum on Local Migration Policies in Wrocław"
    assert any("Wrocław" in h["label"] and h["iri"] != WROCLAW_EDITION for h in found.values())


def test_zuk_finds_the_president(client: FlaskClient) -> None:
    labels = [h["label"] for h in _results(client, "zuk")]
    assert labels and all("Żuk" in label for label in labels[:1])


def test_labels_follow_the_language(client: FlaskClient) -> None:
    found = {h["iri"]: h["label"] for h in _results(client, "wroclaw", lang="pl")}
    assert found[WROCLAW_EDITION] == "IV Forum ds. Lokalnych Polityk Migracyjnych we Wrocławiu"


def test_english_words_find_things_on_a_polish_page(client: FlaskClient) -> None:
    hits = _results(client, "migration policies", lang="pl")
    assert WROCLAW_EDITION in {h["iri"] for h in hits}
    assert all(h["matchedLang"] in ("en", None) or "migrac" not in h["matched"].lower() for h in hits)


def test_nothing_found_is_an_empty_list(client: FlaskClient) -> None:
    assert _results(client, "qqqxyz") == []
    page = client.get("/search?q=qqqxyz&lang=en").get_data(as_text=True)
    assert "Nothing matches “qqqxyz”." in page


def test_html_results_link_to_the_pages(client: FlaskClient) -> None:
    r = client.get("/search?q=wroclaw&lang=pl", headers={"Accept": "text/html"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert '<a href="/doc/forum-edition/wroclaw">IV Forum ds. Lokalnych Polityk Migracyjnych we Wrocławiu</a>' in page
    assert '<html lang="pl">' in page


def test_what_was_typed_is_escaped(client: FlaskClient) -> None:
    page = client.get("/search", query_string={"q": "<script>alert(1)</script>"}).get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"q": "x" * 201}, "at most 200"),
        ({"q": "wroclaw", "limit": "0"}, "?limit= must be"),
        ({"q": "wroclaw", "limit": "abc"}, "?limit= must be"),
    ],
)
def test_bad_input_is_a_400_with_a_message(client: FlaskClient, query: dict[str, str], message: str) -> None:
    r = client.get("/search", query_string=query, headers={"Accept": "text/plain"})
    assert r.status_code == 400 and message in r.get_data(as_text=True)


def test_limit(client: FlaskClient) -> None:
    assert len(_results(client, "a")) == 20
    r = client.get("/search?q=a&limit=3&format=json")
    assert len(r.get_json()["results"]) == 3


@pytest.mark.parametrize("path", ["/", "/search", "/sparql", "/doc/forum-edition/wroclaw", "/ontology", "/dataset"])
def test_every_page_has_the_search_box(client: FlaskClient, path: str) -> None:
    page = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'role="search"' in page and 'action="/search"' in page and 'id="site-search"' in page
    assert '<script src="/static/suggest.js" defer></script>' in page


def test_the_suggestion_script_is_served(client: FlaskClient) -> None:
    with client.get("/static/suggest.js") as r:
        assert r.status_code == 200 and "/search?format=json" in r.get_data(as_text=True)
