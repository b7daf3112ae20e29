"""``serve --endpoint`` refuses a store whose default graph is not the project's, the way
``AWARDGRAPH_DEFAULT_GRAPH`` reads it, with the fix in its message (exit 2), instead of serving a 404 for every
document or pages mixing every graph: checked against real Oxigraph servers, one started without
``--union-default-graph`` and one with it, the data published in each mode and served in each mode.

Why refuse rather than switch modes on the fly: ``docs/deployment.md`` (*Reading: the default graph*).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from awardgraph.config import Settings
from awardgraph.graph.publish import PublishFailed, publish
from awardgraph.store.remote import open_remote
from tests.conftest import MINI_DATA, MINI_SHAPES
from tests.integration.servers import OxigraphServer
from tests.integration.serving import refused, serving

pytestmark = pytest.mark.slow

_bases = itertools.count()
SETTING = "AWARDGRAPH_DEFAULT_GRAPH"


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-plain"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def union(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph-union"), union=True)
    server.start()
    yield server
    server.stop()


def published(server: OxigraphServer, mode: str) -> Settings:
    """The mini data published to ``server`` in ``mode`` under a base IRI of its own."""
    base = f"https://check.awardgraph.example/{next(_bases)}/"
    settings = server.settings(base, data=MINI_DATA, shapes=MINI_SHAPES, default_graph=mode)
    publish(settings)
    return settings


def test_published_listed_served_as_store_is_refused_with_the_fix(plain: OxigraphServer, tmp_path: Path) -> None:
    settings = published(plain, "listed")  # the copy stays a named graph; the store's default graph holds nothing
    code, said = refused(settings.replace(default_graph="store"), tmp_path / "serve.log")
    assert code == 2, said
    assert "every document would be a 404" in said and f"{SETTING}=listed" in said, said
    assert "Traceback" not in said
    with serving(settings, tmp_path / "listed.log") as served:  # served as it was published: fine
        r = served.request("GET", "/doc/place/lublin", headers={"Accept": "text/turtle"})
        assert r.status == 200 and "Lublin" in r.text


def test_published_store_served_as_listed_is_refused_with_the_fix(plain: OxigraphServer, tmp_path: Path) -> None:
    settings = published(plain, "store")
    code, said = refused(settings.replace(default_graph="listed"), tmp_path / "serve.log")
    assert code == 2 and f"published with {SETTING}=store" in said and f"Serve it with {SETTING}=store" in said, said
    with serving(settings, tmp_path / "store.log") as served:
        r = served.request("GET", "/doc/place/lublin", headers={"Accept": "text/turtle"})
        assert r.status == 200 and "Lublin" in r.text


def test_named_graphs_without_any_default_graph_is_refused(plain: OxigraphServer, tmp_path: Path) -> None:
    settings = published(plain, "listed")
    copy = f"{settings.base_iri}graph/default"
    store = open_remote(settings)
    try:
        store.replace_graph(copy, [])  # as if loaded from the N-Quads dump: the named graphs only
    finally:
        store.close()
    for mode in ("store", "listed"):
        code, said = refused(settings.replace(default_graph=mode), tmp_path / f"{mode}.log")
        assert code == 2 and "Publish again with 'awardgraph publish'" in said, said


def test_a_union_default_graph_is_refused_in_either_mode(union: OxigraphServer, tmp_path: Path) -> None:
    settings = published(union, "listed")
    code, said = refused(settings.replace(default_graph="store"), tmp_path / "store.log")
    assert code == 2 and "union of its graphs" in said and "without --union-default-graph" in said, said
    code, said = refused(settings, tmp_path / "listed.log")  # this Oxigraph ignores FROM: listed cannot help
    assert code == 2 and "ignores FROM" in said and "without the flag" in said, said
    with pytest.raises(PublishFailed, match="listed"):  # and publish says so for store mode already
        published(union, "store")


def test_a_store_holding_nothing_yet_is_still_only_a_warning(plain: OxigraphServer, tmp_path: Path) -> None:
    base = f"https://check.awardgraph.example/{next(_bases)}/"
    settings = plain.settings(base, data=MINI_DATA, shapes=MINI_SHAPES, default_graph="store")
    with serving(settings, tmp_path / "empty.log", healthy=False) as served:
        assert served.request("GET", "/health").status == 503
    assert "holds no data published" in (tmp_path / "empty.log").read_text()
