"""The build's search index (``search.sqlite3``) finds what searching every name finds: the same hits in the same
order for the same words, so an embedded build and a remote store (which has no index) answer ``/search`` alike."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from awardgraph import builds, indexes
from awardgraph.config import Settings
from awardgraph.textmatch import fold
from awardgraph.web import create_app

TYPED = ["wroclaw", "ZUK", "lodz", "forum", "a", "miasta otwarte", "forum wroclaw", "IV", "100%", "_", "zzzz", "ó"]


@pytest.fixture(scope="module")
def without_index(real_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    """The same build, copied without its search index: ``/search`` falls back to every name in the store."""
    built = builds.require_current_build(real_settings.store)
    assert (built / indexes.SEARCH_FILE).is_file(), "the build wrote no search index"
    copy = tmp_path_factory.mktemp("no-index") / "store"
    target = copy / "builds" / built.name
    shutil.copytree(built, target, symlinks=True)
    (target / indexes.SEARCH_FILE).unlink()
    (copy / "current").symlink_to(Path("builds") / built.name)
    return create_app(Settings(store=copy, base_iri=real_settings.base_iri)).test_client()


@pytest.mark.parametrize("typed", TYPED)
@pytest.mark.parametrize("lang", ["pl", "en"])
def test_the_index_finds_what_every_name_finds(
    client: FlaskClient, without_index: FlaskClient, typed: str, lang: str
) -> None:
    query = {"q": typed, "lang": lang, "limit": "100", "format": "json"}
    indexed, scanned = client.get("/search", query_string=query), without_index.get("/search", query_string=query)
    assert indexed.status_code == scanned.status_code == 200
    assert indexed.get_json()["results"] == scanned.get_json()["results"]


def test_the_index_narrows_to_names_holding_every_word(real_settings: Settings) -> None:
    index = indexes.SearchIndex.open(builds.require_current_build(real_settings.store))
    assert index is not None
    found = index.candidates("forum WROCLAW", 100)
    assert found and all(any("forum" in fold(n) and "wroclaw" in fold(n) for _, n in names) for _, _, names in found)
    assert index.candidates("zzzz", 100) == [] and index.candidates("  ", 100) == []
    assert len(index.candidates("a", 3)) == 3
