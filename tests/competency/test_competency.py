"""Every competency question (``NN-slug.rq``) gives its expected answer (``NN-slug.expected.csv``) on the
project's own build. The public cookbook (``/queries``) has its own files, some of them copies of these, in
``src/awardgraph/queries/cookbook/``, checked the same way by ``tests/ui/test_cookbook.py``."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from awardgraph.graph.build import BuildResult
from awardgraph.store.oxigraph import EmbeddedStore

HERE = Path(__file__).parent
QUERIES = sorted(HERE.glob("*.rq"))


def _lexical(term: object) -> str:
    return "" if term is None else str(term.value)  # type: ignore[attr-defined]


def _answer(store: EmbeddedStore, query: str) -> list[list[str]]:
    result = store.query(query)
    if isinstance(result, ox.QueryBoolean):
        return [["ask"], ["true" if bool(result) else "false"]]
    assert isinstance(result, ox.QuerySolutions), "competency questions are SELECT or ASK"
    names = [v.value for v in result.variables]
    return [names, *([_lexical(row[n]) for n in names] for row in result)]


def test_there_are_enough_questions() -> None:
    assert len(QUERIES) >= 15


@pytest.mark.parametrize("rq", QUERIES, ids=[q.stem for q in QUERIES])
def test_competency_question(rq: Path, project_build: BuildResult) -> None:
    query = rq.read_text(encoding="utf-8")
    assert re.search(r"^# title@en: .+", query, re.M) and re.search(r"^# title@pl: .+", query, re.M)
    expected_path = rq.with_name(rq.stem + ".expected.csv")
    with expected_path.open(encoding="utf-8", newline="") as handle:
        expected = list(csv.reader(handle))
    got = _answer(EmbeddedStore(project_build.path), query)
    assert got[0] == expected[0], "columns differ"
    if re.search(r"\bORDER\s+BY\b", query, re.I):
        assert got[1:] == expected[1:]
    else:
        assert sorted(got[1:]) == sorted(expected[1:])
