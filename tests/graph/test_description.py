"""The dataset description conforms to DCAT-AP 3.0.1 (and its recommendations), meets every indicator of
data.europa.eu's metadata quality assessment, dates the data honestly, and its VoID counts match the store."""

from __future__ import annotations

import gzip
import shutil
import time
from pathlib import Path

import pyshacl
import pytest
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, SH, SKOS, VOID, XSD
from rdflib.term import Node
from tests.conftest import FIXTURES, MINI_DATA

from awardgraph.config import DEFAULT_BASE_IRI, Settings
from awardgraph.graph.build import DESCRIPTION_FILE, BuildResult, build
from awardgraph.store.oxigraph import EmbeddedStore

DCAT_AP = FIXTURES / "dcat-ap-3.0.1"
DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
EU_LICENCE = URIRef(f"{EU}licence/CC_BY_4_0")
FIRST_PUBLISHED = Literal("2026-11-27", datatype=XSD.date)

#: Recommended-shape warnings the description keeps, each with why (docs/deployment.md lists them too). Empty:
#: the description meets every recommendation of DCAT-AP 3.0.1.
JUSTIFIED_WARNINGS: dict[tuple[str, str], str] = {}
#: Findings of the controlled-vocabulary shapes (mdr-vocabularies.shape.ttl) the description keeps: its publisher,
#: the city's data editors, is not an EU body, so it is in no scheme of the EU corporate-body table.
JUSTIFIED_VOCABULARY = {str(DCTERMS.publisher)}


def _shapes(*names: str) -> Graph:
    shapes = Graph()
    for name in names:
        shapes.parse(DCAT_AP / name, format="turtle")
    return shapes


def _description(result: BuildResult) -> Graph:
    return Graph().parse(result.path / DESCRIPTION_FILE, format="turtle")


def _results(description: Graph, *shape_files: str) -> list[tuple[str, str, str, str]]:
    """Each top-level finding of the shapes: severity, focus node, path, message."""
    _, report, _ = pyshacl.validate(
        description, shacl_graph=_shapes(*shape_files), inference="none", allow_warnings=True
    )
    assert isinstance(report, Graph)
    found = []
    for result in report.objects(None, SH.result):
        found.append(
            tuple(
                str(report.value(result, p)) for p in (SH.resultSeverity, SH.focusNode, SH.resultPath, SH.resultMessage)
            )
        )
    return sorted(found)  # type: ignore[arg-type]


def assert_dcat_ap_3_0_1(description: Graph, *, timeless: bool = False) -> None:
    """No violation of the mandatory and range shapes; no recommended-shape warning but the justified ones (and, for
    ``timeless`` data, which dates no event, the missing temporal coverage); of the vocabulary shapes, only the
    publisher's."""
    assert _results(description, "shapes.ttl", "range.ttl") == []
    warnings = {(focus, path) for _, focus, path, _ in _results(description, "shapes_recommended.ttl")}
    if timeless:
        warnings.discard((f"{DEFAULT_BASE_IRI}dataset", str(DCTERMS.temporal)))
    assert sorted(warnings - set(JUSTIFIED_WARNINGS)) == []
    vocabulary = _results(description, "mdr-vocabularies.shape.ttl", "deprecateduris.ttl")
    assert {path for _, _, path, _ in vocabulary} <= JUSTIFIED_VOCABULARY, vocabulary


def test_description_conforms_to_dcat_ap_3_0_1(mini_settings: Settings) -> None:
    description = _description(build(mini_settings))
    assert_dcat_ap_3_0_1(description, timeless=True)
    sizes = list(description.objects(None, DCAT.byteSize))
    assert sizes and all(isinstance(s, Literal) and s.datatype == XSD.nonNegativeInteger for s in sizes)


def test_project_description_conforms_and_covers_the_editions(project_build: BuildResult) -> None:
    description = _description(project_build)
    assert_dcat_ap_3_0_1(description)
    dataset = URIRef(f"{DEFAULT_BASE_IRI}dataset")
    coverage = description.value(dataset, DCTERMS.temporal)
    assert description.value(coverage, DCAT.startDate) == Literal("2013-03", datatype=XSD.gYearMonth)
    assert description.value(coverage, DCAT.endDate) == Literal("2015-05-17", datatype=XSD.date)
    assert description.value(dataset, VOID.triples) == Literal(project_build.stats.triples)


def test_the_3_0_1_shapes_refuse_a_decimal_byte_size(project_build: BuildResult) -> None:
    """The fixture shapes are 3.0.1's: the byte size 3.0.0 asked for (xsd:decimal) is a violation now."""
    description = _description(project_build)
    for dist, size in list(description.subject_objects(DCAT.byteSize)):
        description.set((dist, DCAT.byteSize, Literal(str(size) + ".0", datatype=XSD.decimal)))
    assert {path for _, _, path, _ in _results(description, "shapes.ttl")} == {str(DCAT.byteSize)}


# data.europa.eu's metadata quality assessment (MQA): each indicator, its points and what it reads (computed on the
# dataset or on each distribution). docs/deployment.md, *Portals*, has the same table with how each is met.
MQA = {
    "findability": {"keyword usage": 30, "categories": 30, "geo search": 20, "time based search": 20},
    "accessibility": {"accessURL accessibility": 50, "downloadURL": 20, "downloadURL accessibility": 30},
    "interoperability": {
        "format": 20,
        "media type": 10,
        "format / media type from vocabulary": 10,
        "non-proprietary": 20,
        "machine readable": 20,
        "DCAT-AP compliance": 30,
    },
    "reusability": {
        "licence information": 20,
        "licence vocabulary": 10,
        "access restrictions": 10,
        "access restrictions vocabulary": 5,
        "contact point": 20,
        "publisher": 10,
    },
    "contextuality": {"rights": 5, "file size": 5, "date of issue": 5, "modification date": 5},
}
NON_PROPRIETARY_MACHINE_READABLE = {
    f"{EU}file-type/{code}" for code in ("RDF_TURTLE", "RDF_N_TRIPLES", "RDF_N_QUADS", "RDF_TRIG", "JSON_LD", "RDF_XML")
}


def test_the_mqa_indicators_add_up_to_405() -> None:
    assert sum(sum(points.values()) for points in MQA.values()) == 405


def test_every_mqa_indicator_is_met(tmp_path: Path) -> None:
    settings = Settings(
        store=tmp_path / "store", data=MINI_DATA, shapes=(FIXTURES / "build" / "mini-shapes.ttl",)
    ).replace(contact_email="redakcja@example.org")
    g = _description(build(settings))
    base = settings.base_iri
    dataset, service = URIRef(f"{base}dataset"), URIRef(f"{base}sparql")
    dists = list(g.objects(dataset, DCAT.distribution))
    dumps = [d for d in dists if g.value(d, DCAT.downloadURL) is not None]
    assert len(dumps) == 6 and len(dists) == 7

    def one(s: Node, p: URIRef) -> Node:
        value = g.value(s, p)
        assert value is not None, f"{s} has no {p}"
        return value

    # findability (dataset)
    assert len(list(g.objects(dataset, DCAT.keyword))) >= 2
    assert one(one(dataset, DCAT.theme), SKOS.inScheme) == URIRef(f"{EU}data-theme")
    assert one(dataset, DCTERMS.spatial) == URIRef("https://sws.geonames.org/765876/")
    # time based search: the mini data has no events; test_the_project_meets_the_time_and_place_indicators
    # accessibility (each distribution): URLs the site serves (tests/http/test_catalogue.py fetches them)
    for d in dists:
        assert str(one(d, DCAT.accessURL)).startswith(base)
    for d in dumps:
        assert str(one(d, DCAT.downloadURL)).startswith(f"{base}dumps/")
    # interoperability (each distribution)
    for d in dists:
        fmt = one(d, DCTERMS.format)
        assert one(fmt, SKOS.inScheme) == URIRef(f"{EU}file-type")
        assert str(one(d, DCAT.mediaType)).startswith("http://www.iana.org/assignments/media-types/")
    for d in dumps:
        assert str(one(d, DCTERMS.format)) in NON_PROPRIETARY_MACHINE_READABLE
    assert_dcat_ap_3_0_1(g, timeless=True)
    # reusability
    for d in [*dists, dataset, service]:
        assert one(d, DCTERMS.license) == EU_LICENCE
    assert one(EU_LICENCE, SKOS.inScheme) == URIRef(f"{EU}licence")
    assert one(dataset, DCTERMS.accessRights) == URIRef(f"{EU}access-right/PUBLIC")
    assert one(one(dataset, DCTERMS.accessRights), SKOS.inScheme) == URIRef(f"{EU}access-right")
    contact = one(dataset, DCAT.contactPoint)
    assert one(contact, VCARD.hasEmail) == URIRef("mailto:redakcja@example.org")
    assert one(dataset, DCTERMS.publisher) is not None
    # contextuality (each distribution)
    for d in dists:
        assert (one(d, DCTERMS.rights), RDF.type, DCTERMS.RightsStatement) in g
        assert one(d, DCTERMS.issued) == FIRST_PUBLISHED
        assert one(d, DCTERMS.modified) == one(dataset, DCTERMS.modified)
        assert one(d, DCATAP.availability) == URIRef(f"{EU}planned-availability/STABLE")
        assert len(list(g.objects(d, DCTERMS.description))) == 2  # pl and en
    for d in dumps:
        assert one(d, DCAT.byteSize).datatype == XSD.nonNegativeInteger  # type: ignore[attr-defined]


def test_the_project_meets_the_time_and_place_indicators(project_build: BuildResult) -> None:
    g = _description(project_build)
    dataset = URIRef(f"{DEFAULT_BASE_IRI}dataset")
    assert g.value(g.value(dataset, DCTERMS.temporal), DCAT.startDate) is not None
    assert g.value(dataset, DCTERMS.accrualPeriodicity) == URIRef(f"{EU}frequency/IRREG")
    catalog = URIRef(f"{DEFAULT_BASE_IRI}catalog")
    for prop in (DCTERMS.issued, DCTERMS.language, DCTERMS.license, DCTERMS.spatial):
        assert g.value(catalog, prop) is not None, prop


def test_the_service_has_its_distribution_and_portal_fields(project_build: BuildResult) -> None:
    g = _description(project_build)
    service = URIRef(f"{DEFAULT_BASE_IRI}sparql")
    linked = list(g.subjects(DCAT.accessService, service))
    assert linked == [URIRef(f"{DEFAULT_BASE_IRI}dataset#sparql")]
    assert (URIRef(f"{DEFAULT_BASE_IRI}dataset"), DCAT.distribution, linked[0]) in g
    for prop in (DCAT.keyword, DCAT.theme, DCTERMS.publisher, DCAT.contactPoint, DCTERMS.license):
        assert g.value(service, prop) is not None, prop


def test_the_licence_is_the_eu_authoritys_and_leads_to_the_deed(project_build: BuildResult) -> None:
    g = _description(project_build)
    assert g.value(URIRef(f"{DEFAULT_BASE_IRI}dataset"), DCTERMS.license) == EU_LICENCE
    assert (EU_LICENCE, RDF.type, DCTERMS.LicenseDocument) in g
    deed = URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert (EU_LICENCE, URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso"), deed) in g
    assert (EU_LICENCE, SKOS.exactMatch, deed) in g


def _dates(result: BuildResult) -> tuple[Node | None, Node | None, Node | None]:
    """The dataset's issued and modified dates, and the catalogue's modified (when the description was made)."""
    g = _description(result)
    dataset, catalog = URIRef(f"{DEFAULT_BASE_IRI}dataset"), URIRef(f"{DEFAULT_BASE_IRI}catalog")
    return g.value(dataset, DCTERMS.issued), g.value(dataset, DCTERMS.modified), g.value(catalog, DCTERMS.modified)


def test_issued_is_fixed_and_modified_follows_the_data(tmp_path: Path) -> None:
    data = tmp_path / "mini.trig"
    shutil.copy(MINI_DATA[0], data)
    shutil.copytree(MINI_DATA[0].parent / "sources", tmp_path / "sources")  # the quotes' archived texts
    settings = Settings(store=tmp_path / "store", data=(data,), shapes=(FIXTURES / "build" / "mini-shapes.ttl",))
    first = build(settings)
    issued, modified, _ = _dates(first)
    assert issued == FIRST_PUBLISHED
    time.sleep(1.1)  # the dates are to the second
    second = build(settings)  # the same data: a new build and description (made later), the same dates
    assert second.build_id != first.build_id and _dates(second)[:2] == (issued, modified)
    assert _dates(second)[2] != modified
    data.write_text(data.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    changed = _dates(build(settings))
    assert changed[0] == issued and changed[1] != modified
    assert str(changed[1]) == str(changed[2])  # changed now: the time of this build


def test_the_jsonld_dump_says_what_a_reader_of_triples_gets(project_build: BuildResult) -> None:
    g = _description(project_build)
    dist = URIRef(f"{DEFAULT_BASE_IRI}dataset#dump-jsonld")
    words = {t.language: str(t) for t in g.objects(dist, DCTERMS.description) if isinstance(t, Literal)}
    assert set(words) == {"pl", "en"}
    assert "rdflib.Graph" in words["en"] and "awardgraph.ttl" in words["en"] and "awardgraph.nt.gz" in words["en"]
    assert "rdflib.Graph" in words["pl"] and "awardgraph.ttl" in words["pl"]
    dumps = project_build.path / "dumps"
    assert len(Graph().parse(dumps / "awardgraph.jsonld", format="json-ld")) == 0  # what the words warn of
    assert len(list(Dataset().parse(dumps / "awardgraph.jsonld", format="json-ld").quads())) > 0
    pointed = Graph().parse(dumps / "awardgraph.ttl", format="turtle")
    with gzip.open(dumps / "awardgraph.nt.gz") as f:
        assert len(Graph().parse(f, format="nt")) == len(pointed) > 0


def test_void_counts_are_the_stores(mini_settings: Settings) -> None:
    result = build(mini_settings)
    description = _description(result)
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


@pytest.mark.parametrize("bad", ["not-an-address", "mailto:a@example.org", "a@b"])
def test_a_contact_email_is_an_address(bad: str) -> None:
    from awardgraph.config import ConfigError

    with pytest.raises(ConfigError, match="AWARDGRAPH_CONTACT_EMAIL"):
        Settings(contact_email=bad)
