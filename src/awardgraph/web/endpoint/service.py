"""The SPARQL 1.1 Service Description of ``/sparql``: what a client gets from a bare ``GET`` of the endpoint."""

from __future__ import annotations

import pyoxigraph as ox

from awardgraph import queries
from awardgraph.web import conneg
from awardgraph.web.state import Build

SD = "http://www.w3.org/ns/sparql-service-description#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
RDFS_SEE_ALSO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
DCT_DESCRIPTION = ox.NamedNode("http://purl.org/dc/terms/description")
# Not sd:UnionDefaultGraph: the default graph is the union of the graphs the project vouches for, not of every graph
DEFAULT_GRAPH_EN = (
    "The stated, derived and curated graphs, the graph descriptions (graph/provenance) and the ontology; outside "
    "claims, the SHACL shapes and the dataset description are named graphs only."
)
DEFAULT_GRAPH_PL = (
    "Grafy faktów podanych w źródle, wywiedzionych z nich i opracowanych przez redakcję, opisy grafów "
    "(graph/provenance) i ontologia; twierdzenia innych stron, kształty SHACL i opis zbioru są tylko grafami nazwanymi."
)


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
        ox.Triple(service, _sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(service, DCT_TITLE, ox.Literal("awardgraph SPARQL endpoint", language="en")),
        ox.Triple(service, DCT_TITLE, ox.Literal("Punkt dostępowy SPARQL awardgraph", language="pl")),
        ox.Triple(service, RDFS_SEE_ALSO, ox.NamedNode(f"{base_iri}dataset")),
        ox.Triple(service, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, _sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, _sd("Graph")),
        ox.Triple(default, DCT_DESCRIPTION, ox.Literal(DEFAULT_GRAPH_EN, language="en")),
        ox.Triple(default, DCT_DESCRIPTION, ox.Literal(DEFAULT_GRAPH_PL, language="pl")),
    ]
    for fmt in (*conneg.TABLE_RESULTS, *conneg.GRAPH_RESULTS):
        known = fmt.rdf or fmt.results
        if known is not None:
            triples.append(ox.Triple(service, _sd("resultFormat"), ox.NamedNode(known.iri)))
    graphs = build.memo("graphs", lambda: queries.select(build.store, "graphs", base_iri=base_iri))
    for number, row in enumerate(graphs):
        named = ox.BlankNode(f"graph{number}")
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), row["g"]),
        ]
    return triples
