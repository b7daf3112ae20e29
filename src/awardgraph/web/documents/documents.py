"""What a resource document says: the triples every RDF format carries, and the provenance the HTML page shows.

A document of ``{base}id/x`` holds the thing's own statements, the statements of the blank nodes it points to, the
labels of everything it links to, the statements pointing at it (one page of :data:`INBOUND_PAGE`, in subject
and property order) with the labels of their subjects, and the document's own metadata (``foaf:primaryTopic``,
``void:inDataset``, licence). Its triples are the default graph's (no outside claim: see
:mod:`awardgraph.graph.defaultgraph`), and it links every named graph that holds a statement about the thing:
``prov:wasDerivedFrom`` the graphs its statements come from, ``rdfs:seeAlso`` the graphs of claims it leaves out,
each with what ``graph/provenance`` says of it (status, quote, source). The quad formats (TriG, N-Quads) hold
every statement about the thing in the graph that holds it, outside claims included, and the graphs'
descriptions in ``graph/provenance``; the HTML page shows every statement with its graphs.

When more statements point at the thing than one page holds, the document is page 1 of them and
``{doc}?inbound-page=N`` is page N: the same description with the next window of inbound statements, and Hydra
paging triples (a ``hydra:Collection`` ``{doc}#inbound`` with ``hydra:totalItems``, and this page as a
``hydra:PartialCollectionView`` with ``hydra:first``/``previous``/``next``/``last``). All queries are the named
ones in :mod:`awardgraph.queries`; the IRI is bound, never spliced into text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import pyoxigraph as ox

from awardgraph import queries
from awardgraph.web.state import Build

INBOUND_PAGE = 500  # statements pointing at a thing per page of its document
PAGE_PARAMETER = "inbound-page"

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_SEE_ALSO = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#seeAlso")
PROV_DERIVED = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
FOAF_DOCUMENT = ox.NamedNode("http://xmlns.com/foaf/0.1/Document")
FOAF_PRIMARY_TOPIC = ox.NamedNode("http://xmlns.com/foaf/0.1/primaryTopic")
VOID_IN_DATASET = ox.NamedNode("http://rdfs.org/ns/void#inDataset")
DCT_LICENSE = ox.NamedNode("http://purl.org/dc/terms/license")
DCT_MODIFIED = ox.NamedNode("http://purl.org/dc/terms/modified")
XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
XSD_NON_NEGATIVE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#nonNegativeInteger")
HYDRA = "http://www.w3.org/ns/hydra/core#"


@dataclasses.dataclass(frozen=True)
class Paging:
    """Which page of the statements pointing at a thing a document shows, of how many."""

    page: int
    total: int
    size: int

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def paged(self) -> bool:
        """Whether there is more than one page (only then do documents carry paging links)."""
        return self.last > 1

    @property
    def first_shown(self) -> int:
        return (self.page - 1) * self.size + 1

    @property
    def last_shown(self) -> int:
        return min(self.page * self.size, self.total)

    def neighbours(self) -> dict[str, int]:
        """Relation (``first``, ``prev``, ``next``, ``last``) -> page number, as far as they exist."""
        found = {"first": 1, "last": self.last}
        if self.page > 1:
            found["prev"] = self.page - 1
        if self.page < self.last:
            found["next"] = self.page + 1
        return found


def page_iri(document: str, page: int) -> str:
    """The IRI of page ``page`` of a document's inbound statements (page 1 is the document itself)."""
    return document if page == 1 else f"{document}?{PAGE_PARAMETER}={page}"


@dataclasses.dataclass(frozen=True)
class Assertion:
    """A named graph holding a statement, with what ``graph/provenance`` says of it."""

    graph: str
    status: str | None = None
    quotes: tuple[ox.Literal, ...] = ()
    sources: tuple[str, ...] = ()
    carried: bool = True  # its statement is in the default graph (and so in the triple formats)


@dataclasses.dataclass(frozen=True)
class Description:
    """Everything one resource document shows."""

    iri: str
    document: str | None
    triples: list[ox.Triple]
    inbound_counts: dict[str, int]
    provenance: dict[tuple[str, str], list[Assertion]]
    paging: Paging = Paging(1, 0, INBOUND_PAGE)
    claims: list[ox.Triple] = dataclasses.field(default_factory=list)  # HTML only: statements outside the default
    quads: list[ox.Quad] | None = None  # the quad formats' statements (asked for with ``quads=True``)

    @property
    def inbound_total(self) -> int:
        return sum(self.inbound_counts.values())

    @property
    def exists(self) -> bool:
        """Whether the page asked for is there (page 1 always is)."""
        return self.paging.page <= self.paging.last


def exists(build: Build, iri: str, base_iri: str) -> bool:
    """Whether the dataset says anything about ``iri`` or points at it."""
    return queries.ask(build.store, "exists", base_iri=base_iri, this=iri)


def describe(
    build: Build,
    iri: str,
    *,
    base_iri: str,
    document: str | None,
    for_page: bool = False,
    page: int = 1,
    quads: bool = False,
) -> Description | None:
    """The description of ``iri`` with page ``page`` of the statements pointing at it, or ``None`` if the dataset
    knows nothing of it (a page past the last one comes back with ``exists`` false).

    ``document`` is the canonical IRI of the describing document, which gets its metadata triples and links to
    its graphs; ``None`` for a resource that is its own document (the ontology, the dataset, a named graph).
    ``for_page`` adds what only the HTML page shows (provenance per statement, and the statements of outside
    claims); ``quads`` the statements of the quad formats. The triples are the same either way.
    """
    if not exists(build, iri, base_iri):
        return None
    store = build.store
    this = ox.NamedNode(iri)
    triples = queries.construct(store, "describe", base_iri=base_iri, this=iri)
    inbound = queries.construct(store, "inbound", queries.Window.page(page, INBOUND_PAGE), base_iri=base_iri, this=iri)
    shown = sum(1 for t in inbound if t.object == this)
    counts: dict[str, int] = {}
    if for_page or page > 1 or shown >= INBOUND_PAGE:  # the counts are needed (else page 1 holds them all)
        counts = {
            str(row["p"].value): int(row["n"].value)
            for row in queries.select(store, "inbound-counts", base_iri=base_iri, this=iri)
        }
    paging = Paging(page, sum(counts.values()) if counts else shown, INBOUND_PAGE)
    triples += inbound
    this_document = page_iri(document or iri, page)
    found, claims = provenance(build, iri, base_iri, set(triples))
    metadata = []
    if document is not None:
        metadata += document_metadata(build, iri, this_document, base_iri)
        metadata += graph_links(this_document, found)
    if paging.paged:
        metadata += paging_triples(document or iri, paging)
    sources = queries.construct(store, "graph-descriptions", base_iri=base_iri, this=iri) if document or quads else []
    statements = None
    if quads:  # the graphs' descriptions where the data keeps them, the document's own statements in the default
        provenance_graph = ox.NamedNode(f"{base_iri}graph/provenance")
        statements = [*statement_quads(build, iri, base_iri, page), *(_quad(t) for t in metadata)]
        statements += [_quad(t, provenance_graph) for t in sources]
    return Description(
        iri,
        this_document if document else None,
        unique([*triples, *metadata, *sources]),
        counts,
        found if for_page else {},
        paging,
        claims if for_page else [],
        unique_quads(statements) if statements is not None else None,
    )


def graph_links(document: str, found: dict[tuple[str, str], list[Assertion]]) -> list[ox.Triple]:
    """The document's links to the described graphs that hold statements about its thing: ``prov:wasDerivedFrom``
    the graphs of the statements it carries, ``rdfs:seeAlso`` the others (outside claims)."""
    doc = ox.NamedNode(document)
    described = [a for assertions in found.values() for a in assertions if a.status is not None]  # not ontology
    carried = {a.graph for a in described if a.carried}
    every = {a.graph for a in described}
    return [ox.Triple(doc, PROV_DERIVED if g in carried else RDFS_SEE_ALSO, ox.NamedNode(g)) for g in sorted(every)]


def statement_quads(build: Build, iri: str, base_iri: str, page: int) -> list[ox.Quad]:
    """Every statement about ``iri`` in the graph that holds it, and the page ``page`` of the statements pointing at
    it (those of the default graph, as the triple formats show them) in theirs."""
    found = [
        ox.Quad(row["s"], row["p"], row["o"], row["g"])
        for row in queries.select(build.store, "describe-quads", base_iri=base_iri, this=iri)
    ]
    window = queries.Window.page(page, INBOUND_PAGE)
    this = ox.NamedNode(iri)
    for row in queries.select(build.store, "inbound-quads", window, base_iri=base_iri, this=iri):
        found.append(ox.Quad(row["s"], row["p"], this, row["g"]))
        if row["label"] is not None:
            found.append(ox.Quad(row["s"], row["lp"], row["label"], row["lg"]))
    return found


def describe_graph(
    build: Build, graph: str, *, base_iri: str, for_page: bool = False, page: int = 1, quads: bool = False
) -> Description | None:
    """A named graph as a document: the statements inside it, and what ``graph/provenance`` says about it."""
    contents = queries.construct(build.store, "graph", base_iri=base_iri, graph=graph)
    about = describe(build, graph, base_iri=base_iri, document=None, for_page=for_page, page=page, quads=quads)
    if not contents and about is None:
        return None
    inside = [_quad(t, ox.NamedNode(graph)) for t in contents] if quads else None
    if about is None:
        return Description(graph, None, unique(contents), {}, {}, quads=inside)
    together = unique_quads([*inside, *(about.quads or [])]) if inside is not None else None
    return dataclasses.replace(about, triples=unique([*contents, *about.triples]), quads=together)


def paging_triples(document: str, paging: Paging) -> list[ox.Triple]:
    """Hydra paging: the inbound statements of ``document`` as a collection, and this page as a view of it."""
    collection, view = ox.NamedNode(f"{document}#inbound"), ox.NamedNode(page_iri(document, paging.page))
    total = ox.Literal(str(paging.total), datatype=XSD_NON_NEGATIVE)
    triples = [
        ox.Triple(collection, RDF_TYPE, ox.NamedNode(f"{HYDRA}Collection")),
        ox.Triple(collection, ox.NamedNode(f"{HYDRA}totalItems"), total),
        ox.Triple(collection, ox.NamedNode(f"{HYDRA}view"), view),
        ox.Triple(view, RDF_TYPE, ox.NamedNode(f"{HYDRA}PartialCollectionView")),
    ]
    names = {"first": "first", "prev": "previous", "next": "next", "last": "last"}
    for rel, number in paging.neighbours().items():
        triples.append(ox.Triple(view, ox.NamedNode(f"{HYDRA}{names[rel]}"), ox.NamedNode(page_iri(document, number))))
    return triples


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


def provenance(
    build: Build, iri: str, base_iri: str, shown: set[ox.Triple]
) -> tuple[dict[tuple[str, str], list[Assertion]], list[ox.Triple]]:
    """For each statement about ``iri`` (keyed by predicate IRI and object in N-Triples), its named graphs; and the
    statements about it that are not among ``shown`` (the default graph's): outside claims."""
    found: dict[tuple[str, str], dict[str, dict[str, set[str]]]] = {}
    quotes: dict[str, ox.Literal] = {}
    outside: list[ox.Triple] = []
    for row in queries.select(build.store, "provenance", base_iri=base_iri, this=iri):
        statement = ox.Triple(row["this"], row["p"], row["o"])
        if statement not in shown:
            outside.append(statement)
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
    carried = {(str(t.predicate.value), str(t.object)) for t in shown if str(t.subject) == f"<{iri}>"}
    assertions = {
        key: [
            Assertion(
                graph,
                min(info["status"], default=None),
                tuple(quotes[q] for q in sorted(info["quote"])),
                tuple(sorted(info["source"])),
                key in carried,
            )
            for graph, info in sorted(graphs.items())
        ]
        for key, graphs in found.items()
    }
    return assertions, unique(outside)


def unique(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The triples without repeats, in a stable order (so every format and every request says the same)."""
    return sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))


def _quad(t: ox.Triple, graph: ox.NamedNode | None = None) -> ox.Quad:
    return ox.Quad(t.subject, t.predicate, t.object, graph)


def unique_quads(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The quads without repeats, grouped by graph, in a stable order."""
    return sorted(set(quads), key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
