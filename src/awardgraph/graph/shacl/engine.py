"""Run a compiled :class:`~.compile.Plan` on an Oxigraph store and turn the rows into findings."""

from __future__ import annotations

import dataclasses
import re
from concurrent.futures import ThreadPoolExecutor

import pyoxigraph as ox
from rdflib.term import Node

from awardgraph.graph.findings import Finding
from awardgraph.graph.shacl.compile import Check, Plan, Query
from awardgraph.graph.shacl.model import PLACEHOLDER, choose_message, headline, rule_of
from awardgraph.graph.terms import to_rdflib


class EngineError(Exception):
    """A SPARQL-based constraint reported a failure (``?failure`` true): the shapes, not the data, are at fault."""


def run(plan: Plan, store: ox.Store, *, workers: int = 2) -> list[Finding]:
    """Every finding of the plan over ``store`` (its default graph taken as the union of the named graphs).

    Queries run in ``workers`` threads: Oxigraph evaluates them without holding the GIL.
    """
    with ThreadPoolExecutor(max_workers=workers) as pool:
        answers = list(pool.map(lambda query: _solutions(store, query), plan.queries))
    findings: dict[Finding, None] = {}  # ordered and without duplicates
    for query, rows in zip(plan.queries, answers, strict=True):
        for row in rows:
            for finding in _findings(plan, query, row):
                findings.setdefault(finding, None)
    return list(findings)


def _solutions(store: ox.Store, query: Query) -> list[ox.QuerySolution]:
    solutions = store.query(query.text, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    return list(solutions)


def _findings(plan: Plan, query: Query, row: ox.QuerySolution) -> list[Finding]:
    focus = to_rdflib(row["this"])
    if query.sparql is not None:
        return [_sparql_finding(plan, query.sparql, row, focus)]
    found = []
    k = row["_k"]
    if k is not None:
        check = query.value_checks[int(k.value) - 1]
        found.append(_finding(plan, check, focus, to_rdflib(row["value"]) if check.value == "value" else None))
    for i, check in enumerate(query.focus_checks, start=1):
        flag = row[f"_c{i}"]
        if flag is not None and flag.value == "true":
            found.append(_finding(plan, check, focus, focus if check.value == "focus" else None))
    return found


def _finding(plan: Plan, check: Check, focus: Node | None, value: Node | None, message: str | None = None) -> Finding:
    template = choose_message(check.messages)
    text = message or template or f"sh:{check.component} is not satisfied"
    return Finding(
        check.severity,
        text,
        rule=rule_of(plan.shapes, check.source),
        focus=focus,
        path=check.path,
        value=value,
        group=headline(template) if message and template else None,
    )


def _sparql_finding(plan: Plan, check: Check, row: ox.QuerySolution, focus: Node | None) -> Finding:
    failure = _bound(row, "failure")
    if isinstance(failure, ox.Literal) and failure.value == "true":
        raise EngineError(f"a SPARQL constraint of {rule_of(plan.shapes, check.source)} reported a failure")
    value = _bound(row, "value")
    path = _bound(row, "path")
    template = choose_message(check.messages)

    def fill(match: re.Match[str]) -> str:
        term = _bound(row, match.group(1))
        return term.value if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode) else match.group()

    return _finding(
        plan,
        check if not isinstance(path, ox.NamedNode) else _with_path(check, path.value),
        focus,
        to_rdflib(value) if value is not None else (focus if check.value == "focus" else None),
        PLACEHOLDER.sub(fill, template) if template else None,
    )


def _bound(row: ox.QuerySolution, name: str) -> object:
    try:
        return row[name]
    except (KeyError, IndexError):  # not a variable of this query
        return None


def _with_path(check: Check, path: str) -> Check:
    return dataclasses.replace(check, path=path)
