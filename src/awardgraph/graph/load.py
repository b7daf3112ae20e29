"""Parse curated RDF files into one rdflib Dataset, resolving relative IRIs against the configured base.

Why relative IRIs: the curated files never name the base, so a publisher changes ``AWARDGRAPH_BASE_IRI`` and
nothing else. Errors name the file and, where the parser knows it, the line.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL, RDF

#: file suffix -> rdflib parser name; quad formats keep their graphs, triple formats get one graph per file
FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".n3": "n3",
    ".nt": "nt",
    ".ntriples": "nt",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".jsonld": "json-ld",
    ".json-ld": "json-ld",
    ".trig": "trig",
    ".nq": "nquads",
    ".nquads": "nquads",
}
QUAD_FORMATS = frozenset({"trig", "nquads"})


class LoadError(Exception):
    """A file could not be read or parsed; ``str()`` is a message for a person."""

    def __init__(self, path: Path, message: str, line: int | None = None) -> None:
        self.path, self.line = path, line
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclasses.dataclass
class Loaded:
    """The parsed dataset, and which file stated each subject (for reports that name files)."""

    dataset: Dataset
    files: list[Path]
    subject_files: dict[URIRef, list[Path]]


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
    """Parse every RDF file under ``paths`` into one Dataset; a triple file goes into a graph of its own."""
    dataset = Dataset(default_union=True)  # membership tests and SHACL see every graph
    files = rdf_files(paths)
    if not files:
        raise LoadError(Path(", ".join(str(p) for p in paths) or "."), "no RDF files found")
    subject_files: dict[URIRef, list[Path]] = {}
    for path in files:
        for subject in _parse_into(dataset, path, base_iri):
            subject_files.setdefault(subject, []).append(path)
    return Loaded(dataset, files, subject_files)


def _parse_into(dataset: Dataset, path: Path, base_iri: str) -> Iterator[URIRef]:
    fmt = FORMATS[path.suffix.lower()]
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror}") from None
    try:
        if fmt in QUAD_FORMATS:
            part = Dataset()
            part.parse(data=data, format=fmt, publicID=base_iri)
            if len(part.default_graph):
                raise LoadError(path, "triples outside any named graph; every statement needs a graph with a source")
            for s, p, o, g in part.quads():
                dataset.graph(g).add((s, p, o))
                if isinstance(s, URIRef):
                    yield s
            return
        graph = Graph()
        graph.parse(data=data, format=fmt, publicID=base_iri)
    except LoadError:
        raise
    except Exception as exc:  # rdflib raises many unrelated types; all mean "this file does not parse"
        raise LoadError(path, _syntax_message(exc), _syntax_line(exc)) from None
    target = graph_name_for_file(graph, path, base_iri)
    named = dataset.graph(target)
    for s, p, o in graph:
        named.add((s, p, o))
        if isinstance(s, URIRef):
            yield s


def graph_name_for_file(graph: Graph, path: Path, base_iri: str) -> URIRef:
    """An ontology goes into a graph named by its own IRI; other triple files into ``{base}graph/{stem}``."""
    ontologies = [s for s in graph.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef)]
    if len(ontologies) == 1:
        return ontologies[0]
    return URIRef(f"{base_iri}graph/{path.stem}")


def _syntax_message(exc: Exception) -> str:
    why = getattr(exc, "_why", None)  # rdflib's Turtle/TriG BadSyntax keeps the reason apart from the excerpt
    text = why if isinstance(why, str) else " ".join(str(exc).split())
    return f"does not parse as RDF: {text[:500]}"


def _syntax_line(exc: Exception) -> int | None:
    # rdflib's TriG parser miscounts lines, so count them from the character offset it also keeps
    source, offset = getattr(exc, "_str", None), getattr(exc, "_i", None)
    if isinstance(source, bytes | str) and isinstance(offset, int):
        newline = b"\n" if isinstance(source, bytes) else "\n"
        return source[:offset].count(newline) + 1  # type: ignore[arg-type]
    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else None
