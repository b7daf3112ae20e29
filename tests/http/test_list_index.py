"""The list index the build writes (:mod:`awardgraph.graph.listindex`): it says what ``classes.rq`` and ``list.rq``
say over the served store, list pages are slices of it (no sort per request), and a build without one still has
its pages, from the queries."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from httphelp import site_settings

from awardgraph import indexes, queries
from awardgraph.config import Settings
from awardgraph.graph import listindex
from awardgraph.graph.build import BuildResult, build
from awardgraph.store.oxigraph import EmbeddedStore
from awardgraph.web import create_app


def test_the_index_says_what_the_queries_say(site: tuple[Settings, BuildResult]) -> None:
    settings, result = site
    store, base = EmbeddedStore(result.path), settings.base_iri
    index = indexes.ListIndex.open(result.path)
    assert index is not None
    counted = [(str(r["class"].value), int(r["n"].value)) for r in queries.select(store, "classes", base_iri=base)]
    assert index.classes() == counted and len(counted) > 3
    for cls, count in counted:
        window = queries.Window(count + 1, 0)
        rows = queries.select(store, "list", window, base_iri=base, **{"class": cls})
        members = index.page(cls, offset=0, limit=count + 1)
        assert [m.iri for m in members] == [str(r["s"].value) for r in rows]
        for member, row in zip(members, rows, strict=True):
            for name in ("label_pl", "label_en", "label"):
                term = row[name]
                assert getattr(member, name) == (term.value if term is not None else None), (member.iri, name)
        middle = index.page(cls, offset=count // 2, limit=3)
        assert [m.iri for m in middle] == [str(r["s"].value) for r in rows[count // 2 : count // 2 + 3]]


def test_labels_of_a_kind_are_chosen_the_same_every_time(tmp_path: Path) -> None:
    store = ox.Store()
    thing, graph = ox.NamedNode("http://x.org/id/a"), ox.NamedNode("http://x.org/g")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    store.add(ox.Quad(thing, rdf_type, ox.NamedNode("http://x.org/C"), graph))
    store.add(ox.Quad(ox.NamedNode("http://elsewhere.org/b"), rdf_type, ox.NamedNode("http://x.org/C"), graph))
    for value, lang in (("Zeta", "pl"), ("Alfa", "pl-PL"), ("Beta", "en"), ("Gamma", None)):
        store.add(ox.Quad(thing, label, ox.Literal(value, language=lang), graph))
    assert listindex.write(store, tmp_path, "http://x.org/", [graph.value]) == 1
    index = indexes.ListIndex.open(tmp_path)
    assert index is not None
    assert index.classes() == [("http://x.org/C", 1)]  # only things under {base}id/
    assert index.page("http://x.org/C", offset=0, limit=5) == [
        indexes.Member("http://x.org/id/a", "Alfa", "Beta", "Alfa")
    ]


def test_pages_are_slices_of_the_index(site: tuple[Settings, BuildResult], monkeypatch: pytest.MonkeyPatch) -> None:
    client = create_app(site[0]).test_client()
    expected = client.get("/list/schema-person.json?page=2").get_json()
    real_select = queries.select

    def no_sorting(store: object, name: str, *args: object, **kwargs: object) -> object:
        assert name not in ("list", "classes"), f"{name}.rq ran for a list page"
        return real_select(store, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(queries, "select", no_sorting)
    fresh = create_app(site[0]).test_client()
    assert fresh.get("/list/schema-person.json?page=2").get_json() == expected
    assert fresh.get("/list/schema-person?page=2", headers={"Accept": "text/html"}).status_code == 200


def test_a_build_without_an_index_pages_by_query(tmp_path: Path) -> None:
    settings = site_settings(tmp_path)
    result = build(settings)
    with_index: FlaskClient = create_app(settings).test_client()
    pages = [with_index.get(f"/list/schema-person.json?page={n}").get_json() for n in (1, 2)]
    (result.path / indexes.LIST_FILE).unlink()  # as builds made before the index have none
    assert indexes.ListIndex.open(result.path) is None
    without: FlaskClient = create_app(settings).test_client()
    assert [without.get(f"/list/schema-person.json?page={n}").get_json() for n in (1, 2)] == pages
