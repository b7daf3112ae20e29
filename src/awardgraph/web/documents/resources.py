"""Dereferenceable URIs: ``/id/...`` answers 303 to ``/doc/...``, which negotiates HTML and RDF; ``/graph/...``
serves a named graph with its provenance. Both take ``?inbound-page=N`` for the statements pointing at the thing
beyond the first page (see :mod:`awardgraph.web.documents.documents`). A retired identifier
(``dcterms:isReplacedBy`` in a curated graph) answers 301 Moved Permanently from ``/id/`` and ``/doc/`` to the same
path of its replacement.

The canonical IRIs come from the configured base (``{base}id/x`` is described by ``{base}doc/x``); the request's
host is never used to make one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, redirect, request

from awardgraph import queries
from awardgraph.web import conneg, paths, respond
from awardgraph.web.documents import documents, factpages, present
from awardgraph.web.errors import Problem
from awardgraph.web.site import presenter, served, settings
from awardgraph.web.state import Build

bp = Blueprint("resources", __name__)
QUADS = (conneg.TRIG, conneg.NQUADS)

Describer = Callable[[Build, bool, int, bool], documents.Description | None]  # build, html, page, quads


@bp.get("/id/<path:rest>")
def thing(rest: str) -> Response:
    """A thing is not a document: send the client to the document that describes it (303 See Other)."""
    base = settings().base_iri
    iri = paths.thing_iri(rest, base)
    moved = _moved(iri, paths.THING, "")
    if moved is not None:
        return moved
    if not _valid(iri) or not documents.exists(served(), iri, base):
        raise Problem(404, f"{iri} is not described in this dataset.", headers={"Vary": "Accept"})
    target = f"/doc/{rest}" + (f"?{request.query_string.decode('latin-1')}" if request.query_string else "")
    response = redirect(target, 303)
    response.headers["Vary"] = "Accept"
    return response  # type: ignore[return-value]


@bp.get("/doc/<path:rest>")
def document(rest: str) -> Response:
    """The document about ``{base}id/{rest}``, in the format the client asked for."""
    base = settings().base_iri
    rest, fixed = conneg.split_suffix(rest, conneg.RESOURCE)
    iri, doc = paths.thing_iri(rest, base), paths.document_iri(rest, base)
    moved = _moved(iri, paths.DOCUMENT, (fixed.suffix or "") if fixed is not None else "")
    if moved is not None:
        return moved
    return answer(
        iri,
        f"/doc/{rest}",
        fixed,
        lambda build, html, page, quads: (
            documents.describe(build, iri, base_iri=base, document=doc, for_page=html, page=page, quads=quads)
            if _valid(iri)
            else None
        ),
    )


@bp.get("/graph/<path:rest>")
def graph(rest: str) -> Response:
    """A named graph: the statements in it and what ``graph/provenance`` says about it."""
    base = settings().base_iri
    rest, fixed = conneg.split_suffix(rest, conneg.RESOURCE)
    iri = paths.graph_iri(rest, base)
    return answer(
        iri,
        f"/graph/{rest}",
        fixed,
        lambda build, html, page, quads: (
            documents.describe_graph(build, iri, base_iri=base, for_page=html, page=page, quads=quads)
            if _valid(iri)
            else None
        ),
    )


def answer(iri: str, path: str, fixed: conneg.Format | None, describe: Describer) -> Response:
    """Negotiate, check the client's cache, describe, and render one resource document."""
    build = served()
    page = respond.page_number(documents.PAGE_PARAMETER)
    urls = respond.alternates(path, conneg.RESOURCE, page=_page_query(page))
    fmt = respond.pick_format(conneg.RESOURCE, fixed=fixed, urls=urls)
    lang = respond.page_lang()
    lists = factpages.page_numbers() if fmt is conneg.HTML else ()  # the pages of a graph's or source's lists
    etag = respond.etag_for(build, fmt.key, lang if fmt is conneg.HTML else "", str(page), *lists)
    headers: dict[str, Any] = {"content_location": urls.get(fmt.key), "links": urls}
    cached = respond.conditional(build, etag, **headers)
    if cached is not None:
        return cached
    description = describe(build, fmt is conneg.HTML, page, fmt in QUADS)
    if description is None:
        return _not_found(iri, fmt)
    if not description.exists:
        raise Problem(404, f"The statements pointing at {iri} have {description.paging.last} page(s), not {page}.")
    pages = {rel: f"{path}{fmt.suffix}{_page_query(n)}" for rel, n in description.paging.neighbours().items()}
    if fmt is conneg.HTML:
        body: str | bytes = _html(build, description, urls, lang, path)
    elif description.quads is not None:
        body = respond.rdf_bytes(description.quads, fmt, _prefixes())
    else:
        body = respond.rdf_bytes(description.triples, fmt, _prefixes())
    response = current_app.response_class(body, content_type=fmt.content_type)
    if description.paging.paged:
        headers["pages"] = pages
    return respond.finish(response, build, etag=etag, **headers)


def _page_query(page: int) -> str:
    return f"?{documents.PAGE_PARAMETER}={page}" if page > 1 else ""


def _html(build: Build, description: documents.Description, urls: dict[str, str], lang: str, path: str) -> str:
    page = present.resource_page(description, presenter(build, description.triples, lang))
    base = settings().base_iri
    jsonld = json.loads(respond.rdf_bytes(description.triples, conneg.JSONLD, {}))
    query = queries.standalone("describe", base_iri=base, this=description.iri)
    pages = {rel: f"{path}{_page_query(n)}" for rel, n in description.paging.neighbours().items()}
    return respond.html(
        "resource.html",
        page=page,
        urls=urls,
        formats=conneg.shown(conneg.RESOURCE),
        jsonld=jsonld,
        lang=lang,
        query=query,
        document=description.document,
        paging=description.paging,
        pages=pages if description.paging.paged else {},
    )


def _not_found(iri: str, fmt: conneg.Format) -> Response:
    if fmt is conneg.HTML:
        raise Problem(404, f"{iri} is not described in this dataset.")
    if fmt is conneg.TURTLE:  # a comment naming the IRI, only if it is one (no line breaks to escape the comment)
        named = f" <{iri}>" if _valid(iri) else ""
        body = f"# Not found: this dataset says nothing about{named}.\n".encode()
    else:
        body = respond.rdf_bytes([], fmt, {})
    response = current_app.response_class(body, status=404, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    return response


def _moved(iri: str, kind: str, suffix: str) -> Response | None:
    """301 Moved Permanently to the ``kind`` path (``id/`` or ``doc/``, with the format ``suffix``) of the thing that
    replaces ``iri``, or ``None`` when ``iri`` is not a retired identifier."""
    if not _valid(iri):
        return None
    base = settings().base_iri
    replacement = _retired(served(), base).get(iri, "")
    thing = f"{base}{paths.THING}"
    if not replacement.startswith(thing) or not _valid(replacement):
        return None
    query = f"?{request.query_string.decode('latin-1')}" if request.query_string else ""
    response = redirect(f"/{kind}{replacement.removeprefix(thing)}{suffix}{query}", 301)
    response.headers["Vary"] = "Accept"
    return response  # type: ignore[return-value]


def _retired(build: Build, base: str) -> dict[str, str]:
    """Retired identifier -> its replacement, read once per build (every /id/ and /doc/ request asks)."""
    return build.memo(
        "retired",
        lambda: {
            str(row["retired"].value): str(row["replacement_iri"].value)
            for row in queries.select(build.store, "replaced-by", base_iri=base)
        },
    )


def _valid(iri: str) -> bool:
    try:
        queries.iri(iri)
    except queries.InvalidIRI:
        return False
    return True


def _prefixes() -> dict[str, str]:
    from awardgraph.namespaces import prefixes

    shown = {k: v for k, v in prefixes(settings().base_iri).items() if k not in ("id", "g")}
    return {**shown, "hydra": documents.HYDRA}
