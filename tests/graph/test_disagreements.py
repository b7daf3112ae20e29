"""The disagreement records of the project's data, and the advice that asks for one where two graphs give a thing
different values (docs/data-model.md, "Disagreements between sources")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from awardgraph.config import DEFAULT_BASE_IRI
from awardgraph.graph.findings import Severity
from awardgraph.graph.load import load
from awardgraph.graph.validate import Validation, load_shapes, validate
from awardgraph.resources import default_shapes_paths, resource_dir

BASE = DEFAULT_BASE_IRI
CONTESTED = f"{BASE}shapes#ContestedValueShape"
LUBLIN = URIRef(f"{BASE}id/forum-edition/lublin")
AG = f"{BASE}ontology#"


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(default_shapes_paths(), BASE)


def _validate(paths: list[Path], shapes: Graph) -> Validation:
    return validate(load(paths, BASE), shapes, BASE)


def _without_records(tmp_path: Path) -> Path:
    """The project's data without the disagreement records (and without their graph's description)."""
    data = tmp_path / "data"
    shutil.copytree(resource_dir("data"), data)
    (data / "disagreements.trig").unlink()
    provenance = data / "provenance.trig"
    text = provenance.read_text(encoding="utf-8")
    start = text.index("    <graph/curation/disagreements>")
    provenance.write_text(text[:start] + "}\n", encoding="utf-8")
    return data


def test_the_project_data_records_its_disagreements(shapes: Graph) -> None:
    loaded = load([resource_dir("ontology"), resource_dir("data")], BASE)
    records = {
        str(s): sorted(str(o) for o in loaded.dataset.objects(s, URIRef(AG + "onProperty")))
        for s in loaded.dataset.subjects(URIRef(AG + "disagreementAbout"), None)
    }
    assert records == {
        f"{BASE}id/disagreement/lublin-edition-dates": ["http://schema.org/endDate", "http://schema.org/startDate"],
        f"{BASE}id/disagreement/lublin-edition-ordinal": [AG + "editionOrdinal"],
        f"{BASE}id/disagreement/krakow-edition-ordinal": [AG + "editionOrdinal"],
    }
    result = validate(loaded, shapes, BASE)
    assert [f.message for f in result.findings if f.rule == CONTESTED] == []


def test_a_disagreement_without_a_record_is_advice_not_a_violation(tmp_path: Path, shapes: Graph) -> None:
    result = _validate([resource_dir("ontology"), _without_records(tmp_path)], shapes)
    advice = [f for f in result.findings if f.rule == CONTESTED]
    assert [(f.severity, f.focus, f.path) for f in advice] == [
        (Severity.WARNING, LUBLIN, "http://schema.org/startDate")
    ]
    assert "graph/external/innaprzestrzen-447" in advice[0].message and "f12" in advice[0].message
    assert result.conforms


def test_dates_that_agree_at_their_common_precision_need_no_record(tmp_path: Path, shapes: Graph) -> None:
    """Warsaw: 2014-09 on the source page, 2014-09-18 on arch.hf.org.pl."""
    result = _validate([resource_dir("ontology"), _without_records(tmp_path)], shapes)
    assert not [f for f in result.findings if "warszawa" in str(f.focus)]
