"""Turn triples into what an HTML page shows: labelled, linked, grouped values. Pure: no Flask, no store.

Templates get plain objects (:class:`Node`, :class:`Row`, ...) and escape every string themselves (Jinja's
autoescaping); nothing here produces markup.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence

import pyoxigraph as ox

from awardgraph.web import i18n, paths
from awardgraph.web.documents.documents import RDF_TYPE, Assertion, Description

LABELS = (
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://schema.org/name",
    "http://xmlns.com/foaf/0.1/name",
    "http://purl.org/dc/terms/title",
)
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

LabelIndex = dict[str, dict[str, str]]  # IRI -> language ("" for none) -> label


@dataclasses.dataclass(frozen=True)
class Node:
    """One RDF term as shown: text, link (local for IRIs under the base), and nested rows for a blank node."""

    text: str
    kind: str  # "iri", "literal" or "bnode"
    href: str | None = None
    iri: str | None = None
    lang: str | None = None
    datatype: str | None = None
    rows: tuple[Row, ...] = ()

    @property
    def external(self) -> bool:
        return self.href is not None and not self.href.startswith("/")


@dataclasses.dataclass(frozen=True)
class Value:
    node: Node
    assertions: tuple[AssertionView, ...] = ()


@dataclasses.dataclass(frozen=True)
class Row:
    prop: Node
    values: tuple[Value, ...]


@dataclasses.dataclass(frozen=True)
class AssertionView:
    graph: Node
    status: Node | None
    quotes: tuple[Node, ...]
    sources: tuple[Node, ...]


@dataclasses.dataclass(frozen=True)
class InboundGroup:
    prop: Node
    subjects: tuple[Node, ...]
    total: int


@dataclasses.dataclass(frozen=True)
class ResourcePage:
    iri: str
    title: str
    types: tuple[Node, ...]
    rows: tuple[Row, ...]
    inbound: tuple[InboundGroup, ...]
    inbound_shown: int
    inbound_total: int


def label_index(triples: Iterable[ox.Triple], extra: Mapping[str, Mapping[str, str]] | None = None) -> LabelIndex:
    """Labels by IRI and language from ``triples`` (rdfs:label, skos:prefLabel, schema:name, ...), then ``extra``."""
    index: LabelIndex = {k: dict(v) for k, v in (extra or {}).items()}
    for t in triples:
        if (
            str(t.predicate.value) in LABELS
            and isinstance(t.object, ox.Literal)
            and isinstance(t.subject, ox.NamedNode)
        ):
            index.setdefault(t.subject.value, {}).setdefault(t.object.language or "", t.object.value)
    return index


class Presenter:
    """Shows terms for one page: in one language, with local links, CURIEs where no label exists."""

    def __init__(self, *, base_iri: str, lang: str, labels: LabelIndex, prefixes: Mapping[str, str]) -> None:
        self.base, self.lang, self.labels = base_iri, lang, labels
        self.prefixes = sorted(prefixes.items(), key=lambda kv: -len(kv[1]))

    def curie(self, iri: str) -> str:
        for prefix, namespace in self.prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    def label(self, iri: str) -> str:
        return i18n.pick(self.labels.get(iri, {}), self.lang) or self.curie(iri)

    def node(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple, rows: tuple[Row, ...] = ()) -> Node:
        if isinstance(term, ox.NamedNode):
            iri = term.value
            return Node(self.label(iri), "iri", paths.href(iri, self.base), iri)
        if isinstance(term, ox.Literal):
            datatype = term.datatype.value
            shown = None if datatype in (XSD_STRING, RDF_LANG_STRING) else self.curie(datatype)
            return Node(term.value, "literal", lang=term.language, datatype=shown)
        if isinstance(term, ox.BlankNode):
            return Node("", "bnode", rows=rows)
        return Node(str(term), "literal")

    def assertion(self, a: Assertion) -> AssertionView:
        status = self.node(ox.NamedNode(a.status)) if a.status else None
        quotes = tuple(self.node(q) for q in a.quotes)
        return AssertionView(
            self.node(ox.NamedNode(a.graph)), status, quotes, tuple(self.node(ox.NamedNode(s)) for s in a.sources)
        )

    def rows(
        self,
        subject: ox.NamedNode | ox.BlankNode,
        by_subject: Mapping[str, Sequence[ox.Triple]],
        provenance: Mapping[tuple[str, str], Sequence[Assertion]],
        *,
        skip: Iterable[str] = (),
        depth: int = 0,
    ) -> tuple[Row, ...]:
        """The properties of ``subject`` grouped by predicate, blank-node values shown inline (three levels)."""
        grouped: dict[str, list[Value]] = {}
        skipped = set(skip)
        for t in by_subject.get(str(subject), ()):
            predicate = t.predicate.value
            if predicate in skipped:
                continue
            nested: tuple[Row, ...] = ()
            if isinstance(t.object, ox.BlankNode) and depth < 3:
                nested = self.rows(t.object, by_subject, provenance, depth=depth + 1)
            found = provenance.get((predicate, str(t.object)), ()) if depth == 0 else ()
            value = Value(self.node(t.object, nested), tuple(self.assertion(a) for a in found))
            grouped.setdefault(predicate, []).append(value)
        rows = [
            Row(
                self.node(ox.NamedNode(p)),
                tuple(sorted(values, key=lambda v: (v.node.text.lower(), v.node.lang or ""))),
            )
            for p, values in grouped.items()
        ]
        return tuple(sorted(rows, key=lambda r: (r.prop.text.lower(), r.prop.iri or "")))


def by_subject(triples: Iterable[ox.Triple]) -> dict[str, list[ox.Triple]]:
    index: dict[str, list[ox.Triple]] = {}
    for t in triples:
        index.setdefault(str(t.subject), []).append(t)
    return index


def resource_page(description: Description, presenter: Presenter) -> ResourcePage:
    """The page of one resource: title, types, properties with provenance, and what points at it."""
    this = ox.NamedNode(description.iri)
    index = by_subject([*description.triples, *description.claims])  # outside claims too, each shown with its graph
    own = index.get(str(this), [])
    types = tuple(sorted((presenter.node(t.object) for t in own if t.predicate == RDF_TYPE), key=lambda n: n.text))
    rows = presenter.rows(this, index, description.provenance, skip=[RDF_TYPE.value])
    inbound: dict[str, list[Node]] = {}
    own_iris = {description.iri, description.document}
    for t in description.triples:
        if t.object == this and isinstance(t.subject, ox.NamedNode) and t.subject.value not in own_iris:
            inbound.setdefault(t.predicate.value, []).append(presenter.node(t.subject))
    groups = tuple(
        sorted(
            (
                InboundGroup(
                    presenter.node(ox.NamedNode(p)),
                    tuple(sorted(nodes, key=lambda n: n.text.lower())),
                    description.inbound_counts.get(p, len(nodes)),
                )
                for p, nodes in inbound.items()
            ),
            key=lambda g: g.prop.text.lower(),
        )
    )
    shown = sum(len(g.subjects) for g in groups)
    return ResourcePage(
        description.iri,
        presenter.label(description.iri),
        types,
        rows,
        groups,
        shown,
        max(description.inbound_total, shown),
    )
