"""The query editor on ``/sparql``: YASGUI's assets served by the app itself when ``make assets`` built them, the
plain form otherwise, and the style loosening of the Content-Security-Policy on the editor's page only."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from awardgraph.web.endpoint import editor


def _policy(client: FlaskClient, path: str, accept: str = "text/html") -> dict[str, str]:
    policy = client.get(path, headers={"Accept": accept}).headers["Content-Security-Policy"]
    return dict(d.strip().split(" ", 1) for d in policy.split(";"))


def _built() -> None:
    if not editor.available():
        reason = "the editor's assets are not built (make assets needs npm)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; .ci/run runs make test, which builds them")
        pytest.skip(reason)


def test_the_editor_page_loads_only_the_sites_own_assets(client: FlaskClient) -> None:
    _built()
    page = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    tags = re.findall(r"<(?:script|link)[^>]+>", page)
    loaded = [t for t in tags if not re.search(r'rel="(canonical|alternate)"', t)]  # links to pages load nothing
    sources = [m.group(1) for t in loaded if (m := re.search(r'(?:src|href)="([^"]+)"', t))]
    assert "/static/vendor/yasgui/yasgui.min.js" in sources and "/static/editor.js" in sources
    assert all(s.startswith("/") and not s.startswith("//") for s in sources), sources
    assert 'id="query-editor"' in page and 'id="plain-query"' in page  # the form stays for browsers without script
    with client.get("/static/vendor/yasgui/yasgui.min.js") as r:
        assert r.status_code == 200 and r.mimetype in ("text/javascript", "application/javascript")


def test_the_editors_configuration_names_this_sites_base_and_prefixes(client: FlaskClient) -> None:
    _built()
    page = client.get("/sparql", headers={"Accept": "text/html"}).get_data(as_text=True)
    config = re.search(r'data-config="([^"]+)"', page)
    assert config is not None
    text = config.group(1).replace("&#34;", '"').replace("&amp;", "&")
    assert '"base": "https://w3id.org/awardgraph/"' in text and '"ag": "https://w3id.org/awardgraph/ontology#"' in text


def test_only_the_editors_page_may_use_inline_styles(client: FlaskClient) -> None:
    _built()
    assert _policy(client, "/sparql")["style-src"] == "'self' 'unsafe-inline'"
    strict = {"/", "/queries", "/search?q=lublin", "/doc/forum-edition/wroclaw", "/ontology"}
    for path in strict:
        assert _policy(client, path)["style-src"] == "'self'", path
    for path in ("/sparql?query=ASK%7B%7D",):  # results of a query for machines: strict
        assert _policy(client, path, "application/sparql-results+json")["style-src"] == "'self'"
    everywhere = _policy(client, "/sparql")
    assert everywhere["script-src"] == "'self'" and everywhere["connect-src"] == "'self'"
    assert everywhere["default-src"] == "'none'"


def test_without_the_assets_the_plain_form_is_served(
    client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(editor, "ASSETS", tmp_path / "missing")
    r = client.get("/sparql", headers={"Accept": "text/html"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "yasgui" not in page and 'id="query-editor"' not in page
    assert '<form method="get" action="/sparql" class="query">' in page and "<textarea" in page
    assert _policy(client, "/sparql")["style-src"] == "'self'"


def test_the_plain_form_runs_a_query(client: FlaskClient) -> None:
    r = client.get("/sparql", query_string={"query": "SELECT (1 + 1 AS ?two) {}"}, headers={"Accept": "text/html"})
    assert (
        r.status_code == 200 and "?two" in r.get_data(as_text=True) and 'id="plain-results"' in r.get_data(as_text=True)
    )


def test_loosen_policy_changes_only_style_src() -> None:
    assert editor.loosen_policy("default-src 'none'; style-src 'self'; script-src 'self'") == (
        "default-src 'none'; style-src 'self' 'unsafe-inline'; script-src 'self'"
    )
