"""The dataset description: DCAT-AP 3 (catalog, dataset, distributions, data service) and VoID statistics.

Counts come from the built store itself, so the description cannot disagree with what is served. ``void:triples``
counts the data graphs (every triple of the dumps), not the description's own triples.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib.resources
import string
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, SKOS, VOID, XSD

from awardgraph import queries
from awardgraph.builds import Dump
from awardgraph.graph.dumps import WrittenDump
from awardgraph.namespaces import ADMS, SPDX, prefixes
from awardgraph.store.base import Store

EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SHA256 = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")  # the IRI DCAT-AP 3's shapes expect
#: English labels of the dumps' file types (EU Publications Office authority table); the other codes of the
#: description are labelled in queries/catalogue.ttl
CODE_LABELS = {
    "RDF_TURTLE": "RDF Turtle",
    "RDF_N_TRIPLES": "RDF N-Triples",
    "RDF_N_QUADS": "RDF N-Quads",
    "RDF_TRIG": "RDF TriG",
    "JSON_LD": "JSON-LD",
    "RDF_XML": "RDF/XML",
    "SPARQLQ": "SPARQL query",
}
SCHEME_TITLES = {f"{EU}file-type": "File type"}
#: the licence as the EU authority table names it (what portals map); queries/catalogue.ttl links the deed
LICENSE = URIRef(f"{EU}licence/CC_BY_4_0")
STABLE = URIRef(f"{EU}planned-availability/STABLE")
DCATAP = Namespace("http://data.europa.eu/r5r/")
DCAT_VERSION = URIRef(f"{DCAT}version")  # DCAT 3; rdflib's DCAT namespace predates it
VCARD_HAS_EMAIL = URIRef(f"{VCARD}hasEmail")


@dataclasses.dataclass(frozen=True)
class Content:
    """What the data is (a fingerprint of its files) and when it last changed (``dcterms:modified``)."""

    sha256: str
    modified: Literal


def fingerprint(files: Iterable[Path], base_iri: str) -> str:
    """The SHA-256 of the data as read: the base IRI, then each file's name and bytes, in the order of the names.

    Any change to a file (a comment too) is a change of the data; moving the files elsewhere is not.
    """
    digest = hashlib.sha256(base_iri.encode())
    for path in sorted(files, key=lambda p: (p.name, str(p))):
        digest.update(f"\n{path.name}\n".encode())
        with path.open("rb") as f:
            digest.update(hashlib.file_digest(f, "sha256").digest())
    return digest.hexdigest()


def previous_content(store: Store | ox.Store, base_iri: str) -> Content | None:
    """What the description in ``store`` (its graph ``{base}dataset``) says of the data it describes, if anything."""
    for row in queries.select(store, "content-state", base_iri=base_iri):
        sha, modified = row["sha256"], row["modified"]
        if isinstance(sha, ox.Literal) and isinstance(modified, ox.Literal):
            value = modified.value.removesuffix("+00:00") + ("Z" if modified.value.endswith("+00:00") else "")
            return Content(sha.value.lower(), Literal(value, datatype=URIRef(modified.datatype.value)))
    return None


def content(sha256: str, previous: Content | None, built: dt.datetime) -> Content:
    """When the data last changed: the date of the previous description, when its fingerprint is ``sha256``; else
    ``built`` (the data is new, or changed)."""
    if previous is not None and previous.sha256 == sha256:
        return previous
    return Content(sha256, Literal(built.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime))


def description_store(path: Path, base_iri: str) -> ox.Store | None:
    """A build's ``dataset.ttl`` (``path``) in a store of its own, in the graph ``{base}dataset``, as the build's store
    holds it; ``None`` without one."""
    if not path.is_file():
        return None
    store = ox.Store()
    store.load(
        path=str(path), format=ox.RdfFormat.TURTLE, base_iri=base_iri, to_graph=ox.NamedNode(f"{base_iri}dataset")
    )
    return store


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


def compute_stats(store: ox.Store, base_iri: str) -> Stats:
    """Count what the data graphs of ``store`` hold: every named graph but the dataset description
    (``{base}dataset``, :func:`awardgraph.builds.description_graph`), should the store hold one.

    Each figure is a named query (``queries/stats-*.rq``; the description's graph and the id space are IRIs there,
    relative to ``base_iri``), the cheapest query Oxigraph answers it with at a million triples: the triples per
    property in one scan, the distinct subjects (and among them the entities) from one ``DISTINCT`` scan, the distinct
    objects from another; the graphs, classes, period and example read the store's indexes (a class's instances, not
    every quad). The shapes graph is not left out: a build adds it after counting, and a second graph in the
    per-quad filter would cost a tenth of each scan.
    """
    subjects = _single(store, "stats-subjects", base_iri)
    properties = _grouped(store, "stats-properties", base_iri, "p")
    classes = _grouped(store, "stats-classes", base_iri, "c")
    return Stats(
        triples=sum(properties.values()),
        graphs=_count(_single(store, "stats-graphs", base_iri)["graphs"]),
        entities=_count(subjects["entities"]),
        distinct_subjects=_count(subjects["subjects"]),
        distinct_objects=_count(_single(store, "stats-objects", base_iri)["objects"]),
        classes=classes,
        properties=properties,
        example=_example(store, base_iri, classes),
        period=_period(store, base_iri),
    )


def _single(store: ox.Store, name: str, base_iri: str) -> ox.QuerySolution:
    """The one row of a named aggregate query."""
    return queries.select(store, name, base_iri=base_iri)[0]


def _count(term: object) -> int:
    assert isinstance(term, ox.Literal)
    return int(term.value)


def _grouped(store: ox.Store, name: str, base_iri: str, key: str) -> dict[str, int]:
    """A named query's count ``?n`` per ``?{key}``."""
    return {str(r[key].value): _count(r["n"]) for r in queries.select(store, name, base_iri=base_iri)}


def _period(store: ox.Store, base_iri: str) -> tuple[ox.Literal, ox.Literal] | None:
    """The temporal coverage: the earliest ``schema:startDate`` and latest end (or start) of any event.

    Dates have mixed precision (``xsd:date``, ``xsd:gYearMonth``); their lexical forms sort chronologically.
    """
    dates = sorted(
        {d for r in queries.select(store, "stats-period", base_iri=base_iri) if isinstance(d := r["d"], ox.Literal)},
        key=lambda d: d.value,
    )
    return (dates[0], dates[-1]) if dates else None


def _example(store: ox.Store, base_iri: str, classes: dict[str, int]) -> str | None:
    """A typical resource for ``void:exampleResource``: the first distinction (by IRI), else the first thing.

    Distinctions are looked up as instances of their class(es) (``?c`` bound: an index range), not by sorting every
    typed thing; only without any is every class's first read.
    """
    distinctions = [c for c in sorted(classes) if c.endswith("#Distinction")]
    firsts = [first for c in distinctions for first in _firsts(store, base_iri, c)]
    firsts = firsts or _firsts(store, base_iri, None)
    return min(firsts) if firsts else None


def _firsts(store: ox.Store, base_iri: str, cls: str | None) -> list[str]:
    """The first typed thing under the id space of each class, or of ``cls`` alone (bound as ``?c``)."""
    bound = {"c": cls} if cls is not None else {}
    return [str(r["first"].value) for r in queries.select(store, "stats-example", base_iri=base_iri, **bound)]


def _template(name: str, base_iri: str) -> Graph:
    """``queries/{name}.ttl``, words and fixed statements of the description, its relative IRIs resolved against
    ``base_iri``."""
    text = importlib.resources.files("awardgraph.queries").joinpath(f"{name}.ttl").read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle", publicID=base_iri)


def describe(
    base_iri: str,
    stats: Stats,
    dumps: list[WrittenDump],
    *,
    build_id: str,
    version: str,
    built: dt.datetime,
    content: Content,
    contact_email: str | None = None,
) -> Graph:
    """The DCAT-AP + VoID description of one build, as an rdflib graph: ``queries/catalogue.ttl`` (the catalogue's
    text and fixed statements, the first publication's date among them) with the build's dates, version, dumps,
    figures and contact email added. ``content`` says when the data last changed (:func:`content`)."""
    g = Graph()
    for prefix, namespace in prefixes(base_iri).items():
        g.bind(prefix, namespace)
    g.bind("vcard", VCARD)
    g.bind("dcatap", DCATAP)
    g.bind("gsp", "http://www.opengis.net/ont/geosparql#")
    g += _template("catalogue", base_iri)
    b = base_iri
    catalog, dataset = URIRef(f"{b}catalog"), URIRef(f"{b}dataset")
    g.add((catalog, DCTERMS.modified, Literal(built.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime)))
    if stats.period:
        _temporal(g, dataset, stats.period)
    g.add((dataset, DCTERMS.modified, content.modified))
    _fingerprint(g, dataset, content.sha256)
    g.add((dataset, DCAT_VERSION, Literal(build_id)))
    g.add((dataset, ADMS.versionNotes, Literal(f"Build {build_id} made by awardgraph {version}.", lang="en")))
    if contact_email:
        g.add((URIRef(f"{b}dataset#contact"), VCARD_HAS_EMAIL, URIRef(f"mailto:{contact_email}")))
    words = _template("catalogue-dumps", f"{base_iri}catalogue-dumps")  # its <#quads> and the like
    issued = g.value(dataset, DCTERMS.issued)
    assert isinstance(issued, Literal), "queries/catalogue.ttl gives the dataset its dcterms:issued"
    dates = (issued, content.modified)
    rights = _rights(g, words, base_iri)
    for written in dumps:
        _distribution(g, words, written, base_iri, dates, rights)
    _service_distribution(g, words, base_iri, dates, rights)
    _void_statistics(g, dataset, stats, base_iri)
    return g


def _word(base_iri: str, name: str) -> URIRef:
    """A node of ``queries/catalogue-dumps.ttl`` (parsed against ``{base}catalogue-dumps``)."""
    return URIRef(f"{base_iri}catalogue-dumps#{name}")


def _rights(g: Graph, words: Graph, base_iri: str) -> URIRef:
    """The rights statement of the dataset and of every distribution (attribution under the licence)."""
    dataset = URIRef(f"{base_iri}dataset")
    rights = URIRef(f"{dataset}#rights")
    g.add((rights, RDF.type, DCTERMS.RightsStatement))
    for label in words.objects(_word(base_iri, "rights"), RDFS.label):
        g.add((rights, RDFS.label, label))
    g.add((dataset, DCTERMS.rights, rights))
    return rights


def _common(g: Graph, dist: URIRef, base_iri: str, dates: tuple[Literal, Literal], rights: URIRef) -> None:
    """What every distribution states: it is the dataset's, its licence, rights, availability and dates."""
    dataset = URIRef(f"{base_iri}dataset")
    g.add((dataset, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.license, LICENSE))
    g.add((dist, DCTERMS.rights, rights))
    g.add((dist, DCATAP.availability, STABLE))
    g.add((dist, DCTERMS.issued, dates[0]))
    g.add((dist, DCTERMS.modified, dates[1]))


def _distribution(
    g: Graph, words: Graph, written: WrittenDump, base_iri: str, dates: tuple[Literal, Literal], rights: URIRef
) -> None:
    """One dump as a DCAT distribution of the dataset, titled and described with ``words``."""
    dataset = URIRef(f"{base_iri}dataset")
    dist = URIRef(f"{base_iri}dataset#dump-{written.dump.name.lower()}")
    url = URIRef(f"{base_iri}dumps/{written.dump.filename}")
    _common(g, dist, base_iri, dates, rights)
    g.add((dataset, VOID.dataDump, url))
    kind = "jsonld" if written.dump is Dump.JSONLD else "quads" if written.dump.quads else "triples"
    for title in words.objects(_word(base_iri, "title"), DCTERMS.title):
        assert isinstance(title, Literal)
        filled = string.Template(str(title)).substitute(filename=written.dump.filename)
        g.add((dist, DCTERMS.title, Literal(filled, lang=title.language)))
    for text in words.objects(_word(base_iri, kind), DCTERMS.description):
        g.add((dist, DCTERMS.description, text))
    g.add((dist, DCAT.accessURL, url))
    g.add((dist, DCAT.downloadURL, url))
    g.add((dist, DCAT.mediaType, _typed(g, URIRef(IANA + written.dump.media_type), DCTERMS.MediaType)))
    file_type = f"{EU}file-type/{written.dump.eu_file_type}"
    g.add((dist, DCTERMS.format, _code(g, file_type, f"{EU}file-type", DCTERMS.MediaTypeOrExtent)))
    if written.dump.compressed:
        g.add((dist, DCAT.compressFormat, _typed(g, URIRef(IANA + "application/gzip"), DCTERMS.MediaType)))
    # DCAT-AP 3.0.1 (as DCAT 3): a whole number of bytes; 3.0.0's shapes said xsd:decimal
    g.add((dist, DCAT.byteSize, Literal(written.byte_size, datatype=XSD.nonNegativeInteger)))
    checksum = BNode()
    g.add((dist, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, _typed(g, SHA256, SPDX.ChecksumAlgorithm)))
    g.add((checksum, SPDX.checksumValue, Literal(written.sha256, datatype=XSD.hexBinary)))


def _service_distribution(
    g: Graph, words: Graph, base_iri: str, dates: tuple[Literal, Literal], rights: URIRef
) -> None:
    """The dataset as the SPARQL service gives it: a distribution whose access service is ``{base}sparql``. A
    service, not a file: no download URL, no size, no checksum."""
    dist, service = URIRef(f"{base_iri}dataset#sparql"), URIRef(f"{base_iri}sparql")
    _common(g, dist, base_iri, dates, rights)
    source = _word(base_iri, "sparql")
    for prop in (DCTERMS.title, DCTERMS.description):
        for text in words.objects(source, prop):
            g.add((dist, prop, text))
    g.add((dist, DCAT.accessURL, service))
    g.add((dist, DCAT.accessService, service))
    g.add((dist, DCAT.mediaType, _typed(g, URIRef(IANA + "application/sparql-query"), DCTERMS.MediaType)))
    g.add((dist, DCTERMS.format, _code(g, f"{EU}file-type/SPARQLQ", f"{EU}file-type", DCTERMS.MediaTypeOrExtent)))


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


def _fingerprint(g: Graph, dataset: URIRef, sha256: str) -> None:
    """The data's fingerprint (:func:`fingerprint`), by which the next build tells whether the data changed."""
    checksum = URIRef(f"{dataset}#content")
    g.add((dataset, SPDX.checksum, checksum))
    g.add((checksum, RDF.type, SPDX.Checksum))
    g.add((checksum, SPDX.algorithm, _typed(g, SHA256, SPDX.ChecksumAlgorithm)))
    g.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))


def _temporal(g: Graph, dataset: URIRef, period: tuple[ox.Literal, ox.Literal]) -> None:
    coverage = URIRef(f"{dataset}#temporal")
    g.add((dataset, DCTERMS.temporal, coverage))
    g.add((coverage, RDF.type, DCTERMS.PeriodOfTime))
    for prop, value in zip((DCAT.startDate, DCAT.endDate), period, strict=True):
        g.add((coverage, prop, Literal(value.value, datatype=URIRef(value.datatype.value))))


def _void_statistics(g: Graph, dataset: URIRef, stats: Stats, base_iri: str) -> None:
    g.add((dataset, VOID.uriSpace, Literal(f"{base_iri}id/")))
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
