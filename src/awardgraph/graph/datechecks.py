"""Rules about literal values and dates that SHACL states badly or not at all.

- **well-formed literals**: every XSD-typed literal is a valid value of its datatype ("2015-5-14" and "2015-02-30"
  are not dates); checked here, with a reason, for every property, not only where a shape names a datatype;
- **a distinction's date agrees with its edition's**: ``dcterms:date`` lies within the ``schema:startDate`` …
  ``schema:endDate`` of the edition it was ``ag:conferredAt``, compared at their common precision;
- **a date agrees with its Polish label**: ``ag:dateLabel`` "marzec 2013" ↔ 2013-03, "14-17 maja" ↔ 14 to 17 May.

Only values from the same graph, or from graphs that are not ``ag:external``, are compared: an outside page may
disagree with the source by design (its claim is kept in its own graph).
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterator

import pyoxigraph as ox
from rdflib.namespace import DCTERMS

from awardgraph.graph.findings import Finding, Severity, Statement
from awardgraph.graph.polishdates import read_label
from awardgraph.graph.provenance import Provenance
from awardgraph.graph.terms import compact, sparql_iri, to_rdflib
from awardgraph.graph.xsddates import CHECKED, XSD, PartialDate, compare, parse_partial, problem
from awardgraph.namespaces import SCHEMA

LITERALS_RULE = "awardgraph:well-formed-literals"
EDITION_RULE = "awardgraph:distinction-within-edition"
LABEL_RULE = "awardgraph:date-agrees-with-label"
_START, _END, _DATE = str(SCHEMA.startDate), str(SCHEMA.endDate), str(DCTERMS.date)
_ROLES = {_START: "start", _END: "end", _DATE: "date"}

# every typed literal but strings (a long IN list makes Oxigraph slower than filtering these rows in Python)
_TYPED = """
SELECT DISTINCT ?o WHERE {
    GRAPH ?g { ?s ?p ?o }
    FILTER (isLiteral(?o) && DATATYPE(?o) != <http://www.w3.org/2001/XMLSchema#string>
        && DATATYPE(?o) != <http://www.w3.org/1999/02/22-rdf-syntax-ns#langString>)
}
"""
_DISTINCTIONS = """
SELECT ?d ?date ?gd ?gl ?e ?p ?edate ?ge WHERE {{
    GRAPH ?gd {{ ?d <{date}> ?date }}
    GRAPH ?gl {{ ?d {conferred} ?e }}
    GRAPH ?ge {{ ?e ?p ?edate }}
    FILTER (?p IN (<{start}>, <{end}>))
}}
"""
_LABELS = """
SELECT ?x ?label ?gl ?p ?date ?gd WHERE {{
    GRAPH ?gl {{ ?x {label} ?label }}
    FILTER (LANGMATCHES(LANG(?label), "pl"))
    GRAPH ?gd {{ ?x ?p ?date }}
    FILTER (?p IN (<{start}>, <{end}>, <{date}>))
}}
"""


def literal_findings(store: ox.Store, base_iri: str) -> Iterator[Finding]:
    """One violation per statement whose XSD-typed literal is not a value of its datatype, saying why."""
    typed = store.query(_TYPED)
    assert isinstance(typed, ox.QuerySolutions)
    bad = []
    for row in typed:
        literal = row["o"]
        assert isinstance(literal, ox.Literal)
        if literal.datatype.value not in CHECKED:
            continue
        reason = problem(literal.value, literal.datatype.value.removeprefix(XSD))
        if reason:
            bad.append((literal, reason))
    for literal, reason in sorted(bad, key=lambda item: str(item[0])):
        shown = f'"{literal.value}"^^{compact(literal.datatype.value, base_iri)}'
        uses = store.query(f"SELECT ?g ?s ?p WHERE {{ GRAPH ?g {{ ?s ?p {literal} }} }}")
        assert isinstance(uses, ox.QuerySolutions)
        for row in sorted(uses, key=lambda r: (str(r["s"]), str(r["p"]), str(r["g"]))):
            yield Finding(
                Severity.VIOLATION,
                f"{shown} is not a valid value: {reason}.",
                rule=LITERALS_RULE,
                focus=to_rdflib(row["s"]),
                path=row["p"].value,
                value=to_rdflib(literal),
                graph=to_rdflib(row["g"]),
                group="A typed literal is not a value of its datatype (a malformed or impossible date, a number that "
                "is not one): correct the value.",
            )


@dataclasses.dataclass(frozen=True)
class _Dated:
    """A date-valued statement: who, which property, the literal, the graph, and the date it stands for."""

    subject: ox.NamedNode | ox.BlankNode
    predicate: str
    literal: ox.Literal
    graph: ox.NamedNode
    date: PartialDate

    def statement(self) -> Statement:
        subject, obj, graph = to_rdflib(self.subject), to_rdflib(self.literal), to_rdflib(self.graph)
        assert subject is not None and obj is not None
        return Statement(subject, self.predicate, obj, graph)


def edition_findings(store: ox.Store, base_iri: str, provenance: Provenance) -> Iterator[Finding]:
    """A distinction dated outside the dates of the edition it was conferred at (common precision)."""
    query = _DISTINCTIONS.format(
        date=_DATE, conferred=sparql_iri(f"{base_iri}ontology#conferredAt"), start=_START, end=_END
    )
    rows = store.query(query, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    bounds: dict[tuple[_Dated, str], list[_Dated]] = defaultdict(list)  # (distinction date, edition) -> its dates
    for row in rows:
        own, edition = _dated(row, "d", _DATE, "date", "gd"), row["e"]
        other = _dated(row, "e", row["p"].value, "edate", "ge")
        if own is None or other is None or not provenance.comparable(own.graph, row["gl"]):
            continue
        if provenance.comparable(own.graph, other.graph):
            bounds[(own, edition.value)].append(other)
    for (own, edition), dates in sorted(bounds.items(), key=lambda kv: (str(kv[0][0].subject), kv[0][1])):
        starts = [d for d in dates if d.predicate == _START]
        ends = [d for d in dates if d.predicate == _END]
        # an edition with one kind of date only is taken to fall within that month
        lower = [d.date for d in starts] or [PartialDate(d.date.year, d.date.month) for d in ends]
        upper = [d.date for d in ends] or [PartialDate(d.date.year, d.date.month) for d in starts]
        if all(compare(own.date, b) >= 0 for b in lower) and all(compare(own.date, b) <= 0 for b in upper):
            continue
        span = _span(starts, ends)
        yield Finding(
            Severity.VIOLATION,
            f"{compact(str(own.subject.value), base_iri)} is dated {own.literal.value} (dcterms:date), outside the "
            f"dates of {compact(edition, base_iri)}, at which it was conferred: {span}.",
            rule=EDITION_RULE,
            focus=to_rdflib(own.subject),
            path=_DATE,
            value=to_rdflib(own.literal),
            graph=to_rdflib(own.graph),
            group="A distinction's date (dcterms:date) lies outside the dates of the edition it was conferred at "
            '(ag:conferredAt; dates are compared at their common precision, "2015-05" = "2015-05-14"): correct '
            "the date or the edition.",
            related=tuple(d.statement() for d in (*starts, *ends)),
        )


_LABEL_GROUP = (
    "A date disagrees with the Polish date label (ag:dateLabel) of the same thing: correct whichever of the two is "
    "not the source's words."
)


def label_findings(store: ox.Store, base_iri: str, provenance: Provenance) -> Iterator[Finding]:
    """A start, end or date that the thing's Polish date label contradicts (month, season, year or days).

    Which of the two is wrong: a label that is part of its stated assertion's quote is the source's words, so the
    date is reported; any other label is reported once, with every date it contradicts.
    """
    query = _LABELS.format(label=sparql_iri(f"{base_iri}ontology#dateLabel"), start=_START, end=_END, date=_DATE)
    rows = store.query(query, use_default_graph_as_union=True)
    assert isinstance(rows, ox.QuerySolutions)
    doubted: dict[Statement, list[tuple[_Dated, str]]] = defaultdict(list)  # label -> the dates it contradicts
    for row in sorted(rows, key=lambda r: (str(r["x"]), str(r["p"]), str(r["date"]), str(r["label"]))):
        label, date = row["label"], _dated(row, "x", row["p"].value, "date", "gd")
        assert isinstance(label, ox.Literal)
        said = read_label(label.value)
        if date is None or said is None or not provenance.comparable(row["gl"], date.graph):
            continue
        reason = said.disagreement(date.date, _ROLES[date.predicate])
        if reason is None:
            continue
        subject, label_term = to_rdflib(row["x"]), to_rdflib(label)
        assert subject is not None and label_term is not None
        label_at = Statement(subject, f"{base_iri}ontology#dateLabel", label_term, to_rdflib(row["gl"]))
        if not provenance.quoted(row["gl"], label.value):
            doubted[label_at].append((date, reason))
            continue
        yield Finding(  # the label is the source's words: the date is wrong
            Severity.VIOLATION,
            f"{compact(date.predicate, base_iri)} {date.literal.value} of {compact(row['x'].value, base_iri)} "
            f'disagrees with its date label "{label.value}"@pl, the source\'s words: {reason}.',
            rule=LABEL_RULE,
            focus=subject,
            path=date.predicate,
            value=to_rdflib(date.literal),
            graph=to_rdflib(date.graph),
            group=_LABEL_GROUP,
            related=(label_at,),
        )
    for label_at, dates in doubted.items():
        listed = " and ".join(f"{compact(d.predicate, base_iri)} {d.literal.value}" for d, _ in dates)
        yield Finding(
            Severity.VIOLATION,
            f'The date label "{label_at.object}"@pl of {compact(str(label_at.subject), base_iri)} disagrees with '
            f"its {listed} (and is not in its assertion's quote): {dates[0][1]}.",
            rule=LABEL_RULE,
            focus=label_at.subject,
            path=label_at.predicate,
            value=label_at.object,
            graph=label_at.graph,
            group=_LABEL_GROUP,
            related=tuple(d.statement() for d, _ in dates),
        )


def _dated(row: ox.QuerySolution, who: str, predicate: str, value: str, graph: str) -> _Dated | None:
    subject, literal, named = row[who], row[value], row[graph]
    if not isinstance(literal, ox.Literal) or not isinstance(named, ox.NamedNode):
        return None
    if not isinstance(subject, ox.NamedNode | ox.BlankNode):
        return None
    date = parse_partial(literal.value, literal.datatype.value.removeprefix(XSD))
    return _Dated(subject, predicate, literal, named, date) if date is not None else None


def _span(starts: list[_Dated], ends: list[_Dated]) -> str:
    first = min((d.literal.value for d in starts), default=None)
    last = max((d.literal.value for d in ends), default=None)
    if first and last:
        return f"{first} to {last}"
    return f"starting {first}" if first else f"ending {last}"
