"""``/dataset`` (the build's DCAT-AP + VoID description), ``/.well-known/void``, ``/catalog`` and ``/dumps/``.

The description is the build's own ``dataset.ttl`` (from a remote store: the graph ``{base}dataset`` that
``awardgraph publish`` put there): Turtle is served byte for byte, the other formats are the same triples
re-serialized, and the HTML page is made from them. Data served from a remote store has no dump files.
"""

from __future__ import annotations

import dataclasses

import pyoxigraph as ox
from flask import Blueprint, Response, redirect, send_file

from awardgraph.builds import Dump
from awardgraph.web import conneg, i18n, respond
from awardgraph.web.catalogue import schemaorg
from awardgraph.web.documents import documents, present
from awardgraph.web.errors import Problem
from awardgraph.web.site import presenter, served, settings
from awardgraph.web.state import Build

bp = Blueprint("dataset", __name__)

DUMP_MAX_AGE = 86400
NO_DUMPS = (
    "This site serves its data from a SPARQL store and has no dump files. Everything is available from /sparql "
    "(a CONSTRUCT query returns any part of the data in any RDF format) and from the document of each thing; "
    "/dataset describes the data."
)
DCAT, DCT, SPDX = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/", "http://spdx.org/rdf/terms#"
SEE_ALSO = "http://www.w3.org/2000/01/rdf-schema#seeAlso"


@dataclasses.dataclass(frozen=True)
class Download:
    filename: str
    media_type: str
    size: int | None
    sha256: str | None


@bp.get("/dataset")
@bp.get(f"/dataset{respond.suffix_rule(conneg.DOCUMENT)}")
def dataset(suffix: str = "") -> Response:
    """The dataset description, negotiated (HTML, Turtle, JSON-LD, RDF/XML, N-Triples, TriG, N-Quads, TriX); Turtle
    for a client that names no media type (no ``Accept``, or ``*/*`` only: harvesters such as CKAN's DCAT harvester
    send none), the page for browsers."""
    build = served()
    doc = respond.negotiate_document(build, "dataset", suffix, default=conneg.TURTLE)
    if (cached := doc.not_modified()) is not None:
        return cached
    if doc.fmt is conneg.TURTLE:
        body: str | bytes = build.description_turtle()
    elif doc.fmt is conneg.HTML:
        body = _page(build, doc.lang, doc.urls)
    else:
        body = doc.rdf(description(build), settings().base_iri)
    return doc.answer(body)


@bp.get("/.well-known/void")
@bp.get("/catalog")
def to_dataset() -> Response:
    """VoID's well-known address (and the DCAT catalogue) lead to the dataset description (which negotiates again:
    Turtle for a client that names no media type)."""
    response = redirect("/dataset", 303)
    response.headers["Vary"] = "Accept"
    return response  # type: ignore[return-value]


@bp.get("/dumps/<name>")
def dump(name: str) -> Response:
    """One dump file of the build, with its media type, checksum-based ETag and long caching."""
    build = served()
    if build.dumps is None:
        raise Problem(404, NO_DUMPS)
    known = {d.filename: d for d in Dump}
    path = build.dumps / name
    if name not in known or not path.is_file():
        raise Problem(404, f"There is no dump called {name!r}. See /dataset for the list.")
    dumped = known[name]
    media_type = "application/gzip" if dumped.compressed else dumped.media_type
    sums = build.manifest.get("dumps")
    entry = sums.get(name) if isinstance(sums, dict) else None
    etag = str(entry["sha256"]) if isinstance(entry, dict) and "sha256" in entry else True
    response = send_file(
        path,
        mimetype=media_type,
        etag=etag,
        last_modified=build.built,
        max_age=DUMP_MAX_AGE,
        conditional=True,
        download_name=name,
    )
    if not dumped.compressed:
        response.headers["Content-Type"] = f"{media_type}; charset=utf-8"
    response.cache_control.public = True
    return response


def description(build: Build) -> list[ox.Triple]:
    """The triples of the build's description (parsed once per build)."""

    def parse() -> list[ox.Triple]:
        data = build.description_turtle()
        return respond.parse_file(data, settings().base_iri)

    return build.memo("description-file", parse)


def downloads(build: Build) -> list[Download]:
    """The dumps of the build as listed in its manifest."""
    listed = build.manifest.get("dumps")
    found = []
    for d in Dump:
        entry = listed.get(d.filename) if isinstance(listed, dict) else None
        if isinstance(entry, dict):
            found.append(Download(d.filename, d.media_type, entry.get("bytes"), entry.get("sha256")))
    return found


def _licences(build: Build, triples: list[ox.Triple]) -> list[ox.NamedNode]:
    """The dataset's licence(s) (the EU authority's IRI), each followed by the deed it names (``rdfs:seeAlso``)."""
    found = []
    for licence in documents.licences(build, settings().base_iri):
        found.append(licence)
        deeds = (t.object for t in triples if t.subject == licence and t.predicate.value == SEE_ALSO)
        found += sorted((d for d in deeds if isinstance(d, ox.NamedNode)), key=str)
    return found


def _page(build: Build, lang: str, urls: dict[str, str]) -> str:
    triples = description(build)
    p = presenter(build, triples, lang)
    dataset = ox.NamedNode(f"{settings().base_iri}dataset")
    index = present.by_subject(triples)
    skip = [
        f"{DCAT}distribution",
        "http://rdfs.org/ns/void#dataDump",
        "http://rdfs.org/ns/void#classPartition",
        "http://rdfs.org/ns/void#propertyPartition",
    ]
    rows = p.rows(dataset, index, {}, skip=skip)
    texts = {
        t.object.language or "": t.object.value
        for t in index.get(str(dataset), [])
        if t.predicate.value == f"{DCT}description" and isinstance(t.object, ox.Literal)
    }
    parts = [  # what the description names {base}dataset#x (contact point, distributions): anchors on this page
        (node.value.split("#", 1)[1], p.node(node), p.rows(node, index, {}))
        for node in sorted({t.subject for t in triples if isinstance(t.subject, ox.NamedNode)}, key=str)
        if node.value.startswith(f"{dataset.value}#")
    ]
    return respond.html(
        "dataset.html",
        lang=lang,
        title=p.label(dataset.value),
        parts=parts,
        summary=i18n.pick(texts, lang),
        properties=rows,
        downloads=downloads(build),
        urls=urls,
        formats=conneg.shown(conneg.DOCUMENT),
        manifest=build.manifest,
        licences=[p.node(lic) for lic in _licences(build, triples)],
        schema_org=schemaorg.dataset_jsonld(triples, settings().base_iri, lang),
    )
