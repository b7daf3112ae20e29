"""Every namespace awardgraph uses and the prefix map, defined once.

The project's own namespaces depend on the configured base IRI, so they are built by :func:`own_namespaces`.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, TIME, VOID, XSD

SCHEMA = Namespace("http://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
VANN = Namespace("http://purl.org/vocab/vann/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
WD = Namespace("http://www.wikidata.org/entity/")

STANDARD_PREFIXES: dict[str, str] = {
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "dcat": str(DCAT),
    "foaf": str(FOAF),
    "prov": str(PROV),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "sh": str(SH),
    "time": str(TIME),
    "void": str(VOID),
    "vann": str(VANN),
    "adms": str(ADMS),
    "spdx": str(SPDX),
    "sd": str(SD),
    "wd": str(WD),
}


def own_namespaces(base_iri: str) -> dict[str, str]:
    """The project's prefixes under ``base_iri``: ``ag`` (vocabulary), ``id`` (things), ``g`` (named graphs)."""
    return {"ag": f"{base_iri}ontology#", "id": f"{base_iri}id/", "g": f"{base_iri}graph/"}


def prefixes(base_iri: str) -> dict[str, str]:
    """The full prefix map for serializations and queries."""
    return {**own_namespaces(base_iri), **STANDARD_PREFIXES}
