"""Validate a loaded dataset: the SHACL shapes (pyshacl) plus the graph-level rules of :mod:`checks`.

The shapes span graphs (a label in the curation graph, a recipient in a fact graph), so pyshacl gets the Dataset
loaded with ``default_union=True``: every graph is visible at once, and SPARQL-based shapes can still ask ``GRAPH``.
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
from awardgraph.graph.load import Loaded, LoadError, rdf_files

_SEVERITIES = {SH.Violation: Severity.VIOLATION, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}


class ShapesError(Exception):
    """The shapes themselves are broken (not the data); the message says what pyshacl found."""


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


def validate(loaded: Loaded, shapes: Graph, base_iri: str) -> Validation:
    """Every finding of the shapes and of the dataset rules; conforming means no violation."""
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
    findings = list(_shacl_findings(results, shapes))
    findings.extend(dataset_findings(loaded.dataset, base_iri))
    return Validation(findings, shapes)


def _copy(graph: Graph) -> Graph:
    copy = Graph()
    for triple in graph:
        copy.add(triple)
    return copy


def _shacl_findings(results: Graph, shapes: Graph) -> Iterable[Finding]:
    for result in results.subjects(SH.resultSeverity, None):
        level = results.value(result, SH.resultSeverity)
        severity = _SEVERITIES.get(level, Severity.VIOLATION) if isinstance(level, URIRef) else Severity.VIOLATION
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
