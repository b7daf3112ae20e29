"""Write the dumps of a build (every common RDF syntax) with their sizes and SHA-256 checksums.

Triple syntaxes hold the union of all graphs (one triple is never in two graphs, so nothing is lost but the graph
names); N-Quads and TriG keep the named graphs. Output is sorted, so the same data gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import enum
import gzip
import hashlib
import warnings
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset


class Dump(enum.Enum):
    """Each dump: file name, media type, EU file-type code, whether it keeps the named graphs."""

    TURTLE = ("awardgraph.ttl", "text/turtle", "RDF_TURTLE", False)
    NTRIPLES_GZ = ("awardgraph.nt.gz", "application/n-triples", "RDF_N_TRIPLES", False)
    NQUADS_GZ = ("awardgraph.nq.gz", "application/n-quads", "RDF_N_QUADS", True)
    TRIG = ("awardgraph.trig", "application/trig", "RDF_TRIG", True)
    JSONLD = ("awardgraph.jsonld", "application/ld+json", "JSON_LD", True)
    RDFXML = ("awardgraph.rdf", "application/rdf+xml", "RDF_XML", False)

    def __init__(self, filename: str, media_type: str, eu_file_type: str, quads: bool) -> None:
        self.filename, self.media_type, self.eu_file_type, self.quads = (
            filename,
            media_type,
            eu_file_type,
            quads,
        )

    @property
    def compressed(self) -> bool:
        return self.filename.endswith(".gz")


_OX_FORMAT = {
    Dump.TURTLE: ox.RdfFormat.TURTLE,
    Dump.NTRIPLES_GZ: ox.RdfFormat.N_TRIPLES,
    Dump.NQUADS_GZ: ox.RdfFormat.N_QUADS,
    Dump.TRIG: ox.RdfFormat.TRIG,
    Dump.RDFXML: ox.RdfFormat.RDF_XML,
}


@dataclasses.dataclass(frozen=True)
class WrittenDump:
    dump: Dump
    path: Path
    byte_size: int
    sha256: str


def write_dumps(store: ox.Store, folder: Path, prefixes: dict[str, str], *, exclude: set[str]) -> list[WrittenDump]:
    """Write every dump of ``store`` (its graphs named in ``exclude`` left out) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    quads = sorted(
        (q for q in store.quads_for_pattern(None, None, None, None) if str(q.graph_name) not in exclude),
        key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)),
    )
    triples = sorted(
        {ox.Triple(q.subject, q.predicate, q.object) for q in quads},
        key=lambda t: (str(t.subject), str(t.predicate), str(t.object)),
    )
    prefixes = _used(quads, {p: ns for p, ns in prefixes.items() if p not in ("id", "g")})
    written = []
    for dump in Dump:
        if dump is Dump.JSONLD:
            data = jsonld(quads, prefixes)
        else:
            data = ox.serialize(quads if dump.quads else triples, format=_OX_FORMAT[dump], prefixes=prefixes) or b""
        if dump.compressed:
            data = gzip.compress(data, mtime=0)
        path = folder / dump.filename
        path.write_bytes(data)
        written.append(WrittenDump(dump, path, len(data), hashlib.sha256(data).hexdigest()))
    return written


def _used(quads: list[ox.Quad], prefixes: dict[str, str]) -> dict[str, str]:
    """Only the prefixes the data uses (``id:``/``g:`` are left out: their local names would need escapes)."""
    iris = {str(t.value) for q in quads for t in (q.predicate, q.object) if isinstance(t, ox.NamedNode)}
    iris |= {str(q.subject.value) for q in quads if isinstance(q.subject, ox.NamedNode)}
    return {p: ns for p, ns in prefixes.items() if any(iri.startswith(ns) for iri in iris)}


def jsonld(quads: list[ox.Quad], prefixes: dict[str, str]) -> bytes:
    """Compacted JSON-LD with the prefix map as its context (Oxigraph writes only expanded JSON-LD)."""
    dataset = Dataset()
    dataset.parse(data=ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"", format="nquads")
    with warnings.catch_warnings():  # rdflib's JSON-LD writer calls its own deprecated Dataset.contexts
        warnings.simplefilter("ignore", DeprecationWarning)
        text = dataset.serialize(format="json-ld", context=dict(prefixes), auto_compact=True, indent=1)
    return text.encode("utf-8")
