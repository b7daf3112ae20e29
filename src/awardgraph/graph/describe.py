"""The dataset description: DCAT-AP 3 (catalog, dataset, distributions, data service) and VoID statistics.

Counts come from the built store itself, so the description cannot disagree with what is served. ``void:triples``
counts the data graphs (every triple of the dumps), not the description's own triples.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, VOID, XSD

from awardgraph.graph.dumps import WrittenDump
from awardgraph.namespaces import ADMS, SPDX, prefixes

EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
ADMS_PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
SHA256 = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")  # the IRI DCAT-AP 3's shapes expect
#: English labels of the controlled-vocabulary codes we use (EU Publications Office authority tables, ADMS)
CODE_LABELS = {
    "PUBLIC": "public",
    "SOCI": "Population and society",
    "GOVE": "Government and public sector",
    "POL": "Polish",
    "ENG": "English",
    "RDF_TURTLE": "RDF Turtle",
    "RDF_N_TRIPLES": "RDF N-Triples",
    "RDF_N_QUADS": "RDF N-Quads",
    "RDF_TRIG": "RDF TriG",
    "JSON_LD": "JSON-LD",
    "RDF_XML": "RDF/XML",
    "NonProfitOrganisation": "Non-Profit Organisation",
}
SCHEME_TITLES = {
    f"{EU}access-right": "Access right",
    f"{EU}data-theme": "Data theme",
    f"{EU}language": "Language",
    f"{EU}file-type": "File type",
    "http://purl.org/adms/publishertype/1.0": "Publisher type",
}
LICENSE = URIRef("http://creativecommons.org/licenses/by/4.0/")
DCAT_VERSION = URIRef(f"{DCAT}version")  # DCAT 3; rdflib's DCAT namespace predates it


@dataclasses.dataclass(frozen=True)
class Stats:
    """VoID figures of the data graphs."""

    triples: int
    graphs: int
    entities: int
    distinct_subjects: int
    distinct_objects: int
    classes: dict[str, int]
    properties: dict[str, int]
    example: str | None
    period: tuple[ox.Literal, ox.Literal] | None  # earliest start and latest end of the events in the data


def compute_stats(store: ox.Store, base_iri: str, *, exclude: set[str]) -> Stats:
    """Count what the store holds, leaving out the graphs in ``exclude`` (the description itself).

    Each figure is the cheapest query Oxigraph answers it with at a million triples: the triples per property in one
    scan, the distinct subjects (and among them the entities) from one ``DISTINCT`` scan, the distinct objects from
    another; the graphs, classes, period and example read the store's indexes (a class's instances, not every quad).
    """
    skip = " ".join(f"<{g}>" for g in sorted(exclude)) or "<urn:x-none>"
    scope = f"GRAPH ?g {{ %s }} FILTER(?g NOT IN ({skip}))"
    id_space = f"{base_iri}id/"

    def grouped(var: str, pattern: str, count: str) -> dict[str, int]:
        query = f"SELECT ?{var} ({count} AS ?n) WHERE {{ {scope % pattern} }} GROUP BY ?{var}"
        return {str(r[var].value): int(r["n"].value) for r in store.query(query)}  # type: ignore[union-attr]

    subjects = _single(
        store,
        f'SELECT (COUNT(*) AS ?subjects) (SUM(IF(isIRI(?s) && STRSTARTS(STR(?s), "{id_space}"), 1, 0)) AS ?entities) '
        f"WHERE {{ SELECT DISTINCT ?s WHERE {{ {scope % '?s ?p ?o'} }} }}",
    )
    objects = _single(store, f"SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ {scope % '?s ?p ?o'} }}")
    graphs = _single(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {scope % ''} }}")
    properties = grouped("p", "?s ?p ?o", "COUNT(*)")
    classes = grouped("c", "?s a ?c", "COUNT(DISTINCT ?s)")
    return Stats(
        triples=sum(properties.values()),
        graphs=int(graphs["n"].value),
        entities=int(subjects["entities"].value),
        distinct_subjects=int(subjects["subjects"].value),
        distinct_objects=int(objects["n"].value),
        classes=classes,
        properties=properties,
        example=_example(store, scope, id_space, classes),
        period=_period(store, scope),
    )


def _single(store: ox.Store, query: str) -> ox.QuerySolution:
    """The one row of an aggregate query."""
    rows = store.query(query)
    assert isinstance(rows, ox.QuerySolutions)
    row: ox.QuerySolution = next(iter(rows))
    return row


def _period(store: ox.Store, scope: str) -> tuple[ox.Literal, ox.Literal] | None:
    """The temporal coverage: the earliest ``schema:startDate`` and latest end (or start) of any event.

    Dates have mixed precision (``xsd:date``, ``xsd:gYearMonth``); their lexical forms sort chronologically.
    """
    pattern = "?e <http://schema.org/startDate>|<http://schema.org/endDate> ?d"
    query = f"SELECT DISTINCT ?d WHERE {{ {scope % pattern} }}"
    dates = sorted({r["d"] for r in store.query(query)}, key=lambda d: str(d.value))  # type: ignore[union-attr]
    literals = [d for d in dates if isinstance(d, ox.Literal)]
    return (literals[0], literals[-1]) if literals else None


def _example(store: ox.Store, scope: str, id_space: str, classes: dict[str, int]) -> str | None:
    """A typical resource for ``void:exampleResource``: the first distinction (by IRI), else the first thing.

    Distinctions are looked up as instances of their class(es) (an index range), not by sorting every typed thing.
    """
    distinctions = " ".join(f"<{c}>" for c in sorted(classes) if c.endswith("#Distinction"))
    wanted = f'isIRI(?s) && STRSTARTS(STR(?s), "{id_space}")'
    for values in ([f"VALUES ?c {{ {distinctions} }}"] if distinctions else []) + [""]:
        query = f"SELECT (MIN(STR(?s)) AS ?first) WHERE {{ {values} {scope % '?s a ?c'} FILTER({wanted}) }}"
        first = _single(store, query)["first"]
        if first is not None:
            return str(first.value)
    return None


_QUADS_DUMP = (
    "Wszystkie grafy nazwane: każde stwierdzenie w grafie swojego źródła, z jego opisem (status, cytat, źródło) "
    "w graph/provenance; także twierdzenia innych stron.",
    "Every named graph: each statement in the graph of its source, described (status, quote, source) in "
    "graph/provenance; outside claims included.",
)
_TRIPLES_DUMP = (
    "Graf domyślny: to, co podaje strona źródłowa, co z tego wynika, oraz opracowanie redakcji; bez twierdzeń "
    "innych stron (te są w zrzutach N-Quads, TriG i JSON-LD).",
    "The default graph: what the source page states, what follows from it and the editors' curation; no outside "
    "claim (those are in the N-Quads, TriG and JSON-LD dumps).",
)


def describe(
    base_iri: str, stats: Stats, dumps: list[WrittenDump], *, build_id: str, version: str, built: dt.datetime
) -> Graph:
    """The DCAT-AP + VoID description of one build, as an rdflib graph."""
    g = Graph()
    for prefix, namespace in prefixes(base_iri).items():
        g.bind(prefix, namespace)
    g.bind("vcard", VCARD)
    b = base_iri
    catalog, dataset, service = URIRef(f"{b}catalog"), URIRef(f"{b}dataset"), URIRef(f"{b}sparql")
    publisher, contact = URIRef(f"{b}id/agent/awardgraph-editors"), URIRef(f"{b}dataset#contact")
    when = Literal(built.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime)

    def texts(node: URIRef, prop: URIRef, pl: str, en: str) -> None:
        g.add((node, prop, Literal(pl, lang="pl")))
        g.add((node, prop, Literal(en, lang="en")))

    g.add((catalog, RDF.type, DCAT.Catalog))
    texts(catalog, DCTERMS.title, "Katalog awardgraph", "awardgraph catalogue")
    texts(
        catalog,
        DCTERMS.description,
        "Katalog danych otwartych awardgraph.",
        "The open data catalogue of awardgraph.",
    )
    g.add((catalog, DCTERMS.publisher, publisher))
    g.add((catalog, DCAT.dataset, dataset))
    g.add((catalog, DCAT.service, service))
    g.add((catalog, FOAF.homepage, _typed(g, URIRef(b), FOAF.Document)))
    g.add((catalog, DCAT.themeTaxonomy, _typed(g, URIRef(f"{EU}data-theme"), SKOS.ConceptScheme)))
    g.add((catalog, DCTERMS.modified, when))

    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal("awardgraph editors", lang="en")))
    g.add((publisher, FOAF.name, Literal("Redakcja awardgraph", lang="pl")))
    g.add(
        (
            publisher,
            DCTERMS.type,
            _code(g, f"{ADMS_PUBLISHER_TYPE}NonProfitOrganisation", ADMS_PUBLISHER_TYPE + "1.0"),
        )
    )
    g.add((contact, RDF.type, URIRef(f"{VCARD}Kind")))
    g.add((contact, URIRef(f"{VCARD}fn"), Literal("awardgraph editors")))
    g.add((contact, URIRef(f"{VCARD}hasURL"), URIRef(b)))

    for cls in (DCAT.Dataset, VOID.Dataset):
        g.add((dataset, RDF.type, cls))
    texts(
        dataset,
        DCTERMS.title,
        "Wyróżnienia Miasta Lublin w konkursie Miasta Otwarte (2014–2015)",
        "Distinctions of the City of Lublin in the Open Cities competition (2014–2015)",
    )
    texts(
        dataset,
        DCTERMS.description,
        "Fora ds. Lokalnych Polityk Migracyjnych, ich organizatorzy, wyróżnienia konkursu Miasta Otwarte dla "
        "Lublina i jego jednostek oraz wyróżnione praktyki, każdy fakt z cytatem ze strony źródłowej lublin.eu.",
        "The Forums on Local Migration Policies, their organisers, the Open Cities distinctions of Lublin and its "
        "units and the recognised practices, every fact with its quote from the lublin.eu source page.",
    )
    texts(dataset, DCAT.keyword, "polityka migracyjna", "migration policy")
    texts(dataset, DCAT.keyword, "Miasta Otwarte", "Open Cities")
    g.add((dataset, DCTERMS.publisher, publisher))
    g.add((dataset, DCAT.contactPoint, contact))
    g.add((dataset, DCTERMS.license, LICENSE))
    g.add((LICENSE, RDF.type, DCTERMS.LicenseDocument))
    g.add(
        (
            dataset,
            DCTERMS.accessRights,
            _code(g, f"{EU}access-right/PUBLIC", f"{EU}access-right", DCTERMS.RightsStatement),
        )
    )
    g.add((dataset, PROV.wasDerivedFrom, URIRef(f"{b}id/source/lublin-eu-miasta-otwarte-2015")))
    texts(
        dataset,
        DCTERMS.rights,
        "Dane opracowane na podstawie strony „Miasta Otwarte 2015” serwisu lublin.eu (Miasto Lublin).",
        'Data curated from the page "Miasta Otwarte 2015" of the lublin.eu service (City of Lublin).',
    )
    for theme in ("SOCI", "GOVE"):
        g.add((dataset, DCAT.theme, _code(g, f"{EU}data-theme/{theme}", f"{EU}data-theme")))
    for lang in ("POL", "ENG"):
        g.add(
            (
                dataset,
                DCTERMS.language,
                _code(g, f"{EU}language/{lang}", f"{EU}language", DCTERMS.LinguisticSystem),
            )
        )
    if stats.period:
        _temporal(g, dataset, stats.period)
    g.add((dataset, DCTERMS.spatial, _typed(g, URIRef("https://sws.geonames.org/765876/"), DCTERMS.Location)))
    g.add((dataset, DCTERMS.conformsTo, _typed(g, URIRef(f"{b}ontology"), DCTERMS.Standard)))
    g.add((dataset, DCTERMS.issued, when))
    g.add((dataset, DCTERMS.modified, when))
    g.add((dataset, DCAT_VERSION, Literal(build_id)))
    g.add((dataset, ADMS.versionNotes, Literal(f"Build {build_id} made by awardgraph {version}.", lang="en")))
    g.add((dataset, DCAT.landingPage, _typed(g, URIRef(b), FOAF.Document)))

    g.add((service, RDF.type, DCAT.DataService))
    texts(service, DCTERMS.title, "Punkt dostępowy SPARQL", "SPARQL endpoint")
    g.add((service, DCAT.endpointURL, service))
    g.add((service, DCAT.endpointDescription, service))
    g.add((service, DCAT.servesDataset, dataset))
    g.add(
        (
            service,
            DCTERMS.conformsTo,
            _typed(g, URIRef("https://www.w3.org/TR/sparql11-protocol/"), DCTERMS.Standard),
        )
    )
    g.add((service, DCTERMS.license, LICENSE))

    for written in dumps:
        dist = URIRef(f"{b}dataset#dump-{written.dump.name.lower()}")
        url = URIRef(f"{b}dumps/{written.dump.filename}")
        g.add((dataset, DCAT.distribution, dist))
        g.add((dataset, VOID.dataDump, url))
        g.add((dist, RDF.type, DCAT.Distribution))
        texts(dist, DCTERMS.title, f"Zrzut {written.dump.filename}", f"Dump {written.dump.filename}")
        texts(dist, DCTERMS.description, *(_QUADS_DUMP if written.dump.quads else _TRIPLES_DUMP))
        g.add((dist, DCAT.accessURL, url))
        g.add((dist, DCAT.downloadURL, url))
        g.add((dist, DCAT.mediaType, _typed(g, URIRef(IANA + written.dump.media_type), DCTERMS.MediaType)))
        file_type = f"{EU}file-type/{written.dump.eu_file_type}"
        g.add((dist, DCTERMS.format, _code(g, file_type, f"{EU}file-type", DCTERMS.MediaTypeOrExtent)))
        if written.dump.compressed:
            g.add((dist, DCAT.compressFormat, _typed(g, URIRef(IANA + "application/gzip"), DCTERMS.MediaType)))
        # DCAT-AP 3.0.0's shapes type dcat:byteSize as xsd:decimal (DCAT 3 says nonNegativeInteger); we follow
        # the shapes that portals validate with.
        g.add((dist, DCAT.byteSize, Literal(written.byte_size, datatype=XSD.decimal)))
        g.add((dist, DCTERMS.license, LICENSE))
        g.add((dist, DCTERMS.issued, when))
        checksum = BNode()
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, RDF.type, SPDX.Checksum))
        g.add((checksum, SPDX.algorithm, _typed(g, SHA256, SPDX.ChecksumAlgorithm)))
        g.add((checksum, SPDX.checksumValue, Literal(written.sha256, datatype=XSD.hexBinary)))

    _void_statistics(g, dataset, stats, base_iri)
    return g


def _typed(g: Graph, node: URIRef, *classes: URIRef) -> URIRef:
    """``node``, with its classes stated, so that DCAT-AP's range shapes hold without fetching vocabularies."""
    for cls in classes:
        g.add((node, RDF.type, cls))
    return node


def _code(g: Graph, iri: str, scheme: str, *classes: URIRef) -> URIRef:
    """A code of a controlled vocabulary, as a SKOS concept in its scheme (plus any range classes), labelled
    as its vocabulary labels it, so that the description reads without fetching the vocabularies."""
    node = _typed(g, URIRef(iri), SKOS.Concept, *classes)
    g.add((node, SKOS.prefLabel, Literal(CODE_LABELS[iri.rsplit("/", 1)[1]], lang="en")))
    g.add((node, SKOS.inScheme, _typed(g, URIRef(scheme), SKOS.ConceptScheme)))
    g.add((URIRef(scheme), DCTERMS.title, Literal(SCHEME_TITLES[scheme], lang="en")))
    return node


def _temporal(g: Graph, dataset: URIRef, period: tuple[ox.Literal, ox.Literal]) -> None:
    coverage = URIRef(f"{dataset}#temporal")
    g.add((dataset, DCTERMS.temporal, coverage))
    g.add((coverage, RDF.type, DCTERMS.PeriodOfTime))
    for prop, value in zip((DCAT.startDate, DCAT.endDate), period, strict=True):
        g.add((coverage, prop, Literal(value.value, datatype=URIRef(value.datatype.value))))


def _void_statistics(g: Graph, dataset: URIRef, stats: Stats, base_iri: str) -> None:
    g.add((dataset, VOID.sparqlEndpoint, URIRef(f"{base_iri}sparql")))
    g.add((dataset, VOID.uriSpace, Literal(f"{base_iri}id/")))
    g.add((dataset, VOID.vocabulary, URIRef(f"{base_iri}ontology#")))
    if stats.example:
        g.add((dataset, VOID.exampleResource, URIRef(stats.example)))
    for prop, value in (
        (VOID.triples, stats.triples),
        (VOID.entities, stats.entities),
        (VOID.distinctSubjects, stats.distinct_subjects),
        (VOID.distinctObjects, stats.distinct_objects),
        (VOID.classes, len(stats.classes)),
        (VOID.properties, len(stats.properties)),
    ):
        g.add((dataset, prop, Literal(value, datatype=XSD.integer)))
    g.add((dataset, RDFS.comment, Literal(f"{stats.graphs} named graphs.", lang="en")))
    for cls, count in sorted(stats.classes.items()):
        part = BNode()
        g.add((dataset, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(count, datatype=XSD.integer)))
    for predicate, count in sorted(stats.properties.items()):
        part = BNode()
        g.add((dataset, VOID.propertyPartition, part))
        g.add((part, VOID.property, URIRef(predicate)))
        g.add((part, VOID.triples, Literal(count, datatype=XSD.integer)))
