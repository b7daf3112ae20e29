"""The graph-level rules: one graph per triple, and every data graph described with a source."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import MINI_DATA

from awardgraph.graph.checks import dataset_findings
from awardgraph.graph.load import load

BASE = "https://w3id.org/awardgraph/"
PREFIXES = (
    "@prefix ag: <ontology#> .\n@prefix prov: <http://www.w3.org/ns/prov#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
)


def _findings(tmp_path: Path, extra: str) -> list[str]:
    path = tmp_path / "extra.trig"
    path.write_text(PREFIXES + extra, encoding="utf-8")
    loaded = load([*MINI_DATA, path], BASE)
    return [f"{f.rule} {f.focus}" for f in dataset_findings(loaded.store, BASE)]


def test_the_minimal_dataset_breaks_no_rule() -> None:
    assert list(dataset_findings(load(MINI_DATA, BASE).store, BASE)) == []


def test_a_triple_in_two_graphs_is_a_violation(tmp_path: Path) -> None:
    extra = (
        '<graph/mini/f02> { <id/place/lublin> rdfs:label "Lublin"@pl . }\n'
        "<graph/provenance> { <graph/mini/f02> a ag:Assertion ; ag:assertionStatus ag:stated ; "
        "prov:wasDerivedFrom <id/source/mini> . }\n"
    )
    assert _findings(tmp_path, extra) == [f"awardgraph:one-graph-per-triple {BASE}id/place/lublin"]


def test_a_graph_without_a_source_is_a_violation(tmp_path: Path) -> None:
    extra = '<graph/orphan> { <id/place/krakow> rdfs:label "Kraków"@pl . }\n'
    assert _findings(tmp_path, extra) == [f"awardgraph:every-graph-has-a-source {BASE}graph/orphan"]
