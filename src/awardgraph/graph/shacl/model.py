"""The shapes graph as the compiler reads it: shapes, their parameters, targets, messages and severities.

Anything the SPARQL engine cannot run is refused here, naming the shape and the feature, so that no constraint is
ever skipped silently (``awardgraph validate --engine pyshacl`` runs every SHACL feature, slowly).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from typing import Literal as Kind

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from awardgraph.graph.findings import Severity


class UnsupportedShape(Exception):
    """The shapes use something the SPARQL engine does not implement; the message names the shape and feature."""


#: parameters checked value node by value node (on a node shape the value node is the focus node itself)
VALUE_PARAMETERS = (
    "class",
    "datatype",
    "nodeKind",
    "pattern",
    "languageIn",
    "in",
    "minInclusive",
    "maxInclusive",
    "minExclusive",
    "maxExclusive",
    "minLength",
    "maxLength",
    "node",
    "or",
    "and",
    "not",
    "xone",
)
#: parameters about the set of values of a property shape as a whole
SET_PARAMETERS = ("minCount", "maxCount", "hasValue", "uniqueLang", "qualifiedValueShape", "equals", "disjoint")
#: read together with another parameter, or not constraints at all
_COMPANIONS = {"flags", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint"}
_ANNOTATIONS = {
    "message",
    "severity",
    "deactivated",
    "name",
    "description",
    "order",
    "group",
    "defaultValue",
    "path",
    "targetClass",
    "targetNode",
    "targetSubjectsOf",
    "targetObjectsOf",
    "target",
    "property",
    "sparql",
    "declare",
    "prefixes",
}
_KNOWN = set(VALUE_PARAMETERS) | set(SET_PARAMETERS) | _COMPANIONS | _ANNOTATIONS
_SEVERITIES = {SH.Violation: Severity.VIOLATION, SH.Warning: Severity.WARNING, SH.Info: Severity.INFO}
_SHAPE_REFERENCES = (SH.property, SH.node, SH.qualifiedValueShape, SH["not"])
_SHAPE_LISTS = (SH["or"], SH["and"], SH.xone)


@dataclasses.dataclass(frozen=True)
class Target:
    """One way a shape selects focus nodes: a class, a node, subjects or objects of a property, or a query."""

    kind: Kind["class", "node", "subjectsOf", "objectsOf", "sparql"]
    value: Node  # the class, node or property; for "sparql" the sh:target node (see :meth:`Shapes.sparql_of`)


@dataclasses.dataclass(frozen=True)
class SparqlText:
    """The query of a SPARQL-based target or constraint and the prefixes declared for it (``sh:prefixes``)."""

    select: str
    prefixes: dict[str, str]


class Shapes:
    """Read access to a shapes graph, with the checks that make unsupported features an error."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph

    def name(self, node: Node) -> str:
        return f"<{node}>" if isinstance(node, URIRef) else f"a blank-node shape ({self._owner_hint(node)})"

    def _owner_hint(self, node: Node) -> str:
        owner = self.graph.value(None, SH.property, node)
        path = self.graph.value(node, SH.path)
        where = f"in <{owner}>" if isinstance(owner, URIRef) else "nested"
        return f"{where}, sh:path <{path}>" if isinstance(path, URIRef) else where

    def all_shapes(self) -> list[Node]:
        """Every node the graph uses as a shape: typed, targeting, or referenced from another shape."""
        found: set[Node] = set(self.graph.subjects(RDF.type, SH.NodeShape))
        found |= set(self.graph.subjects(RDF.type, SH.PropertyShape))
        for predicate in (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
            found |= set(self.graph.subjects(predicate, None))
        for predicate in _SHAPE_REFERENCES:
            found |= set(self.graph.objects(None, predicate))
        for predicate in _SHAPE_LISTS:
            for head in self.graph.objects(None, predicate):
                found |= set(self.items(head))
        return sorted(found, key=_order)

    def top_level(self) -> list[Node]:
        """The active shapes that select focus nodes themselves, in a stable order."""
        return [s for s in self.all_shapes() if self.targets(s) and not self.deactivated(s)]

    def check_supported(self, node: Node) -> None:
        """Raise :class:`UnsupportedShape` for a parameter the engine does not implement."""
        for predicate, value in self.graph.predicate_objects(node):
            if not (isinstance(predicate, URIRef) and str(predicate).startswith(str(SH))):
                continue
            local = str(predicate)[len(str(SH)) :]
            if local not in _KNOWN:
                raise UnsupportedShape(f"{self.name(node)} uses sh:{local}, which the sparql engine does not support")
            if local == "qualifiedValueShapesDisjoint" and value == Literal(True):
                raise UnsupportedShape(f"{self.name(node)} uses sh:qualifiedValueShapesDisjoint true (not supported)")
            if local == "uniqueLang" and value not in (Literal(True), Literal(False)):
                raise UnsupportedShape(f"{self.name(node)}: sh:uniqueLang must be true or false")
        if self.path(node) is None:
            for local in SET_PARAMETERS:
                if local != "hasValue" and self.values(node, local):
                    raise UnsupportedShape(f"{self.name(node)} is a node shape; sh:{local} needs a property shape")

    # -- reading -----------------------------------------------------------------------------------------------

    def values(self, node: Node, local: str) -> list[Node]:
        return sorted(self.graph.objects(node, SH[local]), key=_order)

    def one(self, node: Node, local: str) -> Node | None:
        found = self.values(node, local)
        if len(found) > 1:
            raise UnsupportedShape(f"{self.name(node)} has {len(found)} values of sh:{local}; expected one")
        return found[0] if found else None

    def integer(self, node: Node, local: str) -> int | None:
        value = self.one(node, local)
        if value is None:
            return None
        if not isinstance(value, Literal) or not isinstance(value.toPython(), int):
            raise UnsupportedShape(f"{self.name(node)}: sh:{local} must be an integer, got {value!r}")
        return int(value.toPython())

    def items(self, head: Node) -> list[Node]:
        if head == RDF.nil:
            return []
        if not isinstance(head, BNode | URIRef) or self.graph.value(head, RDF.first) is None:
            raise UnsupportedShape(f"expected an RDF list, got {head!r}")
        return list(Collection(self.graph, head))

    def path(self, node: Node) -> Node | None:
        return self.one(node, "path")

    def deactivated(self, node: Node) -> bool:
        return self.one(node, "deactivated") == Literal(True)

    def severity(self, node: Node) -> Severity:
        level = self.one(node, "severity")
        if level is None:
            return Severity.VIOLATION
        if level not in _SEVERITIES:
            raise UnsupportedShape(f"{self.name(node)} has severity {level!r}; use sh:Violation, sh:Warning or sh:Info")
        return _SEVERITIES[level]  # type: ignore[index]

    def messages(self, node: Node) -> tuple[Literal, ...]:
        return tuple(m for m in self.values(node, "message") if isinstance(m, Literal))

    def parameters(self, node: Node) -> Iterator[tuple[str, Node]]:
        """Every constraint parameter of ``node`` (value and set parameters), in a stable order."""
        for local in (*VALUE_PARAMETERS, *SET_PARAMETERS):
            for value in self.values(node, local):
                yield local, value

    def targets(self, node: Node) -> list[Target]:
        found = [
            Target(kind, value)  # type: ignore[arg-type]
            for kind in ("class", "node", "subjectsOf", "objectsOf")
            for value in self.values(node, "target" + kind[0].upper() + kind[1:])
        ]
        found += [Target("sparql", t) for t in self.values(node, "target")]
        if (node, RDF.type, RDFS.Class) in self.graph:  # an implicit class target
            found.append(Target("class", node))
        return found

    def sparql_of(self, node: Node, owner: Node) -> SparqlText:
        """The ``sh:select`` of a SPARQL target or constraint node, with its ``sh:prefixes`` declarations."""
        if (node, SH.ask, None) in self.graph:
            raise UnsupportedShape(f"{self.name(owner)} uses sh:ask; the sparql engine runs sh:select queries only")
        select = self.one(node, "select")
        if not isinstance(select, Literal):
            raise UnsupportedShape(f"{self.name(owner)} has a SPARQL target or constraint without sh:select")
        prefixes: dict[str, str] = {}
        for holder in self.values(node, "prefixes"):
            for declaration in self.values(holder, "declare"):
                prefix, namespace = self.one(declaration, "prefix"), self.one(declaration, "namespace")
                if prefix is None or namespace is None:
                    raise UnsupportedShape(f"a sh:declare of <{holder}> lacks sh:prefix or sh:namespace")
                prefixes[str(prefix)] = str(namespace)
        return SparqlText(str(select), prefixes)


PLACEHOLDER = re.compile(r"\{[?$]([\w\u00B7]+)\}")


def _order(node: Node) -> tuple[int, str]:
    return (0 if isinstance(node, URIRef) else 1, str(node))


def rule_of(graph: Graph, shape: Node | None) -> str:
    """The rule a finding names: the shape's IRI, or for an anonymous shape the shape that holds it."""
    if isinstance(shape, BNode):
        owner = graph.value(None, SH.property, shape) or graph.value(None, SH.sparql, shape)
        if owner is not None:
            return rule_of(graph, owner)
    return str(shape) if shape is not None else "shacl"


def group_of(graph: Graph, shape: Node | None) -> str | None:
    """What a shape's findings are grouped under when its message names each one's values (``{$this}``,
    ``{?value}``): the message with "…" for them. None for a message that is the same for every finding."""
    messages = [m for m in graph.objects(shape, SH.message) if isinstance(m, Literal)] if shape is not None else []
    template = choose_message(messages)
    return headline(template) if template else None


def headline(template: str) -> str | None:
    """``template`` with its ``{$var}``/``{?var}`` placeholders as "…", or None if it has none.

    >>> headline("{$this} ends ({?value}) before it starts")
    '… ends (…) before it starts'
    """
    text = PLACEHOLDER.sub("…", template)
    return text if text != template else None


def choose_message(messages: Iterator[Literal] | tuple[Literal, ...] | list[Literal]) -> str | None:
    """The English message, else an untagged one, else the first (as the report shows one text per finding)."""
    candidates = list(messages)
    for wanted in ("en", None):
        for message in candidates:
            if message.language == wanted:
                return str(message)
    return str(candidates[0]) if candidates else None
