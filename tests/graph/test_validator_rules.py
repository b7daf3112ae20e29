"""The validator's own rules piece by piece: XSD values, Polish date labels, class suggestions, quote matching."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import MINI_DATA, MINI_SHAPES

from awardgraph.config import DEFAULT_BASE_IRI as BASE
from awardgraph.graph import quotes
from awardgraph.graph.load import load
from awardgraph.graph.polishdates import read_label
from awardgraph.graph.provenance import Provenance
from awardgraph.graph.validate import load_shapes, validate
from awardgraph.graph.vocabulary import edit_distance, suggest
from awardgraph.graph.xsddates import PartialDate, compare, parse_partial, problem
from awardgraph.resources import resource_dir


@pytest.mark.parametrize(
    ("lexical", "datatype", "why"),
    [
        ("2015-05-14", "date", None),
        ("2016-02-29", "date", None),
        ("2000-02-29", "date", None),
        ("1900-02-29", "date", "February 1900 has 28 days"),
        ("2015-04-31", "date", "April 2015 has 30 days"),
        ("2015-5-14", "date", "two digits for the month and the day"),
        ("14.05.2015", "date", "not an xsd:date"),
        ("2015-05-14Z", "date", None),
        ("2015-05-14+15:00", "date", "not a time zone"),
        ("2015-05", "gYearMonth", None),
        ("2015-13", "gYearMonth", "there is no month 13"),
        ("2015-5", "gYearMonth", "two digits"),
        ("2015", "gYear", None),
        ("15", "gYear", "not an xsd:gYear"),
        ("--02-29", "gMonthDay", None),
        ("--02-30", "gMonthDay", "February has 29 days"),
        ("2015-05-14T24:00:00", "dateTime", None),
        ("2015-05-14T24:00:01", "dateTime", "not a time of day"),
        ("2015-05-14T10:61:00Z", "dateTime", "not a time of day"),
        ("+4", "integer", None),
        ("0", "positiveInteger", "out of the range"),
        ("four", "integer", "whole number"),
        ("1.5", "decimal", None),
        ("1,5", "decimal", "not a lexical form"),
        ("yes", "boolean", "not a lexical form"),
        ("anything", "string", None),
    ],
)
def test_xsd_values_are_checked_with_a_reason(lexical: str, datatype: str, why: str | None) -> None:
    reason = problem(lexical, datatype)
    if why is None:
        assert reason is None
    else:
        assert reason is not None and why in reason


def test_dates_compare_at_their_common_precision() -> None:
    may = parse_partial("2015-05", "gYearMonth")
    assert may == PartialDate(2015, 5)
    assert compare(may, PartialDate(2015, 5, 14)) == 0
    assert compare(PartialDate(2016, 5), PartialDate(2015, 5, 17)) == 1
    assert compare(PartialDate(2015, 4, 30), PartialDate(2015, 5)) == -1
    assert parse_partial("2015-02-30", "date") is None  # not a date: the rules that compare dates skip it


@pytest.mark.parametrize(
    ("label", "months", "years", "days"),
    [
        ("marzec 2013", (3,), (2013,), None),
        ("październik 2013", (10,), (2013,), None),
        ("wrzesień 2014", (9,), (2014,), None),
        ("14-17 maja", (5,), (), (5, 14, 17)),
        ("11–13 kwietnia 2007", (4,), (2007,), (4, 11, 13)),
        ("w maju 2015", (5,), (2015,), None),
        ("jesień 2014", (9, 10, 11), (2014,), None),
        ("przełom września i października 2014", (9, 10), (2014,), None),
    ],
)
def test_polish_labels_are_read(
    label: str, months: tuple[int, ...], years: tuple[int, ...], days: tuple[int, int, int] | None
) -> None:
    said = read_label(label)
    assert said is not None
    assert (said.months, said.years, said.days) == (months, years, days)


def test_a_label_without_month_or_season_is_not_checked() -> None:
    assert read_label("2014") is None
    assert read_label("Forum we Wrocławiu") is None


def test_labels_judge_dates() -> None:
    may = read_label("14-17 maja")
    assert may is not None
    assert may.disagreement(PartialDate(2015, 5, 14), "start") is None
    assert may.disagreement(PartialDate(2015, 5, 17), "end") is None
    assert may.disagreement(PartialDate(2015, 5), "date") is None  # a month: agrees at its precision
    assert "so it ends on 17 May" in (may.disagreement(PartialDate(2015, 5, 18), "end") or "")
    assert "the date is in June" in (may.disagreement(PartialDate(2015, 6), "date") or "")
    autumn = read_label("jesień 2014")
    assert autumn is not None
    assert autumn.disagreement(PartialDate(2014, 9, 18), "start") is None
    assert "the date is in August" in (autumn.disagreement(PartialDate(2014, 8), "start") or "")
    assert "the date is in 2015" in (autumn.disagreement(PartialDate(2015, 10), "start") or "")
    winter = read_label("zima 2014")
    assert winter is not None and winter.disagreement(PartialDate(2015, 1), "date") is None


def test_unknown_classes_get_the_nearest_known_one() -> None:
    known = [
        "http://schema.org/NGO",
        "http://schema.org/Place",
        "http://www.w3.org/ns/org#Post",
        f"{BASE}ontology#Distinction",
    ]
    assert suggest("http://schema.org/NG0", known) == ["http://schema.org/NGO"]
    assert suggest(f"{BASE}ontology#Distinciton", known) == [f"{BASE}ontology#Distinction"]
    assert suggest("http://schema.org/Post", known) == ["http://www.w3.org/ns/org#Post"]  # the namespace mixed up
    assert suggest("http://schema.org/Hospital", known) == []
    assert edit_distance("Distinciton", "Distinction") == 1
    assert edit_distance("kitten", "sitting") == 3


def test_quotes_match_piecewise_in_order_whitespace_aside() -> None:
    text = quotes.squeeze("Opiekę nad mieszkaniami,\n  tak jak i pomoc, sprawuje\tlubelski MOPR.")
    assert quotes.first_missing("Opiekę nad mieszkaniami […] sprawuje lubelski MOPR.", text) is None
    assert quotes.first_missing("Opiekę nad mieszkaniami, tak jak i pomoc, sprawuje lubelski MOPR.", text) is None
    missing = quotes.first_missing("sprawuje lubelski MOPR. […] Opiekę nad mieszkaniami", text)
    assert missing is not None and missing[0] == "Opiekę nad mieszkaniami"  # the pieces out of order
    missing = quotes.first_missing("Opiekę nad mieszkaniem", text)
    assert missing is not None and missing[1] == len("Opiekę nad mieszkani")  # how far it matched


def test_every_stated_quote_of_the_project_is_in_its_archived_source() -> None:
    data = resource_dir("data")
    loaded = load([resource_dir("ontology"), data], BASE)
    provenance = Provenance.read(loaded.store, BASE)
    folders = quotes.source_folders(loaded.paths, loaded.files)
    assert folders == [data / "sources"]
    checked = []
    for graph, quoted in provenance.quotes.items():
        if "stated" not in provenance.statuses.get(graph, ()):
            continue
        sources = provenance.sources[graph]
        slug = sources[0].removeprefix(f"{BASE}id/source/")
        text = quotes.squeeze((data / "sources" / f"{slug}.txt").read_text(encoding="utf-8"))
        for quote in quoted:
            checked.append((graph, quote.value, quotes.first_missing(quote.value, text)))
    assert len(checked) >= 60
    assert [c for c in checked if c[2] is not None] == []
    assert list(quotes.quote_findings(provenance, BASE, folders)) == []


def test_a_stated_quote_without_an_archived_source_is_a_violation(tmp_path: Path) -> None:
    trig = tmp_path / "mini.trig"  # the minimal dataset, without the sources/ folder it has in tests/fixtures/build
    trig.write_text(MINI_DATA[0].read_text(encoding="utf-8"), encoding="utf-8")
    result = validate(load([trig], BASE), load_shapes(MINI_SHAPES, BASE), BASE)
    assert [f.rule for f in result.findings] == ["awardgraph:quotes-match-sources"]
    assert "id:source/mini has no archived text" in result.findings[0].message
    assert not result.conforms
