"""Issue 12: realistic mistakes planted in a copy of the project's data are caught by the real CLI.

Each test copies ``data/`` (with its archived source texts) into a temporary folder, edits one statement, runs
``awardgraph validate --data DIR`` as a process (so that anything printed to stderr, a traceback included, is
seen) and requires: exit code 1, the wrong value named, every finding placed at the edited file and line, and no
traceback. The unmodified copy must validate with no violation.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from awardgraph.resources import resource_dir

DATA = resource_dir("data")
FINDING = re.compile(r"^  - (\S+):(\d+)  ", re.M)


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> int:
    """Replace the first ``old`` in ``path`` with ``new``; returns the number of the edited line."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for number, line in enumerate(lines, start=1):
        if old in line:
            lines[number - 1] = line.replace(old, new, 1)
            path.write_text("".join(lines), encoding="utf-8")
            return number
    raise AssertionError(f"{old!r} is not in {path}: the test no longer matches the data")


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-m", "awardgraph", *args]
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env, timeout=600, check=False)


def _assert_caught(result: subprocess.CompletedProcess[str], where: tuple[Path, int], *wrong: str) -> list[str]:
    """Exit 1, no traceback, every finding at ``where``, the wrong value(s) named; returns the findings' places."""
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    places = [f"{path}:{line}" for path, line in FINDING.findall(result.stderr)]
    assert places, result.stderr
    assert set(places) == {f"{where[0]}:{where[1]}"}, result.stderr
    for value in wrong:
        assert value in result.stderr, result.stderr
    return places


def test_the_unmodified_copy_conforms(tmp_path: Path) -> None:
    result = _run("validate", "--data", str(_copy(tmp_path)), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "0 violation(s)" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_a_typo_in_a_second_type(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    line = _edit(data / "curation.trig", "schema:NGO,", "schema:NG0,")
    result = _run("validate", "--data", str(data), cwd=tmp_path)
    _assert_caught(result, (data / "curation.trig", line), "value schema:NG0", "did you mean schema:NGO?")
    assert "1 violation(s), 0 warning(s)" in result.stderr


def test_a_quote_that_is_not_the_sources_words(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    line = _edit(data / "provenance.trig", "oraz integrująca społeczności", "oraz integrującą społeczności")
    result = _run("validate", "--data", str(data), cwd=tmp_path)
    _assert_caught(result, (data / "provenance.trig", line), "g:lublin-eu-miasta-otwarte-2015/f06", "integrującą")
    assert "was not found" in result.stderr
    assert "awardgraph:quotes-match-sources" in result.stderr


def test_a_2015_distinction_dated_2016(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    facts = data / "lublin-eu-miasta-otwarte-2015.trig"
    distinction = "<id/distinction/2015-krzysztof-zuk> dcterms:date"
    line = _edit(facts, f'{distinction} "2015-05"', f'{distinction} "2016-05"')
    result = _run("validate", "--data", str(data), cwd=tmp_path)
    _assert_caught(result, (facts, line), '"2016-05"^^xsd:gYearMonth', "id:forum-edition/wroclaw")
    assert "awardgraph:distinction-within-edition" in result.stderr


def test_a_class_typo_names_the_class_without_follow_on_warnings(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    line = _edit(data / "curation.trig", "a ag:Distinction,", "a ag:Distinciton,")
    result = _run("validate", "--data", str(data), cwd=tmp_path)
    _assert_caught(result, (data / "curation.trig", line), "value ag:Distinciton", "did you mean ag:Distinction?")
    assert "1 violation(s), 0 warning(s)" in result.stderr  # no "needs a known type", no "no distinction names"


@pytest.mark.parametrize(
    ("command", "engine"), [("validate", "sparql"), ("validate", "pyshacl"), ("build", "sparql"), ("build", "pyshacl")]
)
@pytest.mark.parametrize(("bad", "why"), [("2015-5-14", "not an xsd:date"), ("2015-02-30", "February 2015 has 28")])
def test_a_malformed_or_impossible_date(tmp_path: Path, command: str, engine: str, bad: str, why: str) -> None:
    data = _copy(tmp_path)
    line = _edit(data / "derived.trig", '"2015-05-14"^^xsd:date', f'"{bad}"^^xsd:date')
    store = ["--store", str(tmp_path / "store")] if command == "build" else []
    result = _run(command, "--engine", engine, "--data", str(data), *store, cwd=tmp_path)
    _assert_caught(result, (data / "derived.trig", line), f'value "{bad}"^^xsd:date', why)
    assert not (tmp_path / "store" / "current").exists()


def test_an_end_date_edited_in_derived_trig(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    line = _edit(data / "derived.trig", 'schema:endDate "2015-05-17"', 'schema:endDate "2015-05-12"')
    result = _run("validate", "--data", str(data), cwd=tmp_path)
    found = _assert_caught(result, (data / "derived.trig", line), 'value "2015-05-12"^^xsd:date')
    assert len(found) == 2  # it ends before it starts, and the label "14-17 maja" says it ends on the 17th
    assert "so it ends on 17 May" in result.stderr


def test_a_polish_month_label_that_disagrees(tmp_path: Path) -> None:
    data = _copy(tmp_path)
    facts = data / "lublin-eu-miasta-otwarte-2015.trig"
    line = _edit(facts, '"marzec 2013"@pl', '"kwiecień 2013"@pl')
    result = _run("validate", "--data", str(data), cwd=tmp_path)
    _assert_caught(result, (facts, line), 'value "kwiecień 2013"@pl', "the label says April (kwiecień)")
    assert "awardgraph:date-agrees-with-label" in result.stderr
