"""Write the dumps of a build (every common RDF syntax) with their sizes and SHA-256 checksums.

Triple syntaxes hold the union of all graphs (one triple is never in two graphs, so nothing is lost but the graph
names); N-Quads, TriG and JSON-LD keep the named graphs. Oxigraph writes them all from the build's in-memory store,
in threads where it can (its writers and zlib leave the GIL free, so they run beside the disk store's loader):
Turtle is its TriG without the graph lines, N-Triples its N-Quads without the graph names, RDF/XML its writer fed
with those N-Triples, JSON-LD its expanded output compacted by :func:`compact_jsonld`. The same input files give
the same bytes, in the store's order (deterministic, not alphabetical), blank nodes aside: their labels are drawn
anew each time a file is parsed (as rdflib's were). No rdflib on this path: at a million triples the dumps take
seconds, not minutes.
"""

from __future__ import annotations

import dataclasses
import enum
import gzip
import hashlib
import json
import re
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

GZIP_LEVEL = 3  # at 1M triples: 3x less CPU than level 9 for files about 25 % larger (still ~1/20 of the text)
_Data = bytes | Future[bytes] | Future[bytes | None]  # a dump, or the future of one
_GRAPH_OPEN = re.compile(rb"\S.* \{")


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


@dataclasses.dataclass(frozen=True)
class WrittenDump:
    dump: Dump
    path: Path
    byte_size: int
    sha256: str


def write_dumps(
    store: ox.Store, folder: Path, prefixes: dict[str, str], *, nquads: bytes | None = None
) -> list[WrittenDump]:
    """Write every dump of ``store`` (all its graphs: pass the store before the description is added).

    ``nquads`` is the store's N-Quads if the caller has them already (they are not written again).
    """
    folder.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=4) as pool:  # Oxigraph's writers, zlib and hashlib run without the GIL
        written: dict[Dump, Future[WrittenDump]] = {}

        def write(dump: Dump, data: _Data) -> None:  # each dump leaves memory once written
            written[dump] = pool.submit(_write, folder, dump, data)

        nquads = nquads if nquads is not None else store.dump(format=ox.RdfFormat.N_QUADS) or b""
        used = _used(nquads, {p: ns for p, ns in prefixes.items() if p not in ("id", "g")})
        trig = pool.submit(store.dump, format=ox.RdfFormat.TRIG, prefixes=used)
        expanded = pool.submit(store.dump, format=ox.RdfFormat.JSON_LD)
        write(Dump.NQUADS_GZ, pool.submit(gzip.compress, nquads, compresslevel=GZIP_LEVEL, mtime=0))
        ntriples = _without_graphs(nquads)
        del nquads
        write(Dump.NTRIPLES_GZ, pool.submit(gzip.compress, ntriples, compresslevel=GZIP_LEVEL, mtime=0))
        write(Dump.RDFXML, _rdfxml(ntriples, used))
        del ntriples
        write(Dump.TURTLE, _turtle_from_trig(trig.result() or b"", used))
        write(Dump.TRIG, trig)
        del trig
        write(Dump.JSONLD, compact_jsonld(expanded.result() or b"[]", used))
        del expanded
        return [written[dump].result() for dump in Dump]


def _write(folder: Path, dump: Dump, data: _Data) -> WrittenDump:
    if isinstance(data, Future):
        data = data.result() or b""
    path = folder / dump.filename
    path.write_bytes(data)
    return WrittenDump(dump, path, len(data), hashlib.sha256(data).hexdigest())


def _used(nquads: bytes, prefixes: dict[str, str]) -> dict[str, str]:
    """Only the prefixes the data uses (``id:``/``g:`` are left out: their local names would need escapes)."""
    return {p: ns for p, ns in prefixes.items() if b"<" + ns.encode() in nquads}


def _without_graphs(nquads: bytes) -> bytes:
    """N-Triples from N-Quads: each line loses its last term, the graph name (which never holds a space)."""
    lines = nquads.split(b"\n")
    return b"".join(line[: line.rindex(b" ", 0, len(line) - 2)] + b" .\n" for line in lines if line)


def compact_jsonld(expanded: bytes, prefixes: dict[str, str]) -> bytes:
    """Oxigraph's expanded JSON-LD, compacted with the prefix map as its ``@context``.

    Only IRIs in the three places JSON-LD compacts them are rewritten (``"@id":``, ``"@type":`` values and
    property names, which in Oxigraph's output always follow a comma); a literal cannot match there, because its
    quotes are escaped. ``prefix:rest`` expands back to the same IRI whatever ``rest`` holds.

    >>> compact_jsonld(b'[{"@id":"http://e/a","http://e/p":[{"@id":"http://e/b"}]}]', {"e": "http://e/"})
    b'{"@context": {"e": "http://e/"},\\n "@graph": [{"@id":"e:a","e:p":[{"@id":"e:b"}]}]}\\n'
    """
    text = expanded
    for prefix, namespace in sorted(prefixes.items(), key=lambda item: -len(item[1])):
        iri, short = namespace.encode(), prefix.encode() + b":"
        for before in (b'"@id":"', b'"@type":"', b',"'):
            if before + iri in text:  # searching is cheap, a replacement copies the whole text
                text = text.replace(before + iri, before + short)
    context = json.dumps(prefixes, ensure_ascii=False).encode()
    return b'{"@context": ' + context + b',\n "@graph": ' + text.strip() + b"}\n"


def _rdfxml(ntriples: bytes, prefixes: dict[str, str]) -> bytes:
    """RDF/XML of the union, by Oxigraph's writer (fed from the N-Triples: the cheapest way at a million triples)."""
    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=prefixes) or b""


def _turtle_from_trig(trig: bytes, prefixes: dict[str, str]) -> bytes:
    """The union of the graphs as Turtle: Oxigraph's TriG with the ``<graph> {`` and ``}`` lines taken out.

    Oxigraph writes each graph as a ``<name> {`` line, its triples indented by a tab, and a ``}`` line, and
    escapes line breaks inside literals; if the text ever looks different, Turtle is written the slow way.
    """
    lines = trig.split(b"\n")
    kinds = [_kind(line) for line in lines]
    if "other" in kinds or kinds.count("open") != kinds.count("close"):
        triples = (q.triple for q in ox.parse(trig, format=ox.RdfFormat.TRIG))
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    kept = (line[1:] if kind == "triple" else line for line, kind in zip(lines, kinds, strict=True))
    return b"\n".join(line for line, kind in zip(kept, kinds, strict=True) if kind not in ("open", "close"))


def _kind(line: bytes) -> str:
    if line.startswith(b"\t"):
        return "triple"
    if line == b"}":
        return "close"
    if not line or line.startswith(b"@prefix "):
        return "keep"
    return "open" if _GRAPH_OPEN.fullmatch(line) else "other"
