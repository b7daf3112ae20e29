"""The SPARQL engine and pyshacl (the reference) report the same findings on every shape fixture and the real data.

Findings are compared as sets of (rule, focus, path, severity), the identity of a finding; the values and messages
are compared too, so that a report reads the same whichever engine ran.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from tests.conftest import FIXTURES

from awardgraph.config import DEFAULT_BASE_IRI
from awardgraph.graph.findings import Finding
from awardgraph.graph.load import Loaded, load
from awardgraph.graph.validate import load_shapes, pyshacl_findings, sparql_findings
from awardgraph.resources import default_shapes_paths, resource_dir

SHAPE_FIXTURES = sorted((FIXTURES / "shapes").glob("*.trig"))
ALL_FAILING = tuple(p for p in SHAPE_FIXTURES if p.name.endswith(".fail.trig"))
ALL_PASSING = tuple(p for p in SHAPE_FIXTURES if p.name.endswith(".pass.trig"))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(default_shapes_paths(), DEFAULT_BASE_IRI)


def identity(f: Finding) -> tuple[str, str, str, str]:
    return (f.rule, str(f.focus), str(f.path), f.severity.value)


def detail(f: Finding) -> tuple[str, str, str, str, str, str]:
    return (*identity(f), str(f.value), f.message)


def assert_same(loaded: Loaded, shapes: Graph) -> set[tuple[str, str, str, str]]:
    fast, reference = sparql_findings(loaded, shapes), pyshacl_findings(loaded, shapes)
    assert {identity(f) for f in fast} == {identity(f) for f in reference}
    assert {detail(f) for f in fast} == {detail(f) for f in reference}
    return {identity(f) for f in fast}


@pytest.mark.parametrize("path", SHAPE_FIXTURES, ids=[p.name for p in SHAPE_FIXTURES])
def test_both_engines_agree_on_each_fixture(path: Path, shapes: Graph) -> None:
    found = assert_same(load([path], DEFAULT_BASE_IRI), shapes)
    if path.name.endswith(".fail.trig"):
        assert found  # a failing fixture is failing for both


def test_both_engines_agree_on_all_failing_fixtures_together(shapes: Graph) -> None:
    # together, one fixture's data can mend another's defect (they share names), so only agreement is asserted
    found = assert_same(load(ALL_FAILING, DEFAULT_BASE_IRI), shapes)
    assert len({rule for rule, *_ in found}) >= 10


def test_both_engines_agree_on_all_passing_fixtures_together(shapes: Graph) -> None:
    found = assert_same(load(ALL_PASSING, DEFAULT_BASE_IRI), shapes)
    assert [f for f in found if f[3] == "Violation"] == []


def test_both_engines_agree_on_the_project_data(shapes: Graph) -> None:
    assert_same(load([resource_dir("ontology"), resource_dir("data")], DEFAULT_BASE_IRI), shapes)
