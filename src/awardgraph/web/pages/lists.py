"""``/list/{class}``: the things of one class, paged in IRI order, as HTML, JSON or CSV.

Every class of the things under ``{base}id/`` has a list page; its slug is the class's CURIE in lowercase words
(``/list/schema-person``, see :func:`awardgraph.web.paths.class_slug`). ``?page=N`` picks a page of
:data:`PAGE_SIZE`; the query behind a page is ``queries/list.rq`` with that page's ``LIMIT``/``OFFSET``. A local
build answers it from the list index the build wrote (:class:`awardgraph.indexes.ListIndex`): a slice, not a
sort.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json

import pyoxigraph as ox
from flask import Blueprint, Response, current_app

from awardgraph import indexes, queries
from awardgraph.web import conneg, i18n, paths, respond
from awardgraph.web.documents import present
from awardgraph.web.documents.documents import Paging
from awardgraph.web.errors import Problem
from awardgraph.web.pages.classlist import ListedClass, classes, list_index
from awardgraph.web.site import presenter, served, settings
from awardgraph.web.state import Build

bp = Blueprint("lists", __name__)

PAGE_SIZE = 100
FORMATS = conneg.LIST


@dataclasses.dataclass(frozen=True)
class Item:
    iri: str
    document: str | None
    labels: dict[str, str]


@dataclasses.dataclass(frozen=True)
class Listing:
    """One page of one class's list."""

    cls: ListedClass
    items: list[Item]
    paging: Paging
    query: str


def listing(build: Build, cls: ListedClass, page: int) -> Listing:
    """Page ``page`` of the things of ``cls``, with their labels (a 404 :class:`Problem` past the last page)."""
    base = settings().base_iri
    paging = Paging(page, cls.count, PAGE_SIZE)
    if page > paging.last:
        raise Problem(404, f"The list of {cls.iri} has {paging.last} page(s), not {page}.")
    window = queries.Window.page(page, PAGE_SIZE)
    index = list_index(build)
    if index is not None:
        members = index.page(cls.iri, offset=window.offset, limit=window.limit)
        items = [Item(m.iri, paths.local_path(m.iri, base), _member_labels(m)) for m in members]
    else:
        rows = queries.select(build.store, "list", window, base_iri=base, **{"class": cls.iri})
        items = [Item(str(r["s"].value), paths.local_path(str(r["s"].value), base), _labels(r)) for r in rows]
    query = queries.standalone("list", window, base_iri=base, **{"class": cls.iri})
    return Listing(cls, items, paging, query)


def _member_labels(member: indexes.Member) -> dict[str, str]:
    found = {"pl": member.label_pl, "en": member.label_en, "": member.label}
    return {lang: label for lang, label in found.items() if label is not None}


def _labels(row: ox.QuerySolution) -> dict[str, str]:
    labels = {}
    for variable, lang in (("label_pl", "pl"), ("label_en", "en"), ("label", "")):
        term = row[variable]
        if isinstance(term, ox.Literal):
            labels[lang] = term.value
    return labels


@bp.get("/list/<name>")
def class_list(name: str) -> Response:
    """One page of the things of a class, negotiated: HTML, JSON or CSV."""
    build = served()
    slug, fixed = conneg.split_suffix(name, FORMATS)
    cls = classes(build, settings().base_iri).get(slug)
    if cls is None:
        raise Problem(404, f"No class of this dataset has a list called {slug!r}; the home page lists them all.")
    page = respond.page_number("page")
    urls = respond.alternates(cls.path, FORMATS, page=_page_query(page))
    fmt = respond.pick_format(FORMATS, fixed=fixed, urls=urls)
    lang = respond.page_lang()
    etag = respond.etag_for(build, fmt.key, lang if fmt is conneg.HTML else "", str(page))
    if (cached := respond.conditional(build, etag, content_location=urls[fmt.key], links=urls)) is not None:
        return cached
    found = listing(build, cls, page)
    pages = {rel: f"{cls.path}{fmt.suffix}{_page_query(n)}" for rel, n in found.paging.neighbours().items()}
    if fmt is conneg.HTML:
        body = _html(build, found, lang, urls)
    elif fmt is conneg.JSON:
        body = _json(found, pages)
    else:
        body = _csv(found)
    response = current_app.response_class(body, content_type=fmt.content_type)
    paged = pages if found.paging.paged else None
    return respond.finish(response, build, etag=etag, content_location=urls[fmt.key], links=urls, pages=paged)


def _page_query(page: int) -> str:
    return f"?page={page}" if page > 1 else ""


def _html(build: Build, found: Listing, lang: str, urls: dict[str, str]) -> str:
    p = presenter(build, [], lang)
    nodes = [
        present.Node(i18n.pick(item.labels, lang) or p.curie(item.iri), "iri", item.document, item.iri)
        for item in found.items
    ]
    pages = {rel: f"{found.cls.path}{_page_query(n)}" for rel, n in found.paging.neighbours().items()}
    return respond.html(
        "list.html",
        lang=lang,
        title=p.label(found.cls.iri),
        cls=p.node(ox.NamedNode(found.cls.iri)),
        listing=found,
        nodes=nodes,
        pages=pages if found.paging.paged else {},
        urls=urls,
        formats=FORMATS,
    )


def _json(found: Listing, pages: dict[str, str]) -> str:
    data = {
        "class": found.cls.iri,
        "total": found.paging.total,
        "page": found.paging.page,
        "pages": found.paging.last,
        "pageSize": found.paging.size,
        "links": pages,
        "query": found.query,
        "items": [
            {
                "iri": item.iri,
                "document": item.document,
                "label": i18n.pick(item.labels, i18n.DEFAULT),
                "labels": {k: v for k, v in item.labels.items() if k},
            }
            for item in found.items
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def _csv(found: Listing) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["iri", "document", "label_en", "label_pl"])
    for item in found.items:
        writer.writerow([item.iri, item.document or "", item.labels.get("en", ""), item.labels.get("pl", "")])
    return out.getvalue()
