"""Compile a SHACL shapes graph into a few SPARQL queries that Oxigraph answers over the whole dataset at once.

Per shape that has targets, one *combined* query: the focus nodes are selected once (a subquery), every value that
breaks a value constraint comes out of one ``UNION`` branch per constraint (tagged ``?_k``), and every
focus-level condition (counts, ``sh:hasValue``, ``sh:uniqueLang``, constraints of a node shape on the focus node
itself) is a flag ``?_cN`` computed for each focus node. Only rows with a violation come back. Each SPARQL-based
constraint is one more query: the same focus subquery, then the constraint evaluated per focus node with
``LATERAL`` (see :mod:`.sparql_text`).

The result is a :class:`Plan`; nothing here touches the data. Every query is parsed by Oxigraph at compile time,
so broken or unsupported shapes fail before any data is read.
"""

from __future__ import annotations

import dataclasses
from typing import Literal as Kind

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from awardgraph.graph.findings import Severity
from awardgraph.graph.shacl import sparql_text
from awardgraph.graph.shacl.exprs import TYPE_PATH, Expressions, Names
from awardgraph.graph.shacl.model import SET_PARAMETERS, Shapes, UnsupportedShape
from awardgraph.graph.shacl.paths import result_path, sparql_path
from awardgraph.graph.terms import sparql_iri, sparql_term

_EMPTY = ox.Store()


@dataclasses.dataclass(frozen=True)
class Check:
    """What one constraint reports: which shape, with which severity and message, on which path and value."""

    source: Node  # the shape holding the constraint (a property shape's blank node, or a node shape)
    component: str  # the SHACL parameter, e.g. "minCount", or "sparql"
    severity: Severity
    messages: tuple[Literal, ...]
    path: str | None
    value: Kind["value", "focus", "none"]


@dataclasses.dataclass(frozen=True)
class Query:
    """One query of the plan and how its rows turn into findings."""

    text: str
    owner: Node  # the shape with the targets
    value_checks: tuple[Check, ...] = ()  # rows with ?_k = i + 1
    focus_checks: tuple[Check, ...] = ()  # flags ?_c{i + 1}
    sparql: Check | None = None  # a SPARQL-based constraint: rows are its solutions


@dataclasses.dataclass(frozen=True)
class Plan:
    queries: tuple[Query, ...]
    shapes: Graph


class Focus:
    """The focus nodes of a shape as a group graph pattern body that binds ``?this``."""

    def __init__(self, body: str) -> None:
        self.body = body

    def pattern(self, var: str = "?this") -> str:
        head = "?this" if var == "?this" else f"(?this AS {var})"
        return f"{{ SELECT DISTINCT {head} WHERE {{ {self.body} }} }}"

    def values_of(self, path: str, depth: int) -> Focus:
        """The value nodes of ``path`` from these focus nodes, as the focus of a nested property shape."""
        var = f"?_f{depth}"
        return Focus(f"{self.pattern(var)} {var} {path} ?this")


def compile_shapes(graph: Graph) -> Plan:
    """Every query needed to validate data against ``graph``; raises :class:`UnsupportedShape` up front."""
    shapes = Shapes(graph)
    for node in shapes.all_shapes():
        shapes.check_supported(node)
    queries: list[Query] = []
    for shape in shapes.top_level():
        queries += _Unit(shapes, shape, Focus(_targets(shapes, shape)), 0).queries()
    for query in queries:
        try:
            _EMPTY.query(query.text)
        except SyntaxError as exc:
            raise UnsupportedShape(
                f"{shapes.name(query.owner)}: the compiled query does not parse ({exc.msg}):\n{query.text}"
            ) from None
    return Plan(tuple(queries), graph)


def _targets(shapes: Shapes, shape: Node) -> str:
    branches = []
    for target in shapes.targets(shape):
        if target.kind == "sparql":
            if shapes.one(target.value, "select") is None:
                raise UnsupportedShape(f"{shapes.name(shape)} has a sh:target that is not a SPARQL target")
            if shapes.deactivated(target.value):
                continue
            text = shapes.sparql_of(target.value, shape)
            select = sparql_text.target_query(text.select, text.prefixes, _shape_values(shape), shapes.name(shape))
            branches.append(f"{{ {{ {select} }} }}")
        elif target.kind == "node":
            if not isinstance(target.value, URIRef | Literal):
                raise UnsupportedShape(f"{shapes.name(shape)}: a blank node sh:targetNode cannot be compiled")
            branches.append(f"{{ VALUES ?this {{ {sparql_term(target.value)} }} }}")
        else:
            if not isinstance(target.value, URIRef):
                raise UnsupportedShape(f"{shapes.name(shape)}: sh:target{target.kind} needs an IRI")
            iri = sparql_iri(str(target.value))
            branches.append(
                {
                    "class": f"{{ ?this {TYPE_PATH} {iri} }}",
                    "subjectsOf": f"{{ ?this {iri} ?_o }}",
                    "objectsOf": f"{{ ?_s {iri} ?this }}",
                }[target.kind]
            )
    return " UNION ".join(branches) or "FILTER (false)"


def _shape_values(shape: Node, path: str | None = None) -> dict[str, str]:
    values = {"currentShape": sparql_iri(str(shape))} if isinstance(shape, URIRef) else {}
    return values | ({"PATH": path} if path is not None else {})


class _Unit:
    """The queries of one shape with targets (or of a property shape nested in a property shape)."""

    def __init__(self, shapes: Shapes, root: Node, focus: Focus, depth: int) -> None:
        self.shapes, self.root, self.focus, self.depth = shapes, root, focus, depth
        self.expressions = Expressions(shapes, Names())
        self.value_checks: list[tuple[Check, str]] = []
        self.focus_checks: list[tuple[Check, str]] = []
        self.extra: list[Query] = []

    def queries(self) -> list[Query]:
        path = self.shapes.path(self.root)
        if path is None:
            self._node_shape(self.root)
        else:
            self._property_shape(self.root, path)
        combined = self._combined()
        return ([combined] if combined else []) + self.extra

    def _check(self, shape: Node, component: str, value: Kind["value", "focus", "none"]) -> Check:
        path = self.shapes.path(shape)
        messages = self.shapes.messages(shape)
        return Check(shape, component, self.shapes.severity(shape), messages, result_path(path), value)

    def _node_shape(self, shape: Node) -> None:
        for local, value in self.shapes.parameters(shape):
            condition = self.expressions.holds(shape, local, value, "?this")
            reported: Kind["focus", "none"] = "none" if local == "hasValue" else "focus"  # SHACL: no sh:value
            self.focus_checks.append((self._check(shape, local, reported), f"!{condition}"))
        for nested in self.shapes.values(shape, "property"):
            if not self.shapes.deactivated(nested):
                self._property_shape(nested, self.shapes.path(nested))
        self._sparql(shape, None)

    def _property_shape(self, shape: Node, path_node: Node | None) -> None:
        if path_node is None:
            raise UnsupportedShape(f"{self.shapes.name(shape)} is used as a property shape but has no sh:path")
        path = sparql_path(self.shapes, path_node)
        for local, value in self.shapes.parameters(shape):
            if local in ("equals", "disjoint"):
                self._pair(shape, local, value, path)
            elif local in SET_PARAMETERS:
                if local == "uniqueLang" and value != Literal(True):
                    continue
                holds = self.expressions.set_holds(shape, local, value, "?this", path)
                self.focus_checks.append((self._check(shape, local, "none"), f"!{holds}"))
            else:
                holds = self.expressions.holds(shape, local, value, "?value")
                self.value_checks.append((self._check(shape, local, "value"), f"?this {path} ?value FILTER (!{holds})"))
        for nested in self.shapes.values(shape, "property"):
            if not self.shapes.deactivated(nested):
                focus = self.focus.values_of(path, self.depth + 1)
                self.extra += _Unit(self.shapes, nested, focus, self.depth + 1).queries()
        self._sparql(shape, path)

    def _pair(self, shape: Node, local: str, other_node: Node, path: str) -> None:
        if not isinstance(other_node, URIRef):
            raise UnsupportedShape(f"{self.shapes.name(shape)}: sh:{local} needs an IRI")
        other = sparql_iri(str(other_node))
        check = self._check(shape, local, "value")
        if local == "disjoint":
            self.value_checks.append((check, f"?this {path} ?value . ?this {other} ?value"))
            return
        self.value_checks.append((check, f"?this {path} ?value FILTER NOT EXISTS {{ ?this {other} ?value }}"))
        self.value_checks.append((check, f"?this {other} ?value FILTER NOT EXISTS {{ ?this {path} ?value }}"))

    def _sparql(self, shape: Node, path: str | None) -> None:
        for constraint in self.shapes.values(shape, "sparql"):
            if self.shapes.deactivated(constraint):
                continue
            text = self.shapes.sparql_of(constraint, shape)
            query = sparql_text.constraint_query(
                text.select, text.prefixes, self.focus.pattern(), _shape_values(shape, path), self.shapes.name(shape)
            )
            messages = self.shapes.messages(constraint) or self.shapes.messages(shape)
            kind: Kind["value", "focus"] = "value" if path is not None else "focus"  # ?value, else the focus node
            check = dataclasses.replace(self._check(shape, "sparql", kind), messages=messages)
            self.extra.append(Query(query, self.root, sparql=check))

    def _combined(self) -> Query | None:
        if not self.value_checks and not self.focus_checks:
            return None
        branches = [f"{{ {pattern} BIND ({i} AS ?_k) }}" for i, (_, pattern) in enumerate(self.value_checks, 1)]
        flags = [f"?_c{i}" for i in range(1, len(self.focus_checks) + 1)]
        lines = [f"SELECT DISTINCT ?this ?value ?_k {' '.join(flags)} WHERE {{", f"  {self.focus.pattern()}"]
        if branches and not flags:
            lines.append("  " + "\n  UNION ".join(branches))
        else:
            if branches:
                lines.append("  OPTIONAL {\n    " + "\n    UNION ".join(branches) + "\n  }")
            for flag, (_, condition) in zip(flags, self.focus_checks, strict=True):
                lines.append(f"  BIND (COALESCE({condition}, false) AS {flag})")
            lines.append(f"  FILTER ({' || '.join(['BOUND(?_k)', *flags])})")
        lines.append("}")
        return Query(
            "\n".join(lines),
            self.root,
            value_checks=tuple(c for c, _ in self.value_checks),
            focus_checks=tuple(c for c, _ in self.focus_checks),
        )
