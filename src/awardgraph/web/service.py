"""The SPARQL 1.1 Service Description of ``/sparql``: what a client gets from a bare ``GET`` of the endpoint."""

from __future__ import annotations

import pyoxigraph as ox

from awardgraph import queries
from awardgraph.web import conneg
from awardgraph.web.state import Build

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
VOID_TRIPLES = ox.NamedNode("http://rdfs.org/ns/void#triples")
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
RDFS_SEE_ALSO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def description(build: Build, base_iri: str) -> list[ox.Triple]:
    """The service description: endpoint, language, features, result formats and the default dataset."""
    service = ox.NamedNode(f"{base_iri}sparql")
    dataset, default = ox.BlankNode("dataset"), ox.BlankNode("default")
    triples = [
        ox.Triple(service, RDF_TYPE, _sd("Service")),
        ox.Triple(service, _sd("endpoint"), service),
        ox.Triple(service, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(service, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(service, _sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, DCT_TITLE, ox.Literal("awardgraph SPARQL endpoint", language="en")),
        ox.Triple(service, DCT_TITLE, ox.Literal("Punkt dostępowy SPARQL awardgraph", language="pl")),
        ox.Triple(service, RDFS_SEE_ALSO, ox.NamedNode(f"{base_iri}dataset")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, _sd("Graph")),
    ]
    for fmt in (*conneg.TABLE_RESULTS, *conneg.GRAPH_RESULTS):
        known = fmt.rdf or fmt.results
        if known is not None:
            triples.append(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(known.iri)))
    triples_count = build.manifest.get("triples")
    if isinstance(triples_count, int):
        triples.append(ox.Triple(default, VOID_TRIPLES, ox.Literal(str(triples_count), datatype=XSD_INTEGER)))
    graphs = build.memo("graphs", lambda: queries.select(build.store, "graphs", base_iri=base_iri))
    for number, row in enumerate(graphs):
        named = ox.BlankNode(f"graph{number}")
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), row["g"]),
        ]
    return triples
