"""The SHACL shapes as documentation: every node shape with its targets, constraints, property shapes (path,
constraints, messages in Polish and English) and severity. Pure: triples in, plain objects out (no Flask, no store).

Paths are written the way SPARQL property paths are (``^schema:superEvent``, ``ag:a/ag:b``, ``(ag:a|ag:b)*``),
each property in them linked; RDF lists show as lists and blank nodes (``sh:or`` members, a ``sh:target``, a
``sh:sparql`` constraint) as their own constraints, nested.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

import pyoxigraph as ox

from awardgraph.web import i18n, paths
from awardgraph.web.documents import present

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
TARGETS = tuple(
    f"{SH}{name}" for name in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")
)
MESSAGES = (f"{SH}message", f"{SH}name", f"{SH}description")
COMMENTS = (f"{RDFS}comment", f"{RDFS}label")
NOT_CONSTRAINTS = {f"{RDF}type", f"{SH}property", f"{SH}severity", f"{SH}path", *TARGETS, *MESSAGES, *COMMENTS}
PATH_SUFFIXES = {f"{SH}zeroOrMorePath": "*", f"{SH}oneOrMorePath": "+", f"{SH}zeroOrOnePath": "?"}
CLASSES = {f"{RDFS}Class", f"{OWL}Class"}
MAX_DEPTH = 8
LANGUAGE_ORDER = {"pl": 0, "en": 1}

Subject = ox.NamedNode | ox.BlankNode
Object = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclasses.dataclass(frozen=True)
class Value:
    """A constraint's value: a term (``node``), an RDF list (``items``) or a blank node's statements (``parts``)."""

    node: present.Node | None = None
    items: tuple[Value, ...] = ()
    parts: tuple[Constraint, ...] = ()

    @property
    def kind(self) -> str:
        return "term" if self.node is not None else "list" if not self.parts else "nested"


@dataclasses.dataclass(frozen=True)
class Constraint:
    """One parameter of a shape (``sh:minCount``, ``sh:class``, ...) with its values."""

    name: present.Node
    values: tuple[Value, ...]


@dataclasses.dataclass(frozen=True)
class PropertyShape:
    path: tuple[present.Node, ...]  # operators are nodes of kind "op"
    constraints: tuple[Constraint, ...]
    messages: tuple[present.Node, ...]  # sh:message, sh:name, sh:description, Polish and English first
    severity: present.Node | None


@dataclasses.dataclass(frozen=True)
class NodeShape:
    iri: str
    anchor: str
    comment: str | None
    targets: tuple[Constraint, ...]
    constraints: tuple[Constraint, ...]
    properties: tuple[PropertyShape, ...]
    messages: tuple[present.Node, ...]
    severity: present.Node | None


@dataclasses.dataclass(frozen=True)
class ShapesGraph:
    """The shapes graph itself (``{base}shapes``, an ``owl:Ontology``), when it describes itself."""

    iri: str
    title: str | None
    comment: str | None
    versions: tuple[str, ...]
    imports: tuple[present.Node, ...]


class Documenter:
    """Documents the shapes in ``triples`` for one page (one language, local links, CURIEs)."""

    def __init__(self, triples: Iterable[ox.Triple], presenter: present.Presenter) -> None:
        self.p = presenter
        self.index: dict[str, list[ox.Triple]] = present.by_subject(triples)

    def own(self, subject: Subject) -> list[ox.Triple]:
        return self.index.get(str(subject), [])

    def objects(self, subject: Subject, predicate: str) -> list[Object]:
        return [t.object for t in self.own(subject) if t.predicate.value == predicate]  # type: ignore[misc]

    def term(self, term: Object) -> present.Node:
        """An IRI as its CURIE (linked on the site when under the base), a literal as it is."""
        if isinstance(term, ox.NamedNode):
            return present.Node(self.p.curie(term.value), "iri", paths.href(term.value, self.p.base), term.value)
        return self.p.node(term)

    def parameter(self, iri: str) -> present.Node:
        """A shape's parameter (``sh:minCount``) as its CURIE, not linked: the SHACL Recommendation defines them."""
        return present.Node(self.p.curie(iri), "iri", None, iri)

    def value(self, term: Object, depth: int = 0) -> Value:
        if not isinstance(term, ox.BlankNode):
            return Value(self.term(term))
        items = self.list_items(term)
        if items is not None:
            return Value(items=tuple(self.value(i, depth + 1) for i in items))
        if depth >= MAX_DEPTH:
            return Value(present.Node("…", "literal"))
        return Value(parts=self.constraints(term, skip=(), depth=depth + 1))

    def list_items(self, head: ox.BlankNode) -> list[Object] | None:
        """The members of the RDF list starting at ``head``, or ``None`` if it is not a well-formed list."""
        items: list[Object] = []
        node: Object = head
        seen: set[str] = set()
        while isinstance(node, ox.BlankNode) and str(node) not in seen:
            seen.add(str(node))
            first, rest = self.objects(node, f"{RDF}first"), self.objects(node, f"{RDF}rest")
            if len(first) != 1 or len(rest) != 1:
                return None
            items.append(first[0])
            node = rest[0]
        return items if node == ox.NamedNode(f"{RDF}nil") else None

    def constraints(self, subject: Subject, *, skip: Iterable[str], depth: int = 0) -> tuple[Constraint, ...]:
        grouped: dict[str, list[Object]] = {}
        skipped = set(skip)
        for t in self.own(subject):
            if t.predicate.value not in skipped:
                grouped.setdefault(t.predicate.value, []).append(t.object)  # type: ignore[arg-type]
        return tuple(
            Constraint(self.parameter(name), tuple(self.value(v, depth) for v in sorted(values, key=str)))
            for name, values in sorted(grouped.items(), key=lambda kv: (kv[0] != f"{RDF}type", self.p.curie(kv[0])))
        )

    def path(self, term: Object, depth: int = 0) -> list[present.Node]:
        """A SHACL property path as SPARQL property-path tokens (operators are nodes of kind ``op``)."""
        return self._path(term, depth)[0]

    def _path(self, term: Object, depth: int) -> tuple[list[present.Node], str]:
        """The tokens of a path and what binds it loosest: ``primary`` (an IRI, or in parentheses), ``unary``
        (``^p``, ``p*``) or ``sequence``; parentheses go where SPARQL's precedence needs them."""
        if not isinstance(term, ox.BlankNode) or depth >= MAX_DEPTH:
            return [self.term(term)], "primary"
        items = self.list_items(term)
        if items is not None:  # a sequence path
            return _joined([self._path(i, depth + 1)[0] for i in items], "/"), "sequence"
        for t in self.own(term):
            name, inner = t.predicate.value, t.object
            if name == f"{SH}alternativePath" and isinstance(inner, ox.BlankNode):
                members = [self._path(m, depth + 1)[0] for m in self.list_items(inner) or []]
                return [_op("("), *_joined(members, "|"), _op(")")], "primary"
            if name == f"{SH}inversePath" or name in PATH_SUFFIXES:
                tokens, binding = self._path(inner, depth + 1)  # type: ignore[arg-type]
                if binding == "sequence" or (binding == "unary" and name in PATH_SUFFIXES):
                    tokens = [_op("("), *tokens, _op(")")]
                if name == f"{SH}inversePath":
                    return [_op("^"), *tokens], "unary"
                return [*tokens, _op(PATH_SUFFIXES[name])], "unary"
        return [_op("[ ]")], "primary"

    def texts(self, subject: Subject, predicates: Sequence[str]) -> tuple[present.Node, ...]:
        found = [t.object for t in self.own(subject) if t.predicate.value in predicates]
        literals = [o for o in found if isinstance(o, ox.Literal)]
        literals.sort(key=lambda lit: (LANGUAGE_ORDER.get(lit.language or "", 2), lit.language or "", lit.value))
        return tuple(self.p.node(lit) for lit in literals)

    def severity(self, subject: Subject) -> present.Node | None:
        found = self.objects(subject, f"{SH}severity")
        return self.term(found[0]) if found else None

    def property_shape(self, shape: Object) -> PropertyShape:
        if not isinstance(shape, ox.NamedNode | ox.BlankNode):
            return PropertyShape((self.term(shape),), (), (), None)
        paths_found = self.objects(shape, f"{SH}path")
        path = self.path(paths_found[0]) if paths_found else [_op("?")]
        constraints = self.constraints(shape, skip=NOT_CONSTRAINTS)
        return PropertyShape(tuple(path), constraints, self.texts(shape, MESSAGES), self.severity(shape))

    def node_shape(self, shape: Subject) -> NodeShape:
        targets = list(self.constraints(shape, skip=set(self._predicates(shape)) - set(TARGETS)))
        types = {o.value for o in self.objects(shape, f"{RDF}type") if isinstance(o, ox.NamedNode)}
        if types & CLASSES:  # a shape that is also a class targets its own instances (SHACL 2.1.3.3)
            targets.append(Constraint(self.parameter(f"{SH}targetClass"), (Value(self.term(shape)),)))
        properties = sorted(
            (self.property_shape(s) for s in self.objects(shape, f"{SH}property")),
            key=lambda ps: ("".join(n.text for n in ps.path), [c.name.text for c in ps.constraints]),
        )
        iri = shape.value if isinstance(shape, ox.NamedNode) else str(shape)
        return NodeShape(
            iri,
            _anchor(iri),
            self.text(shape, f"{RDFS}comment"),
            tuple(targets),
            self.constraints(shape, skip=NOT_CONSTRAINTS),
            tuple(properties),
            self.texts(shape, MESSAGES),
            self.severity(shape),
        )

    def _predicates(self, subject: Subject) -> list[str]:
        return [t.predicate.value for t in self.own(subject)]

    def node_shapes(self) -> list[NodeShape]:
        """Every node shape: typed ``sh:NodeShape``, or with a target and no ``sh:path``; named ones, and blank
        ones nothing points at (nested shapes are shown where they are used)."""
        pointed_at = {str(t.object) for ts in self.index.values() for t in ts if isinstance(t.object, ox.BlankNode)}
        found: list[NodeShape] = []
        for own in self.index.values():
            subject = own[0].subject
            if not isinstance(subject, ox.NamedNode | ox.BlankNode) or str(subject) in pointed_at:
                continue
            predicates = {t.predicate.value for t in own}
            types = {t.object for t in own if t.predicate.value == f"{RDF}type"}
            is_shape = ox.NamedNode(f"{SH}NodeShape") in types or (
                bool(predicates & set(TARGETS)) and f"{SH}path" not in predicates
            )
            if is_shape:
                found.append(self.node_shape(subject))
        return sorted(found, key=lambda s: (s.anchor.lower(), s.iri))

    def shapes_graph(self, iri: str) -> ShapesGraph | None:
        subject = ox.NamedNode(iri)
        own = self.own(subject)
        if not own:
            return None
        versions = tuple(sorted(o.value for o in self.objects(subject, f"{OWL}versionInfo")))
        imports = tuple(self.p.node(o) for o in self.objects(subject, f"{OWL}imports"))
        return ShapesGraph(
            iri, self.text(subject, f"{RDFS}label"), self.text(subject, f"{RDFS}comment"), versions, imports
        )

    def text(self, subject: Subject, predicate: str) -> str | None:
        """The value of ``predicate`` in the page's language (else the other one, else any)."""
        texts = {o.language or "": o.value for o in self.objects(subject, predicate) if isinstance(o, ox.Literal)}
        return i18n.pick(texts, self.p.lang)


def _op(text: str) -> present.Node:
    return present.Node(text, "op")


def _joined(parts: list[list[present.Node]], separator: str) -> list[present.Node]:
    tokens: list[present.Node] = []
    for number, part in enumerate(parts):
        if number:
            tokens.append(_op(separator))
        tokens += part
    return tokens


def _anchor(iri: str) -> str:
    """The fragment a shape is found under on the page (``{base}shapes#EntityShape`` -> ``EntityShape``)."""
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rstrip("/").rsplit("/", 1)[-1]
