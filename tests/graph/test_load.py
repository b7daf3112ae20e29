"""Loading: relative IRIs resolve against the base, graphs are kept, errors name file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import URIRef
from tests.conftest import MINI_DATA

from awardgraph.graph.load import LoadError, load

BASE = "https://example.org/city/"


def test_relative_iris_resolve_against_the_configured_base() -> None:
    loaded = load(MINI_DATA, BASE)
    graphs = {str(g) for _, _, _, g in loaded.dataset.quads()}
    assert graphs == {f"{BASE}graph/mini/f01", f"{BASE}graph/provenance"}
    assert URIRef(f"{BASE}id/place/lublin") in loaded.subject_files


def test_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.trig"
    bad.write_text("<graph/a> {\n  <id/x> <ontology#p> <id/y> .\n  <id/x> <ontology#p> .\n}\n", encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load([bad], BASE)
    assert caught.value.path == bad
    assert caught.value.line == 3
    assert str(caught.value).startswith(f"{bad}:3: does not parse as RDF")


def test_triples_outside_a_named_graph_are_refused(tmp_path: Path) -> None:
    loose = tmp_path / "loose.trig"
    loose.write_text("<id/x> <ontology#p> <id/y> .\n", encoding="utf-8")
    with pytest.raises(LoadError, match="outside any named graph"):
        load([loose], BASE)


def test_a_triple_file_gets_a_graph_named_after_it(tmp_path: Path) -> None:
    triples = tmp_path / "extra-facts.ttl"
    triples.write_text("<id/x> <ontology#p> <id/y> .\n", encoding="utf-8")
    loaded = load([triples], BASE)
    assert {str(g) for *_, g in loaded.dataset.quads()} == {f"{BASE}graph/extra-facts"}


def test_an_ontology_file_goes_into_the_graph_named_by_its_iri(tmp_path: Path) -> None:
    onto = tmp_path / "onto.ttl"
    onto.write_text(
        "<ontology> a <http://www.w3.org/2002/07/owl#Ontology> .\n"
        "<ontology#C> a <http://www.w3.org/2002/07/owl#Class> .\n",
        encoding="utf-8",
    )
    loaded = load([onto], BASE)
    assert {str(g) for *_, g in loaded.dataset.quads()} == {f"{BASE}ontology"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.ttl", None, "no such file or folder"),
        ("notes.txt", "hello", "unknown RDF file type"),
    ],
)
def test_unusable_paths_are_named(tmp_path: Path, name: str, content: str | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(LoadError, match=message) as caught:
        load([path], BASE)
    assert str(path) in str(caught.value)


def test_an_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="no RDF files found"):
        load([tmp_path], BASE)
