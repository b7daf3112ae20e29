"""The CLI contract: exit codes, reports that name file and focus node, query output formats."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from tests.conftest import FIXTURES, MINI_DATA, MINI_SHAPES

from awardgraph.commands.cli import EXIT_INPUT, EXIT_INVALID, EXIT_OK, main

DATA = ["--data", str(MINI_DATA[0]), "--shapes", str(MINI_SHAPES[0])]


@pytest.fixture
def built(tmp_path: Path) -> Path:
    store = tmp_path / "store"
    assert main(["build", "--quiet", *DATA, "--store", str(store)]) == EXIT_OK
    return store


def test_validate_passes_on_good_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", *DATA]) == EXIT_OK
    assert "The data conforms." in capsys.readouterr().out


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_validate_report_names_file_line_focus_and_path(engine: str, capsys: pytest.CaptureFixture[str]) -> None:
    bad = FIXTURES / "build" / "bad-label.trig"
    assert main(["validate", "--engine", engine, *DATA, "--data", str(bad)]) == EXIT_INVALID
    err = capsys.readouterr().err
    assert "1 violation(s)" in err
    assert "A city needs a label in Polish and one in English." in err
    assert f"{bad}:8" in err  # the line where <id/place/krakow> is described
    assert 'id:place/krakow "Kraków"' in err
    assert "path rdfs:label" in err
    assert "Traceback" not in err


def test_environment_variables_configure_like_flags(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = FIXTURES / "build" / "bad-label.trig"
    monkeypatch.setenv("AWARDGRAPH_DATA", f"{MINI_DATA[0]}:{bad}")
    monkeypatch.setenv("AWARDGRAPH_SHAPES", str(MINI_SHAPES[0]))
    assert main(["validate"]) == EXIT_INVALID
    monkeypatch.setenv("AWARDGRAPH_BASE_IRI", "not-an-iri")
    assert main(["validate"]) == EXIT_INPUT
    assert "AWARDGRAPH_BASE_IRI must be an absolute http(s) IRI" in capsys.readouterr().err


def test_unparsable_file_is_exit_2_with_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("<a> <b> <c> .\n<a> <b> .\n", encoding="utf-8")
    assert main(["validate", "--data", str(broken), "--shapes", str(MINI_SHAPES[0])]) == EXIT_INPUT
    assert f"{broken}:2: does not parse as RDF" in capsys.readouterr().err


def test_query_formats(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    query = 'SELECT ?l WHERE { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(lang(?l) = "pl") }'
    assert main(["query", query, "--store", str(built), "--format", "json"]) == EXIT_OK
    result = json.loads(capsys.readouterr().out)
    assert [b["l"]["value"] for b in result["results"]["bindings"]] == ["Lublin"]
    assert main(["query", query, "--store", str(built), "--format", "csv"]) == EXIT_OK
    assert list(csv.reader(io.StringIO(capsys.readouterr().out))) == [["l"], ["Lublin"]]
    assert main(["query", query, "--store", str(built)]) == EXIT_OK
    assert "Lublin@pl" in capsys.readouterr().out


def test_query_from_a_file_and_construct_as_turtle(
    built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rq = tmp_path / "cities.rq"
    rq.write_text(
        "CONSTRUCT { ?c a <http://schema.org/City> } WHERE { ?c a <http://schema.org/City> }",
        encoding="utf-8",
    )
    assert main(["query", str(rq), "--store", str(built), "--format", "turtle"]) == EXIT_OK
    assert "schema:City" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["SELECT * WHERE { ?s ?p }"], "not valid SPARQL"),
        (["ASK { ?s ?p ?o }", "--format", "turtle"], "SELECT and ASK give a table"),
    ],
)
def test_bad_queries_are_exit_2(built: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", *args, "--store", str(built)]) == EXIT_INPUT
    assert message in capsys.readouterr().err


def test_query_without_a_build_says_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "ASK {}", "--store", str(tmp_path / "empty")]) == EXIT_INPUT
    assert "run 'awardgraph build" in capsys.readouterr().err
