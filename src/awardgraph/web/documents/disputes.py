"""Where sources disagree (``ag:Disagreement`` records, docs/data-model.md): read once per build, and shown on
every page that shows a value in dispute, so that no page places one side as fact.

A page about a thing shows the records about it and marks the properties in dispute; the page of a record, or of a
graph on one side of one, shows that record; each side comes with the values it gives, its status, quote and
source. :func:`contested` and :func:`disputed_graphs` let the graph and source pages and the timeline mark single
values and quotes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import pyoxigraph as ox
from flask import Blueprint

from awardgraph import queries
from awardgraph.namespaces import prefixes
from awardgraph.web import i18n, respond
from awardgraph.web.documents import present
from awardgraph.web.site import served, settings, term_labels
from awardgraph.web.state import Build

bp = Blueprint("disputes", __name__)

STATUS_ORDER = ("stated", "derived", "curated", "external")  # the page's own word first, the outside claims last
PROPERTY_ORDER = ("http://schema.org/startDate", "http://schema.org/endDate")  # a start before its end


@dataclasses.dataclass(frozen=True)
class Side:
    """One assertion (named graph) of a disagreement: its status, evidence, and the values it gives."""

    assertion: str
    status: str | None
    values: tuple[tuple[str, ox.Literal | ox.NamedNode], ...]  # (property, value)
    sources: tuple[str, ...] = ()
    quotes: tuple[ox.Literal, ...] = ()
    comments: tuple[ox.Literal, ...] = ()


@dataclasses.dataclass(frozen=True)
class Record:
    """One ``ag:Disagreement``: about which thing, on which properties, between which sides, and why."""

    iri: str
    about: str
    properties: tuple[str, ...]
    sides: tuple[Side, ...]
    labels: Mapping[str, str]
    comments: Mapping[str, str]

    @property
    def anchor(self) -> str:
        return "disagreement-" + self.iri.rstrip("/").rsplit("/", 1)[-1]


@dataclasses.dataclass(frozen=True)
class SideView:
    graph: present.Node
    status: present.Node | None
    values: tuple[tuple[present.Node, present.Node], ...]
    quotes: tuple[present.Node, ...]
    comment: present.Node | None
    sources: tuple[present.Node, ...]


@dataclasses.dataclass(frozen=True)
class RecordView:
    """A record as a page shows it, in the page's language."""

    record: present.Node
    anchor: str
    about: present.Node
    properties: tuple[present.Node, ...]
    comment: str | None
    comment_lang: str | None
    sides: tuple[SideView, ...]


@dataclasses.dataclass(frozen=True)
class Disputes:
    """The records a page shows, and which of its properties they put in dispute (property IRI -> records)."""

    records: tuple[RecordView, ...]
    by_property: Mapping[str, tuple[RecordView, ...]]


def records(build: Build) -> tuple[Record, ...]:
    """Every record of the build (a few: read once per build)."""
    return build.memo("disagreements", lambda: _read(build))


def contested(build: Build) -> dict[tuple[str, str], tuple[str, ...]]:
    """(thing, property) -> the records that put its value in dispute."""
    found: dict[tuple[str, str], list[str]] = {}
    for r in records(build):
        for prop in r.properties:
            found.setdefault((r.about, prop), []).append(r.iri)
    return {k: tuple(v) for k, v in found.items()}


def record_labels(build: Build) -> dict[str, dict[str, str]]:
    """Record -> its labels by language (to name the records other pages link to)."""
    return {r.iri: dict(r.labels) for r in records(build)}


def disputed_graphs(build: Build) -> dict[str, tuple[str, ...]]:
    """Named graph -> the records that name it as one side of a disagreement."""
    found: dict[str, list[str]] = {}
    for r in records(build):
        for side in r.sides:
            found.setdefault(side.assertion, []).append(r.iri)
    return {k: tuple(v) for k, v in found.items()}


@dataclasses.dataclass
class _Draft:
    """A record as its rows come in: properties and sides in first-seen order, each side's values."""

    about: str
    properties: dict[str, None] = dataclasses.field(default_factory=dict)
    sides: dict[str, list[tuple[str, ox.Literal | ox.NamedNode]]] = dataclasses.field(default_factory=dict)


def _read(build: Build) -> tuple[Record, ...]:
    drafts: dict[str, _Draft] = {}
    statuses: dict[str, str] = {}
    for row in queries.select(build.store, "disagreements", base_iri=settings().base_iri):
        record, assertion, prop = str(row["record"].value), str(row["assertion"].value), str(row["property"].value)
        draft = drafts.setdefault(record, _Draft(str(row["about"].value)))
        draft.properties.setdefault(prop)
        values = draft.sides.setdefault(assertion, [])
        if row["status"] is not None:
            statuses[assertion] = str(row["status"].value)
        value = row["value"]
        if isinstance(value, ox.Literal | ox.NamedNode) and (prop, value) not in values:
            values.append((prop, value))
    notes, texts = _notes(build), _texts(build)
    return tuple(
        Record(
            record,
            draft.about,
            tuple(sorted(draft.properties, key=_property_order)),
            tuple(
                sorted(
                    (
                        Side(
                            a,
                            statuses.get(a),
                            tuple(sorted(values, key=lambda v: _property_order(v[0]))),
                            *notes.get(a, ((), (), ())),
                        )
                        for a, values in draft.sides.items()
                    ),
                    key=_side_order,
                )
            ),
            *texts.get(record, ({}, {})),
        )
        for record, draft in drafts.items()
    )


def _property_order(prop: str) -> tuple[int, str]:
    return (PROPERTY_ORDER.index(prop) if prop in PROPERTY_ORDER else len(PROPERTY_ORDER), prop)


def _side_order(side: Side) -> tuple[int, str]:
    status = (side.status or "").rsplit("#", 1)[-1]
    rank = STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)
    return (rank, side.assertion)


def _notes(build: Build) -> dict[str, tuple[tuple[str, ...], tuple[ox.Literal, ...], tuple[ox.Literal, ...]]]:
    """Assertion -> (sources, quotes, comments), from graph/provenance."""
    found: dict[str, tuple[set[str], set[ox.Literal], set[ox.Literal]]] = {}
    for row in queries.select(build.store, "disagreement-sides", base_iri=settings().base_iri):
        sources, quotes, comments = found.setdefault(str(row["assertion"].value), (set(), set(), set()))
        if isinstance(row["source"], ox.NamedNode):
            sources.add(row["source"].value)
        if isinstance(row["quote"], ox.Literal):
            quotes.add(row["quote"])
        if isinstance(row["comment"], ox.Literal):
            comments.add(row["comment"])
    return {
        a: (tuple(sorted(s)), tuple(sorted(q, key=str)), tuple(sorted(c, key=str))) for a, (s, q, c) in found.items()
    }


def _texts(build: Build) -> dict[str, tuple[dict[str, str], dict[str, str]]]:
    """Record -> (labels by language, comments by language)."""
    found: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
    for row in queries.select(build.store, "disagreement-texts", base_iri=settings().base_iri):
        labels, comments = found.setdefault(str(row["record"].value), ({}, {}))
        for term, into in ((row["label"], labels), (row["comment"], comments)):
            if isinstance(term, ox.Literal):
                into.setdefault(term.language or "", term.value)
    return found


def view(build: Build, record: Record, lang: str) -> RecordView:
    """``record`` in ``lang``: every IRI labelled and linked, each side with its values and evidence."""
    base = settings().base_iri
    labels = {k: dict(v) for k, v in term_labels(build).items()}
    labels[record.iri] = dict(record.labels)
    labels.setdefault(record.about, _labels(build, record.about))
    p = present.Presenter(base_iri=base, lang=lang, labels=labels, prefixes=prefixes(base))
    comment = i18n.pick(record.comments, lang)
    comment_lang = next((k for k, v in record.comments.items() if v == comment and k), None)
    sides = tuple(
        SideView(
            dataclasses.replace(p.node(ox.NamedNode(s.assertion)), text=_short(s.assertion)),
            p.node(ox.NamedNode(s.status)) if s.status else None,
            tuple((p.node(ox.NamedNode(prop)), p.node(value)) for prop, value in s.values),
            tuple(p.node(q) for q in s.quotes),
            _pick(p, s.comments, lang),
            tuple(p.node(ox.NamedNode(src)) for src in s.sources),
        )
        for s in record.sides
    )
    props = tuple(p.node(ox.NamedNode(prop)) for prop in record.properties)
    about = p.node(ox.NamedNode(record.about))
    return RecordView(p.node(ox.NamedNode(record.iri)), record.anchor, about, props, comment, comment_lang, sides)


def _short(graph: str) -> str:
    """A graph's name as a page shows it among others: its path after ``graph/``."""
    return graph.split("/graph/", 1)[-1]


def _pick(p: present.Presenter, literals: tuple[ox.Literal, ...], lang: str) -> present.Node | None:
    chosen = i18n.pick({lit.language or "": lit.value for lit in literals}, lang)
    found = next((lit for lit in literals if lit.value == chosen), None)
    return p.node(found) if found is not None else None


def _labels(build: Build, iri: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for row in queries.select(build.store, "labels", base_iri=settings().base_iri, this=iri):
        if isinstance(row["label"], ox.Literal):
            names.setdefault(row["label"].language or "", row["label"].value)
    return names


def for_page(build: Build, iri: str, lang: str) -> Disputes:
    """The records the page of ``iri`` shows: the record itself, the records about the thing, or those naming the
    graph as a side."""
    shown = [r for r in records(build) if iri in (r.iri, r.about) or any(s.assertion == iri for s in r.sides)]
    views = tuple(view(build, r, lang) for r in shown)
    by_property: dict[str, list[RecordView]] = {}
    for r, v in zip(shown, views, strict=True):
        if r.about == iri:
            for prop in r.properties:
                by_property.setdefault(prop, []).append(v)
    return Disputes(views, {k: tuple(v) for k, v in by_property.items()})


@bp.app_template_global()
def disagreements(iri: str) -> Disputes:
    """The disagreements between sources the page of ``iri`` shows (none for most pages)."""
    return for_page(served(), iri, respond.page_lang())
