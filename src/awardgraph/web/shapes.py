"""``/shapes``: the SHACL shapes the served build was validated with, as HTML documentation or as RDF.

A build keeps them as ``shapes.ttl`` beside its store (:data:`awardgraph.graph.build.SHAPES_FILE`), and in the
store as the named graph ``{base}shapes`` (which is how ``awardgraph publish`` carries them to a remote store).
Turtle is the build's file byte for byte (from a remote store: the graph, serialized), the other formats are the
same triples. Shapes are ``{base}shapes#Name``: each one is an
anchor on this page (hash IRIs, no 303), and the shapes graph itself is ``{base}shapes``.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app

from awardgraph.namespaces import prefixes
from awardgraph.web import conneg, respond
from awardgraph.web.errors import Problem
from awardgraph.web.shapedoc import Documenter
from awardgraph.web.site import presenter, served, settings
from awardgraph.web.state import Build

bp = Blueprint("shapes", __name__)


@bp.get("/shapes")
@bp.get("/shapes<any('.ttl', '.jsonld', '.rdf', '.nt', '.html'):suffix>")
def shapes(suffix: str = "") -> Response:
    """The shapes, negotiated: HTML documentation, Turtle, JSON-LD, RDF/XML or N-Triples."""
    build = served()
    _, fixed = conneg.split_suffix(f"shapes{suffix}", conneg.DOCUMENT)
    urls = respond.alternates("/shapes", conneg.DOCUMENT)
    fmt = respond.pick_format(conneg.DOCUMENT, fixed=fixed, urls=urls)
    lang = respond.page_lang()
    etag = respond.etag_for(build, fmt.key, lang if fmt is conneg.HTML else "")
    headers = {"content_location": urls[fmt.key], "links": urls}
    if (cached := respond.conditional(build, etag, **headers)) is not None:
        return cached
    turtle = build.shapes_turtle()
    if turtle is None:
        raise Problem(404, "This build did not keep the shapes it was validated with; build again to publish them.")
    if fmt is conneg.TURTLE:
        body: str | bytes = turtle
    elif fmt is conneg.HTML:
        body = _page(build, lang, urls)
    else:
        shown = {k: v for k, v in prefixes(settings().base_iri).items() if k not in ("id", "g")}
        body = respond.rdf_bytes(shape_triples(build), fmt, shown)
    response = current_app.response_class(body, content_type=fmt.content_type)
    return respond.finish(response, build, etag=etag, **headers)  # type: ignore[arg-type]


def shape_triples(build: Build) -> list[ox.Triple]:
    """The triples of the build's shapes (parsed once per build)."""

    def parse() -> list[ox.Triple]:
        data = build.shapes_turtle() or b""
        return [q.triple for q in ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=settings().base_iri)]

    return build.memo("shapes-file", parse)


def _page(build: Build, lang: str, urls: dict[str, str]) -> str:
    triples = shape_triples(build)
    documenter = Documenter(triples, presenter(build, triples, lang))
    return respond.html(
        "shapes.html",
        lang=lang,
        about=documenter.shapes_graph(f"{settings().base_iri}shapes"),
        shapes=documenter.node_shapes(),
        urls=urls,
        formats=conneg.DOCUMENT,
    )
