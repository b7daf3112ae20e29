"""``/ontology``: the vocabulary as HTML documentation (every class and property, pl and en) or as RDF.

The ontology is in the store as the named graph named by its own IRI, ``{base}ontology``; its terms are
``{base}ontology#Term``, so each term is an anchor on this one page (hash IRIs: no 303 needed).
"""

from __future__ import annotations

import dataclasses

import pyoxigraph as ox
from flask import Blueprint, Response, redirect

from awardgraph import queries
from awardgraph.web import conneg, respond
from awardgraph.web.documents import documents, present
from awardgraph.web.errors import Problem
from awardgraph.web.site import presenter, served, settings
from awardgraph.web.state import Build

bp = Blueprint("vocab", __name__)

OWL, RDFS = "http://www.w3.org/2002/07/owl#", "http://www.w3.org/2000/01/rdf-schema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOS_DEFINITION = "http://www.w3.org/2004/02/skos/core#definition"
DEFINITIONS = (SKOS_DEFINITION, f"{RDFS}comment", "http://purl.org/dc/terms/description")
CLASSES = {f"{OWL}Class", f"{RDFS}Class"}
PROPERTIES = {f"{OWL}ObjectProperty", f"{OWL}DatatypeProperty", f"{OWL}AnnotationProperty", f"{RDF}Property"}
SECTIONS = ("classes_heading", "properties_heading", "individuals_heading")


@dataclasses.dataclass(frozen=True)
class Term:
    """One term of the vocabulary as documented."""

    iri: str
    anchor: str
    labels: dict[str, str]
    definitions: dict[str, str]
    types: tuple[present.Node, ...]
    rows: tuple[present.Row, ...]


@bp.get("/ontology")
@bp.get(f"/ontology{respond.suffix_rule(conneg.DOCUMENT)}")
def ontology(suffix: str = "") -> Response:
    """The ontology, negotiated: HTML documentation or RDF (Turtle, JSON-LD, RDF/XML, N-Triples, TriG,
    N-Quads, TriX)."""
    build = served()
    doc = respond.negotiate_document(build, "ontology", suffix)
    if (cached := doc.not_modified()) is not None:
        return cached
    triples = documents.unique(queries.construct(build.store, "ontology", base_iri=settings().base_iri))
    if not triples:
        raise Problem(404, "This build holds no ontology (no named graph <ontology>).")
    if doc.fmt is conneg.HTML:
        sections, about = documentation(build, triples, doc.lang)
        body: str | bytes = respond.html(
            "ontology.html",
            lang=doc.lang,
            sections=sections,
            about=about,
            urls=doc.urls,
            formats=conneg.shown(conneg.DOCUMENT),
        )
    else:
        body = doc.rdf(triples, settings().base_iri)
    return doc.answer(body)


@bp.get("/ontology/<version>")
def version(version: str) -> Response:
    """A version IRI of the ontology (``owl:versionIRI``) leads to the ontology the build serves."""
    base = settings().base_iri
    iri = f"{base}ontology/{version}"
    try:
        known = queries.ask(served().store, "ontology-version", base_iri=base, version=iri)
    except queries.InvalidIRI:
        known = False
    if not known:
        raise Problem(404, f"{iri} is not a version of the ontology served here.")
    response = redirect("/ontology", 303)
    response.headers["Vary"] = "Accept"
    return response  # type: ignore[return-value]


def documentation(build: Build, triples: list[ox.Triple], lang: str) -> tuple[dict[str, list[Term]], Term | None]:
    """The terms of the ontology by section (classes, properties, individuals), and the ontology itself."""
    p = presenter(build, triples, lang)
    index = present.by_subject(triples)
    namespace = f"{settings().base_iri}ontology#"
    sections: dict[str, list[Term]] = {name: [] for name in SECTIONS}
    about = None
    for subject, own in index.items():
        node = own[0].subject
        if not isinstance(node, ox.NamedNode):
            continue
        types = {
            t.object.value for t in own if t.predicate.value == f"{RDF}type" and isinstance(t.object, ox.NamedNode)
        }
        term = _term(node, own, index, p, namespace)
        if f"{OWL}Ontology" in types:
            about = term
        elif types & CLASSES:
            sections["classes_heading"].append(term)
        elif types & PROPERTIES:
            sections["properties_heading"].append(term)
        elif subject.startswith(f"<{namespace}"):
            sections["individuals_heading"].append(term)
    for terms in sections.values():
        terms.sort(key=lambda t: t.anchor.lower())
    return sections, about


def _term(
    node: ox.NamedNode, own: list[ox.Triple], index: dict[str, list[ox.Triple]], p: present.Presenter, namespace: str
) -> Term:
    labels: dict[str, str] = {}
    definitions: dict[str, str] = {}
    for t in own:
        if isinstance(t.object, ox.Literal):
            if t.predicate.value in present.LABELS:
                labels.setdefault(t.object.language or "", t.object.value)
            elif t.predicate.value in DEFINITIONS:
                definitions.setdefault(t.object.language or "", t.object.value)
    skip = [*present.LABELS, *DEFINITIONS, f"{RDF}type"]
    types = tuple(p.node(t.object) for t in own if t.predicate.value == f"{RDF}type")
    iri = node.value
    anchor = iri[len(namespace) :] if iri.startswith(namespace) else iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return Term(iri, anchor, labels, definitions, types, p.rows(node, index, {}, skip=skip))
