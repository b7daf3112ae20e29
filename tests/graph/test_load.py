"""Loading: relative IRIs resolve against the base, graphs are kept, errors name file and line."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from tests.conftest import MINI_DATA

from awardgraph.graph.load import LoadError, load

BASE = "https://example.org/city/"


def test_relative_iris_resolve_against_the_configured_base() -> None:
    loaded = load(MINI_DATA, BASE)
    graphs = {q.graph_name.value for q in loaded.store}
    assert graphs == {f"{BASE}graph/mini/f01", f"{BASE}graph/provenance"}
    assert ox.NamedNode(f"{BASE}id/place/lublin") in {q.subject for q in loaded.store}
    assert loaded.paths == MINI_DATA  # where archived source texts are looked for (a sources/ folder beside)
    assert len(loaded.dataset) == len(loaded) == 7  # the rdflib copy for the pyshacl engine holds the same quads


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
    assert {q.graph_name.value for q in loaded.store} == {f"{BASE}graph/extra-facts"}


def test_an_ontology_file_goes_into_the_graph_named_by_its_iri(tmp_path: Path) -> None:
    onto = tmp_path / "onto.ttl"
    onto.write_text(
        "<ontology> a <http://www.w3.org/2002/07/owl#Ontology> .\n"
        "<ontology#C> a <http://www.w3.org/2002/07/owl#Class> .\n",
        encoding="utf-8",
    )
    loaded = load([onto], BASE)
    assert {q.graph_name.value for q in loaded.store} == {f"{BASE}ontology"}


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


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "facts.nt",
            "<https://example.org/city/id/x> <https://example.org/city/ontology#p> <https://example.org/city/id/y> .\n",
        ),
        (
            "facts.rdf",
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ag="https://example.org/city/ontology#">'
            '<rdf:Description rdf:about="id/x"><ag:p rdf:resource="id/y"/></rdf:Description></rdf:RDF>',
        ),
        ("facts.jsonld", '{"@id": "id/x", "https://example.org/city/ontology#p": {"@id": "id/y"}}'),
        (
            "facts.nq",
            f"<{BASE}id/x> <{BASE}ontology#p> <{BASE}id/y> <{BASE}graph/facts> .\n",
        ),
    ],
)
def test_every_syntax_loads_with_relative_iris_resolved(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    [quad] = list(load([path], BASE).store)
    assert (quad.subject.value, quad.object.value) == (f"{BASE}id/x", f"{BASE}id/y")
    assert quad.graph_name.value == f"{BASE}graph/facts"


def test_blank_nodes_of_two_files_stay_apart(tmp_path: Path) -> None:
    for name in ("a.trig", "b.trig"):
        (tmp_path / name).write_text(f'<graph/{name[0]}> {{ _:b1 <ontology#p> "{name}" . }}', encoding="utf-8")
    subjects = {q.subject for q in load([tmp_path], BASE).store}
    assert len(subjects) == 2


def test_a_turtle_syntax_error_names_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text('<id/x> <ontology#p> "ok" .\n\n<id/x> <ontology#p> "unterminated .\n', encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load([bad], BASE)
    assert caught.value.line == 3
