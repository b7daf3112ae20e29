"""Reports place each finding at the offending statement's line, group and limit what they show, and the data can
be written with absolute IRIs for outside SHACL tools."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from awardgraph.config import DEFAULT_BASE_IRI as BASE
from awardgraph.graph.absolute import write_absolute
from awardgraph.graph.findings import Finding, Severity
from awardgraph.graph.load import load
from awardgraph.graph.locate import LineIndex, term_key
from awardgraph.graph.report import locate, render
from awardgraph.resources import default_shapes_paths, resource_dir

TRIG = """@prefix ag: <ontology#> .
@prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<graph/a> {
    <id/organization/nomada>
        a
            schema:NGO,
            schema:Organization ;
        ag:numberOfFlats "+4"^^xsd:positiveInteger .
}

<graph/b> {
    <id/distinction/d1> ag:forPractice <id/practice/p1> .
    <id/distinction/d1> ag:conferredAt <id/forum-edition/x> .
}
"""
NOMADA, D1, P1 = (URIRef(BASE + p) for p in ("id/organization/nomada", "id/distinction/d1", "id/practice/p1"))


def _index(tmp_path: Path) -> tuple[Path, LineIndex]:
    path = tmp_path / "a.trig"
    path.write_text(TRIG, encoding="utf-8")
    wanted = {term_key(n) for n in (NOMADA, D1, P1)}
    return path, LineIndex([path], BASE, {w for w in wanted if w})


def test_a_finding_is_placed_at_the_line_of_its_statement(tmp_path: Path) -> None:
    path, index = _index(tmp_path)
    ngo = Finding(Severity.VIOLATION, "m", "r", NOMADA, str(RDF.type), URIRef("http://schema.org/NGO"))
    assert str(locate(ngo, index)) == f"{path}:8"  # the object's line, not the subject's
    stored = Literal("4", datatype=XSD.integer)  # Oxigraph stores "+4"^^xsd:positiveInteger normalised
    flats = Finding(Severity.VIOLATION, "m", "r", NOMADA, f"{BASE}ontology#numberOfFlats", stored)
    assert str(locate(flats, index)) == f"{path}:10"


def test_a_missing_statement_is_placed_at_its_subjects_block(tmp_path: Path) -> None:
    path, index = _index(tmp_path)
    missing = Finding(Severity.VIOLATION, "m", "r", NOMADA, f"{BASE}ontology#basedIn")
    assert str(locate(missing, index)) == f"{path}:6"
    in_graph = Finding(Severity.VIOLATION, "m", "r", D1, f"{BASE}ontology#awardedTo", graph=URIRef(f"{BASE}graph/b"))
    assert str(locate(in_graph, index)) == f"{path}:14"


def test_an_inverse_path_finding_is_placed_at_the_statement_pointing_at_the_focus(tmp_path: Path) -> None:
    path, index = _index(tmp_path)
    inverse = Finding(Severity.WARNING, "m", "r", P1, None, D1)  # sh:inversePath ag:forPractice: no result path
    assert str(locate(inverse, index)) == f"{path}:14"


def test_reports_show_the_first_of_each_group_unless_asked_for_all(tmp_path: Path) -> None:
    path, _ = _index(tmp_path)
    loaded = load([path], BASE)
    findings = [
        Finding(
            Severity.VIOLATION,
            f"thing {i} is wrong",
            "awardgraph:test",
            URIRef(f"{BASE}id/place/p{i:02d}"),
            group="Things are wrong.",
        )
        for i in range(25)
    ]
    short = render(findings, loaded, BASE)
    assert "25 violation(s), 0 warning(s), 0 note(s) in 1 group(s)" in short
    assert "ERROR x25: Things are wrong." in short
    assert short.count("\n  - ") == 20 and "... and 5 more (--all-findings lists every one)" in short
    assert "thing 19 is wrong" in short and "thing 20 is wrong" not in short
    full = render(findings, loaded, BASE, limit_per_group=None)
    assert full.count("\n  - ") == 25 and "more" not in full


def test_the_files_can_be_written_with_absolute_iris(tmp_path: Path) -> None:
    inputs = [resource_dir("ontology"), resource_dir("data"), *default_shapes_paths()]
    written = write_absolute(inputs, BASE, tmp_path)
    assert {p.relative_to(tmp_path).parts[0] for p in written} == {"ontology", "data", "shapes"}
    quads = [q for p in written if p.parts[-2] != "shapes" for q in ox.parse(path=p)]  # no base: absolute or error
    assert len(quads) == len(load(inputs[:2], BASE))
    assert all(not str(q).count("file:") for q in quads)
    shapes = tmp_path / "shapes" / "awardgraph.ttl"
    data = sorted(str(p) for p in written if p.parts[-2] != "shapes")
    command = [sys.executable, "-m", "pyshacl", "-s", str(shapes), "-a", "-i", "none", "-f", "human", *data]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "Conforms: True" in result.stdout
    derived = tmp_path / "data" / "derived.trig"  # and pyshacl sees the union of the named graphs, and GRAPH
    derived.write_text(derived.read_text(encoding="utf-8").replace("2015-05-17", "2015-05-12"), encoding="utf-8")
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 1
    assert "Conforms: False" in result.stdout
    assert "id/forum-edition/wroclaw ends (2015-05-12) before it starts (2015-05-14)" in result.stdout


def test_a_graph_nothing_describes_is_placed_where_it_is_written(tmp_path: Path) -> None:
    path, _ = _index(tmp_path)
    graph = URIRef(f"{BASE}graph/b")
    orphan = Finding(Severity.VIOLATION, "m", "awardgraph:every-graph-has-a-source", graph)
    assert str(locate(orphan, LineIndex([path], BASE, {f"<{graph}>"}))) == f"{path}:13"
