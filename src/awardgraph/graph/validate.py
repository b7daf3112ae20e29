"""Validate a loaded dataset: the SHACL shapes plus the graph-level rules of :mod:`checks`.

Two engines run the same shapes. ``sparql`` (the default) compiles them into SPARQL queries that Oxigraph answers
over the loaded store at once (:mod:`awardgraph.graph.shacl`): seconds at a million triples. ``pyshacl`` is the
reference: it gets an rdflib copy of the same quads with ``default_union=True`` (every graph visible at once,
SPARQL-based shapes can still ask ``GRAPH``), and is much slower. tests/graph/test_engines.py keeps them equal.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyshacl
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from awardgraph.graph import rules, shacl
from awardgraph.graph.checks import dataset_findings
from awardgraph.graph.findings import Finding, Severity
from awardgraph.graph.load import Loaded, LoadError, rdf_files
from awardgraph.graph.shacl.model import choose_message, group_of, rule_of

ENGINES = ("sparql", "pyshacl")
_SEVERITIES = {SH.Violation: Severity.VIOLATION, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}


class ShapesError(Exception):
    """The shapes themselves are broken or cannot be run (not the data); the message says why."""


@dataclasses.dataclass
class Validation:
    """The findings, and the shapes they came from (a build publishes those shapes beside the data)."""

    findings: list[Finding]
    shapes: Graph

    @property
    def conforms(self) -> bool:
        return not any(f.severity is Severity.VIOLATION for f in self.findings)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)


def load_shapes(paths: Iterable[Path], base_iri: str) -> Graph:
    """All shapes files as one graph, relative IRIs resolved against the base like the data's."""
    shapes = Graph()
    for path in rdf_files(paths):
        try:
            shapes.parse(path, format="turtle", publicID=base_iri)
        except Exception as exc:  # any parser error means the shapes file is broken
            raise LoadError(path, f"shapes do not parse as Turtle: {' '.join(str(exc).split())[:300]}") from None
    return shapes


def validate(loaded: Loaded, shapes: Graph, base_iri: str, *, engine: str = "sparql") -> Validation:
    """Every finding of the shapes, the graph rules and the validator's own rules (:mod:`rules`), without the
    shapes' findings that only follow from a mistake another finding names; conforming means no violation."""
    if engine not in ENGINES:
        raise ShapesError(f"unknown SHACL engine {engine!r}; use one of {', '.join(ENGINES)}")

    def own_rules() -> list[Finding]:
        return [*dataset_findings(loaded.store, base_iri), *rules.content_findings(loaded, base_iri)]

    with rules.quiet_literal_conversions(), ThreadPoolExecutor(max_workers=1) as background:
        graph_rules = background.submit(own_rules)  # queries too: run them alongside the shapes
        findings = sparql_findings(loaded, shapes) if engine == "sparql" else pyshacl_findings(loaded, shapes)
        findings.extend(graph_rules.result())
    return Validation(rules.without_follow_ons(findings), shapes)


def sparql_findings(loaded: Loaded, shapes: Graph) -> list[Finding]:
    """The shapes' findings from the SPARQL engine, run by Oxigraph on the loaded store."""
    try:
        plan = shacl.compile_shapes(shapes)
    except shacl.UnsupportedShape as exc:
        raise ShapesError(f"the sparql engine cannot run the shapes: {exc} (--engine pyshacl runs any SHACL)") from None
    try:
        return shacl.run(plan, loaded.store)
    except shacl.EngineError as exc:
        raise ShapesError(str(exc)) from None


def pyshacl_findings(loaded: Loaded, shapes: Graph) -> list[Finding]:
    """The shapes' findings from pyshacl (the reference engine), run on an rdflib copy of the loaded quads."""
    try:
        _, results, text = pyshacl.validate(
            loaded.dataset,  # default_union=True: shapes see every graph at once, and SPARQL shapes can use GRAPH
            shacl_graph=_copy(shapes),  # pyshacl adds RDFS axioms to the graph it is given
            inference="none",
            advanced=True,
            allow_warnings=True,
            abort_on_first=False,
        )
    except Exception as exc:  # pyshacl raises plain Exceptions for shapes it cannot run
        raise ShapesError(f"the shapes cannot be run: {' '.join(str(exc).split())[:500]}") from None
    if not isinstance(results, Graph):  # pyshacl reports a malformed shapes graph this way
        raise ShapesError(f"the shapes cannot be used: {' '.join(str(text).split())[:500]}")
    return list(_shacl_findings(results, shapes))


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    return copy


def _shacl_findings(results: Graph, shapes: Graph) -> Iterable[Finding]:
    for result in results.objects(None, SH.result):  # the report's results, not the sh:detail nested in them
        level = results.value(result, SH.resultSeverity)
        severity = _SEVERITIES.get(level, Severity.VIOLATION) if isinstance(level, URIRef) else Severity.VIOLATION
        path = results.value(result, SH.resultPath)
        source = results.value(result, SH.sourceShape)
        yield Finding(
            severity,
            _message(results, result),
            rule=rule_of(shapes, source),
            focus=results.value(result, SH.focusNode),
            path=str(path) if isinstance(path, URIRef) else None,
            value=results.value(result, SH.value),
            group=group_of(shapes, source),
        )


def _message(results: Graph, result: Node) -> str:
    messages = [m for m in results.objects(result, SH.resultMessage) if isinstance(m, Literal)]
    return choose_message(messages) or "constraint not met"
