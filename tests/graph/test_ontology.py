"""The ontology documents every term it defines, in Polish and English, and the data uses no undefined term."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from awardgraph.config import DEFAULT_BASE_IRI
from awardgraph.graph.load import load
from awardgraph.resources import resource_dir

AG = f"{DEFAULT_BASE_IRI}ontology#"
ONTOLOGY = URIRef(f"{DEFAULT_BASE_IRI}ontology")


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(resource_dir("ontology") / "awardgraph.ttl", format="turtle", publicID=DEFAULT_BASE_IRI)


def _languages(graph: Graph, node: URIRef, prop: URIRef) -> list[str | None]:
    return sorted((o.language for o in graph.objects(node, prop) if isinstance(o, Literal)), key=str)


def test_ontology_header(ontology: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    for prop in (OWL.versionInfo, OWL.versionIRI, DCTERMS.license, DCTERMS.creator):
        assert ontology.value(ONTOLOGY, prop) is not None, prop
    assert _languages(ontology, ONTOLOGY, DCTERMS.title) == ["en", "pl"]


def test_every_own_term_has_labels_and_definitions_in_both_languages(ontology: Graph) -> None:
    terms = {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(AG)}
    assert len(terms) > 20
    missing = [
        f"{t} {p.n3()}"
        for t in sorted(terms)
        for p in (RDFS.label, SKOS.definition)
        if _languages(ontology, t, p) != ["en", "pl"]
    ]
    assert missing == []
    untyped = [t for t in terms if ontology.value(t, RDF.type) is None]
    assert untyped == []
    undefined_by = [t for t in terms if (t, RDFS.isDefinedBy, ONTOLOGY) not in ontology]
    assert undefined_by == []


def test_the_data_uses_only_terms_the_ontology_defines(ontology: Graph) -> None:
    data = load([resource_dir("data")], DEFAULT_BASE_IRI).dataset
    used = {t for s, p, o, _ in data.quads() for t in (p, o) if isinstance(t, URIRef) and str(t).startswith(AG)}
    defined = {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef)}
    assert sorted(used - defined) == []
