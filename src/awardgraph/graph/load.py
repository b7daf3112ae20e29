"""Parse curated RDF files into one in-memory Oxigraph store, resolving relative IRIs against the configured base.

Why relative IRIs: the curated files never name the base, so a publisher changes ``AWARDGRAPH_BASE_IRI`` and
nothing else. Errors name the file and, where the parser knows it, the line.

Oxigraph's parsers do the work (no rdflib on this path): a 1M-triple TriG file loads in seconds where rdflib took
about 30 s and 2.6 GB. Oxigraph normalises some literals as it stores them (``"+4"^^xsd:positiveInteger`` becomes
``"4"^^xsd:integer``, oxigraph/oxigraph#526); validation, the store and the dumps all see that stored form.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

#: file suffix -> parser; quad formats keep their graphs, triple formats get one graph per file
FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".n3": ox.RdfFormat.N3,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".ntriples": ox.RdfFormat.N_TRIPLES,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json-ld": ox.RdfFormat.JSON_LD,
    ".trig": ox.RdfFormat.TRIG,
    ".nq": ox.RdfFormat.N_QUADS,
    ".nquads": ox.RdfFormat.N_QUADS,
}
QUAD_FORMATS = frozenset({ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS})
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_OWL_ONTOLOGY = ox.NamedNode("http://www.w3.org/2002/07/owl#Ontology")


class LoadError(Exception):
    """A file could not be read or parsed; ``str()`` is a message for a person."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path, self.line = path, line
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclasses.dataclass(eq=False)
class Loaded:
    """The parsed quads (every one in a named graph) in an in-memory Oxigraph store, and the files they came from.

    ``paths`` are the paths the files were found under (``--data``: the validator looks for archived source texts
    beside them). ``dataset`` (an rdflib copy, for the pyshacl reference engine) is computed on first use, and
    where each statement is written only when a report asks (:mod:`awardgraph.graph.locate`), so a build that
    passes pays for neither.
    """

    store: ox.Store
    files: list[Path]
    base_iri: str
    paths: tuple[Path, ...] = ()

    def __len__(self) -> int:
        return self.quads

    @functools.cached_property
    def quads(self) -> int:
        """How many quads were loaded (counted once: counting walks the store)."""
        return len(self.store)

    @functools.cached_property
    def dataset(self) -> Dataset:
        """The same quads as an rdflib Dataset whose default graph is the union of the named graphs."""
        dataset = Dataset(default_union=True)
        dataset.parse(data=self.store.dump(format=ox.RdfFormat.N_QUADS) or b"", format="nquads")
        return dataset


def rdf_files(paths: Iterable[Path]) -> list[Path]:
    """Every RDF file under ``paths`` (files taken as given, folders searched recursively), in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FORMATS))
        elif path.is_file():
            if path.suffix.lower() not in FORMATS:
                raise LoadError(path, f"unknown RDF file type {path.suffix!r}; use one of {', '.join(FORMATS)}")
            found.append(path)
        else:
            raise LoadError(path, "no such file or folder")
    return found


def load(paths: Iterable[Path], base_iri: str) -> Loaded:
    """Parse every RDF file under ``paths`` into one store; a triple file goes into a graph of its own.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "facts.trig").write_text('<graph/a> { <id/place/x> <ontology#p> "1" . }')
    >>> loaded = load([folder], "https://example.org/")
    >>> [str(q.graph_name) for q in loaded.store]
    ['<https://example.org/graph/a>']
    """
    paths = list(paths)
    files = rdf_files(paths)
    if not files:
        raise LoadError(Path(", ".join(str(p) for p in paths) or "."), "no RDF files found")
    store = ox.Store()
    for path in files:
        _load_file(store, path, base_iri)
    return Loaded(store, files, base_iri, tuple(paths))


def _load_file(store: ox.Store, path: Path, base_iri: str) -> None:
    fmt = FORMATS[path.suffix.lower()]
    try:
        if fmt in QUAD_FORMATS:
            store.bulk_load(path=path, format=fmt, base_iri=base_iri)
            if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
                raise LoadError(path, "triples outside any named graph; every statement needs a graph with a source")
            return
        scratch = ox.Store()  # read once to find the graph name (small files: ontologies), then into that graph
        scratch.bulk_load(path=path, format=fmt, base_iri=base_iri)
        store.bulk_load(path=path, format=fmt, base_iri=base_iri, to_graph=graph_name_for_file(scratch, path, base_iri))
    except SyntaxError as exc:
        raise LoadError(path, f"does not parse as RDF: {_reason(exc)}", exc.lineno) from None
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror or exc}") from None


def graph_name_for_file(triples: ox.Store, path: Path, base_iri: str) -> ox.NamedNode:
    """An ontology goes into a graph named by its own IRI; other triple files into ``{base}graph/{stem}``."""
    ontologies = {
        q.subject.value
        for q in triples.quads_for_pattern(None, _RDF_TYPE, _OWL_ONTOLOGY, None)
        if isinstance(q.subject, ox.NamedNode)
    }
    if len(ontologies) == 1:
        return ox.NamedNode(ontologies.pop())
    return ox.NamedNode(f"{base_iri}graph/{path.stem}")


def _reason(exc: SyntaxError) -> str:
    text = exc.msg if isinstance(exc.msg, str) and exc.msg else str(exc)
    return " ".join(text.split())[:500]
