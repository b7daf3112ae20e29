"""Write the dumps of a build (every common RDF syntax) with their sizes and SHA-256 checksums.

N-Quads, TriG and JSON-LD hold every named graph, each statement with its source; the triple syntaxes (Turtle,
N-Triples, RDF/XML) hold the project's default graph (:mod:`awardgraph.graph.defaultgraph`: what the sources
state, what follows from it, the curation; no outside claim), since a syntax without graphs cannot tell a claim
from a fact. Oxigraph writes them all from the build's in-memory store, straight to files, and what is derived
from its output is derived block by block as it is read back: N-Triples are the default graph's lines of the
N-Quads without the graph names, Turtle and RDF/XML Oxigraph's writers fed with those triples, JSON-LD its
expanded output compacted by :func:`compact_jsonld`. No dump is ever held
whole in memory (at a million triples they are 400 MB together), and the dumps are written in threads (Oxigraph's
writers, zlib and hashlib leave the GIL free). The same input files give the same bytes, in the store's order
(deterministic, not alphabetical), blank nodes aside: their labels are drawn anew each time a file is parsed.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import mmap
import zlib
from collections.abc import Callable, Collection, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from awardgraph.builds import Dump
from awardgraph.graph import defaultgraph

GZIP_LEVEL = 3  # at 1M triples: 3x less CPU than level 9 for files about 25 % larger (still ~1/20 of the text)
BLOCK = 4 * 1024 * 1024  # bytes read at a time from a file being turned into another
_SCRATCH = ".scratch"  # suffix of the files the dumps are derived from (removed once they are)


@dataclasses.dataclass(frozen=True)
class WrittenDump:
    dump: Dump
    path: Path
    byte_size: int
    sha256: str


def write_nquads(store: ox.Store, path: Path) -> Path:
    """The store's quads as an N-Quads file: what the dumps (and a build's disk store) are made from.

    Every quad must be in a named graph (the loader sees to it): N-Triples are made by dropping each line's last
    term.
    """
    if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None) is not None:
        raise ValueError("the store holds triples in its default graph; dumps are made of named graphs only")
    store.dump(path, format=ox.RdfFormat.N_QUADS)
    return path


def write_dumps(
    store: ox.Store,
    folder: Path,
    prefixes: dict[str, str],
    default_graphs: Collection[str],
    *,
    nquads: Path | None = None,
    default_graph: Path | None = None,
) -> list[WrittenDump]:
    """Write every dump of ``store`` (all its graphs: pass the store before the description is added); the triple
    syntaxes hold the union of ``default_graphs``.

    ``nquads`` is an N-Quads file of the store written by :func:`write_nquads`, and ``default_graph`` the
    N-Triples of the default graph written from it by :func:`awardgraph.graph.defaultgraph.write_ntriples`, if the
    caller has them (they are left where they are); otherwise they are written in ``folder`` and removed at the end.
    """
    folder.mkdir(parents=True, exist_ok=True)
    source = nquads if nquads is not None else write_nquads(store, folder / f"awardgraph.nq{_SCRATCH}")
    triples = default_graph or folder / f"awardgraph.nt{_SCRATCH}"
    try:
        if default_graph is None:
            defaultgraph.write_ntriples(source, default_graphs, triples)
        used = _used_prefixes(source, {p: ns for p, ns in prefixes.items() if p not in ("id", "g")})
        jobs: list[Callable[[], list[WrittenDump]]] = [
            lambda: [_gzipped(triples, folder / Dump.NTRIPLES_GZ.filename, Dump.NTRIPLES_GZ, _same)],
            lambda: [_jsonld(store, folder, used)],  # the longest: early
            lambda: [_trig(store, folder, used), _written_by_oxigraph(triples, folder, Dump.TURTLE, used)],
            lambda: [_written_by_oxigraph(triples, folder, Dump.RDFXML, used)],
            lambda: [_gzipped(source, folder / Dump.NQUADS_GZ.filename, Dump.NQUADS_GZ, _same)],
        ]
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(job) for job in jobs]
            written = {w.dump: w for future in futures for w in future.result()}
    finally:
        if nquads is None:
            source.unlink(missing_ok=True)
        if default_graph is None:
            triples.unlink(missing_ok=True)
    return [written[dump] for dump in Dump]


# -- writing with a checksum -----------------------------------------------------------------------------------------


class _Output:
    """A file being written, with its size and SHA-256 kept up to date (the dump's figures, without reading it
    again)."""

    def __init__(self, path: Path) -> None:
        self.path, self.size, self.hash = path, 0, hashlib.sha256()
        self._file: BinaryIO = path.open("wb")

    def write(self, data: bytes) -> int:
        self._file.write(data)
        self.hash.update(data)
        self.size += len(data)
        return len(data)

    def close(self, dump: Dump) -> WrittenDump:
        self._file.close()
        return WrittenDump(dump, self.path, self.size, self.hash.hexdigest())

    def discard(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)


def _checksummed(path: Path, dump: Dump) -> WrittenDump:
    """The figures of a file a writer has finished."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as file:
        while block := file.read(BLOCK):
            digest.update(block)
            size += len(block)
    return WrittenDump(dump, path, size, digest.hexdigest())


def _blocks(path: Path, cut: Callable[[bytes], int]) -> Iterator[bytes]:
    """``path`` in blocks of about :data:`BLOCK` bytes, each ending where ``cut`` says a block may end (the
    index it returns; -1 when the block has no such place yet)."""
    rest = b""
    with path.open("rb") as file:
        while block := file.read(BLOCK):
            rest += block
            end = cut(rest)
            if end > 0:
                yield rest[:end]
                rest = rest[end:]
    if rest:
        yield rest


def _after_newline(data: bytes) -> int:
    return data.rfind(b"\n") + 1


# -- the dumps -------------------------------------------------------------------------------------------------------


def _same(block: bytes) -> bytes:
    return block


def _gzipped(
    source: Path, target: Path, dump: Dump, transform: Callable[[bytes], bytes], plain: BinaryIO | None = None
) -> WrittenDump:
    """``source``, line blocks transformed, gzip-compressed into ``target`` (no file name or time in the header:
    the same data gives the same bytes), and uncompressed into ``plain`` if given."""
    out = _Output(target)
    try:
        compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        crc, size = 0, 0
        out.write(_gzip_header(GZIP_LEVEL))
        for block in _blocks(source, _after_newline):
            data = transform(block)
            crc, size = zlib.crc32(data, crc), size + len(data)
            out.write(compressor.compress(data))
            if plain is not None:
                plain.write(data)
        out.write(compressor.flush())
        out.write(crc.to_bytes(4, "little") + (size & 0xFFFFFFFF).to_bytes(4, "little"))
    except BaseException:
        out.discard()
        raise
    return out.close(dump)


def _gzip_header(level: int) -> bytes:
    """The header ``gzip.compress(data, level, mtime=0)`` writes (no name, no time), so the bytes stay the same."""
    return gzip.compress(b"", compresslevel=level, mtime=0)[:10]


def _trig(store: ox.Store, folder: Path, prefixes: dict[str, str]) -> WrittenDump:
    trig = folder / Dump.TRIG.filename
    store.dump(trig, format=ox.RdfFormat.TRIG, prefixes=prefixes)
    return _checksummed(trig, Dump.TRIG)


def _written_by_oxigraph(ntriples: Path, folder: Path, dump: Dump, prefixes: dict[str, str]) -> WrittenDump:
    """The triples of the N-Triples file ``ntriples`` in ``dump``'s syntax, streamed through Oxigraph's parser and
    writer (no triple is held: Turtle groups consecutive statements of one subject, which the file keeps together)."""
    path = folder / dump.filename
    fmt = ox.RdfFormat.TURTLE if dump is Dump.TURTLE else ox.RdfFormat.RDF_XML
    ox.serialize(ox.parse(path=ntriples, format=ox.RdfFormat.N_TRIPLES), path, format=fmt, prefixes=prefixes)
    return _checksummed(path, dump)


def _jsonld(store: ox.Store, folder: Path, prefixes: dict[str, str]) -> WrittenDump:
    """Oxigraph's expanded JSON-LD, compacted block by block into the dump (see :func:`compact_jsonld`)."""
    expanded = folder / f"{Dump.JSONLD.filename}{_SCRATCH}"
    out = _Output(folder / Dump.JSONLD.filename)
    try:
        store.dump(expanded, format=ox.RdfFormat.JSON_LD)
        out.write(_JSONLD_HEAD % json.dumps(prefixes, ensure_ascii=False).encode())
        empty, pending = True, b""  # white space at the end of a block is held back: the text's last is dropped
        for block in _blocks(expanded, lambda data: data.rfind(b"{")):
            text = _compact_block(pending + (block.lstrip() if empty else block), prefixes)
            body = text.rstrip()
            out.write(body)
            empty, pending = empty and not body, text[len(body) :]
        if empty:  # Oxigraph wrote nothing
            out.write(b"[]")
        out.write(_JSONLD_TAIL)
    except BaseException:
        out.discard()
        raise
    finally:
        expanded.unlink(missing_ok=True)
    return out.close(Dump.JSONLD)


_JSONLD_HEAD = b'{"@context": %s,\n "@graph": '
_JSONLD_TAIL = b"}\n"


def compact_jsonld(expanded: bytes, prefixes: dict[str, str]) -> bytes:
    """Oxigraph's expanded JSON-LD, compacted with the prefix map as its ``@context``.

    Only IRIs in the three places JSON-LD compacts them are rewritten (``"@id":``, ``"@type":`` values and
    property names, which in Oxigraph's output always follow a comma); a literal cannot match there, because its
    quotes are escaped. ``prefix:rest`` expands back to the same IRI whatever ``rest`` holds. None of these
    patterns holds a ``{`` (an IRI cannot), so the text can be compacted in blocks cut before any ``{``.

    >>> compact_jsonld(b'[{"@id":"http://e/a","http://e/p":[{"@id":"http://e/b"}]}]', {"e": "http://e/"})
    b'{"@context": {"e": "http://e/"},\\n "@graph": [{"@id":"e:a","e:p":[{"@id":"e:b"}]}]}\\n'
    """
    context = json.dumps(prefixes, ensure_ascii=False).encode()
    return _JSONLD_HEAD % context + _compact_block(expanded.strip() or b"[]", prefixes) + _JSONLD_TAIL


def _compact_block(text: bytes, prefixes: dict[str, str]) -> bytes:
    for prefix, namespace in sorted(prefixes.items(), key=lambda item: -len(item[1])):
        iri, short = namespace.encode(), prefix.encode() + b":"
        for before in (b'"@id":"', b'"@type":"', b',"'):
            if before + iri in text:  # searching is cheap, a replacement copies the whole text
                text = text.replace(before + iri, before + short)
    return text


def _used_prefixes(nquads: Path, prefixes: dict[str, str]) -> dict[str, str]:
    """The prefixes whose namespace an IRI of the N-Quads file starts with (only those are declared)."""
    if not nquads.stat().st_size:
        return {}
    with nquads.open("rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as text:
        return {p: ns for p, ns in prefixes.items() if text.find(b"<" + ns.encode()) != -1}
