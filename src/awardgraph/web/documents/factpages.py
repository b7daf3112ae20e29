"""What the page of a named graph and the page of a source show besides their own description: the statements a
graph holds, labelled and linked in the reader's language, above its quote; the assertions a source backs, as their
quotes in source order (f01 … f60), each linked to its graph's page.

Both lists can be long (a curated graph of every label, a source behind thousands of graphs), so each is shown one
page at a time (``?statements-page=N``, ``?assertions-page=N``). They are offered to ``resource.html`` as template
functions, like the pictures; the view only folds the page numbers into the ETag (:data:`PARAMETERS`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Generic, TypeVar
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, request

from awardgraph import queries
from awardgraph.namespaces import prefixes
from awardgraph.store.base import Term
from awardgraph.web import respond
from awardgraph.web.documents import disputes, present
from awardgraph.web.documents.documents import Paging
from awardgraph.web.errors import Problem
from awardgraph.web.site import served, settings, term_labels
from awardgraph.web.state import Build

bp = Blueprint("factpages", __name__)

STATEMENTS_PARAMETER, STATEMENTS_PAGE = "statements-page", 200  # as graph-statements.rq's LIMIT
ASSERTIONS_PARAMETER, ASSERTIONS_PAGE = "assertions-page", 200  # as source-assertions.rq's LIMIT
PARAMETERS = (STATEMENTS_PARAMETER, ASSERTIONS_PARAMETER)
PROV_DERIVED_FROM = "http://www.w3.org/ns/prov#wasDerivedFrom"

T = TypeVar("T")


@dataclasses.dataclass(frozen=True)
class Listing(Generic[T]):
    """One page of a list, with links to its neighbours (``first``, ``prev``, ``next``, ``last``)."""

    items: tuple[T, ...]
    paging: Paging
    pages: Mapping[str, str]


@dataclasses.dataclass(frozen=True)
class Statement:
    """One statement of a graph as shown; ``disputes`` are the records of a disagreement about its value."""

    subject: present.Node
    prop: present.Node
    value: present.Node
    disputes: tuple[present.Node, ...] = ()


@dataclasses.dataclass(frozen=True)
class SourcedAssertion:
    """One graph a source backs: the link to its page, its status, its quotes, its comment (shown when no quote)."""

    graph: present.Node
    status: present.Node | None
    quotes: tuple[present.Node, ...]
    comment: present.Node | None
    disputes: tuple[present.Node, ...] = ()


def graph_listing(build: Build, graph: str, lang: str, page: int) -> Listing[Statement]:
    """Page ``page`` of the statements in ``graph``; a 404 past the last page."""
    base = settings().base_iri
    paging = _paging(build, "graph-statement-count", page, STATEMENTS_PAGE, graph=graph)
    window = queries.Window.page(page, STATEMENTS_PAGE)
    rows = queries.select(build.store, "graph-statements", window, base_iri=base, graph=graph)
    labels: dict[str, dict[str, str]] = {}
    found: dict[tuple[str, str, str], tuple[Term, ox.NamedNode, Term]] = {}
    for row in rows:
        s, p, o = row["s"], row["p"], row["o"]
        assert isinstance(p, ox.NamedNode)
        found.setdefault((str(s), str(p), str(o)), (s, p, o))
        _add_label(labels, s, row["sLabel"])
        _add_label(labels, o, row["oLabel"])
    p = _presenter(build, lang, labels)
    contested = disputes.contested(build)
    return Listing(
        tuple(
            Statement(
                _node(p, s),
                p.node(prop),
                _node(p, o),
                tuple(p.node(ox.NamedNode(r)) for r in contested.get((_iri(s), prop.value), ())),
            )
            for s, prop, o in sorted(found.values(), key=_statement_order)
        ),
        paging,
        _pages(STATEMENTS_PARAMETER, paging),
    )


def source_listing(build: Build, source: str, lang: str, page: int) -> Listing[SourcedAssertion]:
    """Page ``page`` of the assertions derived from ``source``, in source order; a 404 past the last page."""
    base = settings().base_iri
    paging = _paging(build, "source-assertion-count", page, ASSERTIONS_PAGE, this=source)
    window = queries.Window.page(page, ASSERTIONS_PAGE)
    rows = queries.select(build.store, "source-assertions", window, base_iri=base, this=source)
    found: dict[str, dict[str, set[Term]]] = {}
    for row in rows:
        info = found.setdefault(str(row["g"].value), {"status": set(), "quote": set(), "comment": set()})
        for name in info:
            if row[name] is not None:
                info[name].add(row[name])
    p = _presenter(build, lang, {})
    disputed = disputes.disputed_graphs(build)
    items = []
    for graph, info in found.items():
        comments = {c.language or "": c for c in info["comment"] if isinstance(c, ox.Literal)}
        comment = comments.get(lang) or next((comments[k] for k in sorted(comments)), None)
        status = min(info["status"], key=str, default=None)
        shown = dataclasses.replace(p.node(ox.NamedNode(graph)), text=graph.rsplit("/", 1)[-1])
        items.append(
            SourcedAssertion(
                shown,
                p.node(status) if isinstance(status, ox.NamedNode) else None,
                tuple(p.node(q) for q in sorted(info["quote"], key=str) if isinstance(q, ox.Literal)),
                p.node(comment) if comment is not None else None,
                tuple(p.node(ox.NamedNode(r)) for r in disputed.get(graph, ())),
            )
        )
    return Listing(tuple(items), paging, _pages(ASSERTIONS_PARAMETER, paging))


def _paging(build: Build, count_query: str, page: int, size: int, **bindings: str) -> Paging:
    rows = queries.select(build.store, count_query, base_iri=settings().base_iri, **bindings)
    total = int(rows[0]["n"].value) if rows else 0
    paging = Paging(page, total, size)
    if page > paging.last:
        raise Problem(404, f"This list has {paging.last} page(s), not {page}.")
    return paging


def _pages(parameter: str, paging: Paging) -> dict[str, str]:
    """Links to the neighbouring pages of one list, keeping the request's other parameters."""
    if not paging.paged:
        return {}
    others = [(k, v) for k, v in request.args.items(multi=True) if k != parameter]

    def url(number: int) -> str:
        args = others + ([(parameter, str(number))] if number > 1 else [])
        return f"{request.path}?{urlencode(args)}" if args else request.path

    return {rel: url(number) for rel, number in paging.neighbours().items()}


def _statement_order(statement: tuple[Term, ox.NamedNode, Term]) -> tuple[bool, str, str, bool, str]:
    """The page's order, as graph-statements.rq's, with blank nodes ordered by what they say: each store labels
    them its own way, and the query leaves ties among them in the store's order."""
    s, p, o = statement
    blank_s, blank_o = isinstance(s, ox.BlankNode), isinstance(o, ox.BlankNode)
    return (blank_s, "" if blank_s else str(s), str(p), blank_o, "" if blank_o else str(o))


def _add_label(labels: dict[str, dict[str, str]], term: object, label: object) -> None:
    if isinstance(term, ox.NamedNode) and isinstance(label, ox.Literal):
        labels.setdefault(term.value, {}).setdefault(label.language or "", label.value)


def _presenter(build: Build, lang: str, labels: Mapping[str, Mapping[str, str]]) -> present.Presenter:
    base = settings().base_iri
    index = {k: dict(v) for k, v in term_labels(build).items()} | disputes.record_labels(build)
    index |= {k: dict(v) for k, v in labels.items()}
    return present.Presenter(base_iri=base, lang=lang, labels=index, prefixes=prefixes(base))


def _iri(term: Term) -> str:
    return term.value if isinstance(term, ox.NamedNode) else ""


def _node(p: present.Presenter, term: Term) -> present.Node:
    """A blank node (rare in this data) is shown as its local name: a graph's page lists statements one by one."""
    if isinstance(term, ox.BlankNode):
        return present.Node(f"_:{term.value}", "literal")
    if isinstance(term, ox.NamedNode | ox.Literal):
        return p.node(term)
    return present.Node(str(term), "literal")


def _shown(
    prefix: str, lister: Callable[[Build, str, str, int], Listing[T]], iri: str, param: str
) -> Listing[T] | None:
    if not iri.startswith(f"{settings().base_iri}{prefix}"):
        return None
    return lister(served(), iri, respond.page_lang(), respond.page_number(param))


@bp.app_template_global()
def graph_statements(iri: str) -> Listing[Statement] | None:
    """The statements of the named graph ``iri`` for its page, or ``None`` when ``iri`` is not a graph's."""
    return _shown("graph/", graph_listing, iri, STATEMENTS_PARAMETER)


@bp.app_template_global()
def source_assertions(iri: str) -> Listing[SourcedAssertion] | None:
    """The assertions derived from the source ``iri`` for its page, or ``None`` when ``iri`` is not a source."""
    return _shown("id/source/", source_listing, iri, ASSERTIONS_PARAMETER)


@bp.app_template_global()
def without_assertions(
    groups: tuple[present.InboundGroup, ...], listing: Listing[SourcedAssertion] | None
) -> tuple[present.InboundGroup, ...]:
    """A source page's "referenced by" groups without the graphs derived from it, which ``listing`` shows as
    quotes (what else derives from the source, such as the dataset, stays)."""
    if listing is None:
        return groups
    graphs = f"{settings().base_iri}graph/"
    kept = []
    for g in groups:
        if g.prop.iri == PROV_DERIVED_FROM:
            subjects = tuple(s for s in g.subjects if not (s.iri or "").startswith(graphs))
            g = present.InboundGroup(g.prop, subjects, max(g.total - listing.paging.total, len(subjects)))
        if g.subjects:
            kept.append(g)
    return tuple(kept)


def page_numbers() -> tuple[str, ...]:
    """This request's page of each list (checked: a 400 for a bad one), for the ETag of the page showing them."""
    return tuple(str(respond.page_number(p)) for p in PARAMETERS)
