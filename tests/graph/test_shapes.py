"""Every shape has a fixture that conforms and one that it rejects, with a message a person can act on.

Fixtures live in ``tests/fixtures/shapes/{Shape}.pass.trig`` and ``{Shape}.fail.trig``; a fail fixture's first
lines say which shape must report it (``# expect: <shapes#Shape>``) and, for a property shape, on which path
(``# expect-path: <iri>``). Relative IRIs resolve against the base, as in the data.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from tests.conftest import FIXTURES

from awardgraph.config import DEFAULT_BASE_IRI
from awardgraph.graph.findings import Severity
from awardgraph.graph.load import load
from awardgraph.graph.validate import Validation, load_shapes, validate
from awardgraph.resources import default_shapes_paths, resource_dir

SHAPE_FIXTURES = FIXTURES / "shapes"
PASSING = sorted(SHAPE_FIXTURES.glob("*.pass.trig"))
FAILING = sorted(SHAPE_FIXTURES.glob("*.fail.trig"))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(default_shapes_paths(), DEFAULT_BASE_IRI)


def _validate(path: Path, shapes: Graph) -> Validation:
    return validate(load([path], DEFAULT_BASE_IRI), shapes, DEFAULT_BASE_IRI)


def _expected(path: Path, key: str) -> str | None:
    match = re.search(rf"^# {key}: <([^>]+)>", path.read_text(encoding="utf-8"), re.M)
    if match is None:
        return None
    return match.group(1) if "://" in match.group(1) else DEFAULT_BASE_IRI + match.group(1)


def test_every_node_shape_has_a_passing_and_a_failing_fixture(shapes: Graph) -> None:
    node_shapes = {str(s).rsplit("#", 1)[-1] for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}
    assert len(node_shapes) >= 10
    assert sorted(node_shapes - {p.name.removesuffix(".pass.trig") for p in PASSING}) == []
    assert sorted(node_shapes - {p.name.removesuffix(".fail.trig") for p in FAILING}) == []


def test_every_shape_speaks_to_a_person(shapes: Graph) -> None:
    silent = [
        str(s)
        for s in set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.objects(None, SH.property))
        if shapes.value(s, SH.message) is None
        and not any(shapes.value(c, SH.message) for c in shapes.objects(s, SH.sparql))
    ]
    assert silent == []


@pytest.mark.parametrize("path", PASSING, ids=[p.name for p in PASSING])
def test_passing_fixture_conforms(path: Path, shapes: Graph) -> None:
    result = _validate(path, shapes)
    violations = [
        f"{f.rule} {f.focus} {f.path} {f.message}" for f in result.findings if f.severity is Severity.VIOLATION
    ]
    assert violations == []


@pytest.mark.parametrize("path", FAILING, ids=[p.name for p in FAILING])
def test_failing_fixture_is_rejected_by_its_shape(path: Path, shapes: Graph) -> None:
    expected_rule, expected_path = _expected(path, "expect"), _expected(path, "expect-path")
    assert expected_rule, f"{path.name} lacks its '# expect: <shapes#…>' line"
    result = _validate(path, shapes)
    assert not result.conforms
    hits = [f for f in result.findings if f.rule == expected_rule and f.severity is Severity.VIOLATION]
    assert hits, [f"{f.rule} {f.path} {f.message}" for f in result.findings]
    if expected_path:
        assert any(f.path == expected_path for f in hits), [f.path for f in hits]
    assert all(len(f.message) > 20 for f in hits)  # a sentence, not a constraint component name


def test_the_project_data_conforms(shapes: Graph) -> None:
    loaded = load([resource_dir("ontology"), resource_dir("data")], DEFAULT_BASE_IRI)
    result = validate(loaded, shapes, DEFAULT_BASE_IRI)
    assert [f"{f.rule} {f.focus} {f.message}" for f in result.findings if f.severity is Severity.VIOLATION] == []
