"""What a resource document says: the triples every RDF format carries, and the provenance the HTML page shows.

A document of ``{base}id/x`` holds the thing's own statements, the statements of the blank nodes it points to, the
labels of everything it links to, the statements pointing at it (at most :data:`INBOUND_LIMIT`) with the labels
of their subjects, and the document's own metadata (``foaf:primaryTopic``, ``void:inDataset``, licence). All
queries are the named ones in :mod:`awardgraph.queries`; the IRI is bound, never spliced into text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import pyoxigraph as ox

from awardgraph import queries
from awardgraph.web.state import Build

INBOUND_LIMIT = 500  # as in queries/inbound.rq

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FOAF_DOCUMENT = ox.NamedNode("http://xmlns.com/foaf/0.1/Document")
FOAF_PRIMARY_TOPIC = ox.NamedNode("http://xmlns.com/foaf/0.1/primaryTopic")
VOID_IN_DATASET = ox.NamedNode("http://rdfs.org/ns/void#inDataset")
DCT_LICENSE = ox.NamedNode("http://purl.org/dc/terms/license")
DCT_MODIFIED = ox.NamedNode("http://purl.org/dc/terms/modified")
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")


@dataclasses.dataclass(frozen=True)
class Assertion:
    """A named graph holding a statement, with what ``graph/provenance`` says of it."""

    graph: str
    status: str | None = None
    quotes: tuple[ox.Literal, ...] = ()
    sources: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class Description:
    """Everything one resource document shows."""

    iri: str
    document: str | None
    triples: list[ox.Triple]
    inbound_counts: dict[str, int]
    provenance: dict[tuple[str, str], list[Assertion]]

    @property
    def inbound_total(self) -> int:
        return sum(self.inbound_counts.values())


def exists(build: Build, iri: str, base_iri: str) -> bool:
    """Whether the dataset says anything about ``iri`` or points at it."""
    return queries.ask(build.store, "exists", base_iri=base_iri, this=iri)


def describe(
    build: Build, iri: str, *, base_iri: str, document: str | None, for_page: bool = False
) -> Description | None:
    """The description of ``iri``, or ``None`` if the dataset knows nothing of it.

    ``document`` is the canonical IRI of the describing document, which gets its metadata triples; ``None`` for a
    resource that is its own document (the ontology, the dataset, a named graph). ``for_page`` adds what only the
    HTML page shows (provenance per statement, inbound counts); the triples are the same either way.
    """
    if not exists(build, iri, base_iri):
        return None
    store = build.store
    triples = queries.construct(store, "describe", base_iri=base_iri, this=iri)
    triples += queries.construct(store, "inbound", base_iri=base_iri, this=iri)
    if document is not None:
        triples += document_metadata(build, iri, document, base_iri)
    if not for_page:
        return Description(iri, document, unique(triples), {}, {})
    counts = {
        str(row["p"].value): int(row["n"].value)
        for row in queries.select(store, "inbound-counts", base_iri=base_iri, this=iri)
    }
    return Description(iri, document, unique(triples), counts, provenance(build, iri, base_iri))


def describe_graph(build: Build, graph: str, *, base_iri: str, for_page: bool = False) -> Description | None:
    """A named graph as a document: the statements inside it, and what ``graph/provenance`` says about it."""
    contents = queries.construct(build.store, "graph", base_iri=base_iri, graph=graph)
    about = describe(build, graph, base_iri=base_iri, document=None, for_page=for_page)
    if not contents and about is None:
        return None
    triples = unique([*contents, *(about.triples if about else [])])
    return Description(graph, None, triples, about.inbound_counts if about else {}, about.provenance if about else {})


def document_metadata(build: Build, iri: str, document: str, base_iri: str) -> list[ox.Triple]:
    """The document's own statements: what it is about, which dataset it belongs to, its licence and date."""
    doc, dataset = ox.NamedNode(document), ox.NamedNode(f"{base_iri}dataset")
    triples = [
        ox.Triple(doc, RDF_TYPE, FOAF_DOCUMENT),
        ox.Triple(doc, FOAF_PRIMARY_TOPIC, ox.NamedNode(iri)),
        ox.Triple(doc, VOID_IN_DATASET, dataset),
        ox.Triple(doc, DCT_MODIFIED, ox.Literal(build.built.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD_DATETIME)),
    ]
    triples += [ox.Triple(doc, DCT_LICENSE, lic) for lic in licences(build, base_iri)]
    return triples


def licences(build: Build, base_iri: str) -> list[ox.NamedNode]:
    """The licence(s) the dataset description gives the data (read once per build)."""

    def compute() -> list[ox.NamedNode]:
        dataset = ox.NamedNode(f"{base_iri}dataset")
        return sorted(
            (
                t.object
                for t in dataset_triples(build, base_iri)
                if t.subject == dataset and t.predicate == DCT_LICENSE and isinstance(t.object, ox.NamedNode)
            ),
            key=str,
        )

    return build.memo("licences", compute)


def dataset_triples(build: Build, base_iri: str) -> list[ox.Triple]:
    """The dataset description (DCAT-AP and VoID) of the build, as stored in its named graph ``{base}dataset``."""
    return build.memo("dataset", lambda: queries.construct(build.store, "dataset", base_iri=base_iri))


def provenance(build: Build, iri: str, base_iri: str) -> dict[tuple[str, str], list[Assertion]]:
    """For each statement about ``iri`` (keyed by predicate IRI and object in N-Triples), its named graphs."""
    found: dict[tuple[str, str], dict[str, dict[str, set[str]]]] = {}
    quotes: dict[str, ox.Literal] = {}
    for row in queries.select(build.store, "provenance", base_iri=base_iri, this=iri):
        key = (str(row["p"].value), str(row["o"]))
        graph = str(row["g"].value)
        info = found.setdefault(key, {}).setdefault(graph, {"status": set(), "quote": set(), "source": set()})
        for name in ("status", "source"):
            if row[name] is not None:
                info[name].add(str(row[name].value))
        quote = row["quote"]
        if isinstance(quote, ox.Literal):
            info["quote"].add(str(quote))
            quotes[str(quote)] = quote
    return {
        key: [
            Assertion(
                graph,
                min(info["status"], default=None),
                tuple(quotes[q] for q in sorted(info["quote"])),
                tuple(sorted(info["source"])),
            )
            for graph, info in sorted(graphs.items())
        ]
        for key, graphs in found.items()
    }


def unique(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The triples without repeats, in a stable order (so every format and every request says the same)."""
    return sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
