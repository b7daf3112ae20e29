"""``/shapes``: the SHACL shapes the served build was validated with, as HTML documentation or as RDF.

A build keeps them as ``shapes.ttl`` beside its store (:data:`awardgraph.graph.build.SHAPES_FILE`), and in the
store as the named graph ``{base}shapes`` (which is how ``awardgraph publish`` carries them to a remote store).
Turtle is the build's file byte for byte (from a remote store: the graph, serialized), the other formats are the
same triples. Shapes are ``{base}shapes#Name``: each one is an
anchor on this page (hash IRIs, no 303), and the shapes graph itself is ``{base}shapes``.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response

from awardgraph.web import conneg, respond
from awardgraph.web.catalogue.shapedoc import Documenter
from awardgraph.web.errors import Problem
from awardgraph.web.site import presenter, served, settings
from awardgraph.web.state import Build

bp = Blueprint("shapes", __name__)


@bp.get("/shapes")
@bp.get(f"/shapes{respond.suffix_rule(conneg.DOCUMENT)}")
def shapes(suffix: str = "") -> Response:
    """The shapes, negotiated: HTML documentation or RDF (Turtle, JSON-LD, RDF/XML, N-Triples, TriG,
    N-Quads, TriX)."""
    build = served()
    doc = respond.negotiate_document(build, "shapes", suffix)
    if (cached := doc.not_modified()) is not None:
        return cached
    turtle = build.shapes_turtle()
    if turtle is None:
        raise Problem(404, "This build did not keep the shapes it was validated with; build again to publish them.")
    if doc.fmt is conneg.TURTLE:
        body: str | bytes = turtle
    elif doc.fmt is conneg.HTML:
        body = _page(build, doc.lang, doc.urls)
    else:
        body = doc.rdf(shape_triples(build), settings().base_iri)
    return doc.answer(body)


def shape_triples(build: Build) -> list[ox.Triple]:
    """The triples of the build's shapes (parsed once per build)."""

    def parse() -> list[ox.Triple]:
        data = build.shapes_turtle() or b""
        return respond.parse_file(data, settings().base_iri)

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
        formats=conneg.shown(conneg.DOCUMENT),
    )
