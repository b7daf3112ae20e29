"""Validate a loaded dataset: the SHACL shapes (pyshacl) plus the graph-level rules of :mod:`checks`.

pyshacl validates each named graph of a Dataset on its own, but our shapes span graphs (a label in the curation
graph, a recipient in a fact graph), so the shapes run over the union of all graphs as one graph.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from awardgraph.graph.checks import dataset_findings
from awardgraph.graph.findings import Finding, Severity
from awardgraph.graph.load import LoadError, Loaded, rdf_files

_SEVERITIES = {SH.Violation: Severity.VIOLATION, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}


@dataclasses.dataclass
class Validation:
    findings: list[Finding]

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


def validate(loaded: Loaded, shapes: Graph, base_iri: str) -> Validation:
    """Every finding of the shapes and of the dataset rules; conforming means no violation."""
    union = Graph()
    for s, p, o, _ in loaded.dataset.quads():
        union.add((s, p, o))
    _, results, _ = pyshacl.validate(
        union,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        allow_warnings=True,
        abort_on_first=False,
    )
    findings = list(_shacl_findings(results, shapes))
    findings.extend(dataset_findings(loaded.dataset, base_iri))
    return Validation(findings)


def _shacl_findings(results: Graph, shapes: Graph) -> Iterable[Finding]:
    for result in results.subjects(SH.resultSeverity, None):
        severity = _SEVERITIES.get(results.value(result, SH.resultSeverity), Severity.VIOLATION)  # type: ignore[arg-type]
        path = results.value(result, SH.resultPath)
        yield Finding(
            severity,
            _message(results, result),
            rule=_rule(shapes, results.value(result, SH.sourceShape)),
            focus=results.value(result, SH.focusNode),
            path=str(path) if isinstance(path, URIRef) else None,
            value=results.value(result, SH.value),
        )


def _message(results: Graph, result: Node) -> str:
    messages = [m for m in results.objects(result, SH.resultMessage) if isinstance(m, Literal)]
    for wanted in ("en", None):
        for m in messages:
            if m.language == wanted:
                return str(m)
    return str(messages[0]) if messages else "constraint not met"


def _rule(shapes: Graph, shape: Node | None) -> str:
    """The shape's IRI, or for an anonymous property shape the node shape it belongs to."""
    if isinstance(shape, BNode):
        owner = shapes.value(None, SH.property, shape) or shapes.value(None, SH.sparql, shape)
        if owner is not None:
            return _rule(shapes, owner)
    return str(shape) if shape is not None else "shacl"
