"""The dataset description conforms to DCAT-AP 3.0.0 and its VoID counts match the store."""

from __future__ import annotations

import pyshacl
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, VOID, XSD
from tests.conftest import FIXTURES

from awardgraph.config import DEFAULT_BASE_IRI, Settings
from awardgraph.graph.build import DESCRIPTION_FILE, BuildResult, build
from awardgraph.store.oxigraph import EmbeddedStore

DCAT_AP = FIXTURES / "dcat-ap-3.0.0"


def _dcat_ap_shapes() -> Graph:
    shapes = Graph()
    # mdr-vocabularies.shape.ttl is left out: it requires the publisher to be an EU corporate body, which a
    # city's editors are not.
    for name in ("shapes.ttl", "range.ttl"):
        shapes.parse(DCAT_AP / name, format="turtle")
    return shapes


def test_description_conforms_to_dcat_ap_3(mini_settings: Settings) -> None:
    result = build(mini_settings)
    description = Graph().parse(result.path / DESCRIPTION_FILE, format="turtle")
    conforms, _, text = pyshacl.validate(description, shacl_graph=_dcat_ap_shapes(), inference="none")
    assert conforms, text


def test_void_counts_are_the_stores(mini_settings: Settings) -> None:
    result = build(mini_settings)
    description = Graph().parse(result.path / DESCRIPTION_FILE, format="turtle")
    dataset = URIRef(f"{mini_settings.base_iri}dataset")
    store = EmbeddedStore(result.path)
    base = mini_settings.base_iri  # the build adds the description and the shapes it validated with
    rows = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(?g NOT IN (<{base}dataset>, <{base}shapes>)) }}"
    )
    data_quads = int(next(iter(rows))["n"].value)
    assert data_quads == 7  # mini.trig holds 7 triples
    assert description.value(dataset, VOID.triples) == Literal(data_quads)


def test_project_description_conforms_and_covers_the_editions(project_build: BuildResult) -> None:
    description = Graph().parse(project_build.path / DESCRIPTION_FILE, format="turtle")
    conforms, _, text = pyshacl.validate(description, shacl_graph=_dcat_ap_shapes(), inference="none")
    assert conforms, text
    dataset = URIRef(f"{DEFAULT_BASE_IRI}dataset")
    coverage = description.value(dataset, DCTERMS.temporal)
    assert description.value(coverage, DCAT.startDate) == Literal("2013-03", datatype=XSD.gYearMonth)
    assert description.value(coverage, DCAT.endDate) == Literal("2015-05-17", datatype=XSD.date)
    assert description.value(dataset, VOID.triples) == Literal(project_build.stats.triples)
