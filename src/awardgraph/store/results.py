"""A query result, evaluated and cut at the configured limits before anything is sent, then written by Oxigraph's
writers: the query processes write it in pieces to their pipe (:func:`prepare`), the remote-store path as bytes
(:func:`serialize`).

A SELECT keeps at most ``max_rows`` solutions and a CONSTRUCT/DESCRIBE at most ``max_triples`` triples; a result
that had more is cut there and says so (:attr:`Serialized.truncated`), which the web layer turns into a header.
The solutions kept are handed back to Oxigraph (as TSV, each term written by Oxigraph itself), whose writer then
produces the format asked for, so every format comes out of Oxigraph's writers.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> result = store.query("SELECT ?n WHERE { VALUES ?n { 1 2 3 } }")
>>> out = serialize(result, Formats(table="text/csv"), Limits(rows=2, triples=10))
>>> out.body, out.truncated, out.count
(b'n\\r\\n1\\r\\n2\\r\\n', True, 2)
"""

from __future__ import annotations

import dataclasses
import io
import itertools
import json
import tempfile
from collections.abc import Callable, Iterable, Mapping
from typing import IO, Any

import pyoxigraph as ox

from awardgraph.store.payload import Payload

Result = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
SPOOL_MEMORY = 4 << 20  # bytes of a line-format answer kept in memory before the rest goes to a temporary file


class Unacceptable(Exception):
    """The client accepts no format for this kind of result (``table``, ``boolean`` or ``graph``)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


@dataclasses.dataclass(frozen=True)
class Formats:
    """The media type to write each kind of result in (``None``: the client accepts none)."""

    table: str | None = None
    boolean: str | None = None
    graph: str | None = None


@dataclasses.dataclass(frozen=True)
class Limits:
    rows: int
    triples: int


@dataclasses.dataclass(frozen=True)
class Serialized:
    """The answer's bytes; ``count`` solutions or triples are in it, and ``truncated`` says more were cut."""

    kind: str
    media_type: str
    body: bytes
    count: int
    truncated: bool


def kind(result: Result) -> str:
    """``"graph"`` (CONSTRUCT, DESCRIBE), ``"boolean"`` (ASK) or ``"table"`` (SELECT)."""
    if isinstance(result, ox.QueryTriples):
        return "graph"
    return "boolean" if isinstance(result, ox.QueryBoolean) else "table"


@dataclasses.dataclass(frozen=True)
class Prepared:
    """A result evaluated and cut at the limits, not written yet: what an answer's header says (``kind``,
    ``media_type``, ``count``, ``truncated``) is known before a byte of it is written by :meth:`write`."""

    kind: str
    media_type: str
    count: int
    truncated: bool
    _write: Callable[[IO[bytes]], object]

    def write(self, output: IO[bytes]) -> None:
        """Write the answer to ``output`` (Oxigraph's writers call ``output.write`` with pieces of about 8 KiB)."""
        self._write(output)


def prepare(result: Result, formats: Formats, limits: Limits, prefixes: Mapping[str, str] | None = None) -> Prepared:
    """``result`` evaluated, cut at ``limits``, ready to be written in the format chosen for its kind;
    :class:`Unacceptable` if there is none.

    Evaluation happens here (results are lazy), so evaluation errors (``ValueError``, ``RuntimeError``,
    ``OSError``) come from this call too.
    """
    what = kind(result)
    media_type = getattr(formats, what)
    if media_type is None:
        raise Unacceptable(what)
    if isinstance(result, ox.QueryBoolean):
        answer = result
        results_format = ox.QueryResultsFormat.from_media_type(media_type)
        return Prepared(what, media_type, 1, False, lambda out: answer.serialize(out, format=results_format))
    if isinstance(result, ox.QueryTriples):
        rdf = ox.RdfFormat.from_media_type(media_type)
        if rdf in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
            return _lines(result, rdf, media_type, limits.triples)
        triples = list(itertools.islice(result, limits.triples + 1))
        cut = triples[: limits.triples]
        used = used_prefixes(cut, prefixes or {})
        return Prepared(
            what,
            media_type,
            len(cut),
            len(triples) > limits.triples,
            lambda out: ox.serialize(cut, out, format=rdf, prefixes=used),
        )
    variables = [v.value for v in result.variables]
    rows = list(itertools.islice(result, limits.rows + 1))
    kept = rows[: limits.rows]
    solutions = _solutions(variables, kept)
    results_format = ox.QueryResultsFormat.from_media_type(media_type)
    return Prepared(
        what,
        media_type,
        len(kept),
        len(rows) > limits.rows,
        lambda out: solutions.serialize(out, format=results_format),
    )


class _LineSpool(io.RawIOBase):
    """Keeps what Oxigraph writes of a line format (one triple a line) up to ``most`` lines, in memory up to
    :data:`SPOOL_MEMORY` bytes and in a temporary file beyond, and stops the writer after that many."""

    def __init__(self, most: int) -> None:
        super().__init__()
        self.most, self.lines, self.over = most, 0, False
        self.spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115  # closed by its reader

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        piece = bytes(data)
        count = piece.count(b"\n")
        if self.lines + count > self.most:  # keep the lines up to the limit, then stop the writer
            end = -1
            for _ in range(self.most - self.lines):
                end = piece.index(b"\n", end + 1)
            self.spool.write(piece[: end + 1])
            self.lines, self.over = self.most, True
            raise _Enough
        self.spool.write(piece)
        self.lines += count
        return len(piece)


class _Enough(Exception):
    """The spool has all the lines it may keep."""


def _lines(result: ox.QueryTriples, rdf: ox.RdfFormat, media_type: str, most: int) -> Prepared:
    """A CONSTRUCT/DESCRIBE answer in a line format, written by Oxigraph straight into a spool (no Python object
    per triple: they were a third of the memory of a 1M-triple export) and cut after ``most`` triples."""
    spool = _LineSpool(most)
    try:
        result.serialize(spool, format=rdf)  # type: ignore[arg-type]  # it only calls write()
    except Exception:  # the stop at the limit comes back as whatever Oxigraph makes of _Enough
        if not spool.over:  # a real failure (evaluation, the disk): the caller's to report
            spool.spool.close()
            raise
    body = spool.spool

    def write(out: IO[bytes]) -> None:
        with body:
            body.seek(0)
            while piece := body.read(1 << 20):
                out.write(piece)

    return Prepared("graph", media_type, spool.lines, spool.over, write)


def serialize(
    result: Result, formats: Formats, limits: Limits, prefixes: Mapping[str, str] | None = None
) -> Serialized:
    """``result`` in the format chosen for its kind, cut at ``limits``, as bytes (see :func:`prepare`)."""
    prepared = prepare(result, formats, limits, prefixes)
    out = io.BytesIO()
    prepared.write(out)
    return Serialized(prepared.kind, prepared.media_type, out.getvalue(), prepared.count, prepared.truncated)


def _solutions(variables: list[str], rows: list[ox.QuerySolution]) -> ox.QuerySolutions:
    """``rows`` as Oxigraph's own solutions again, by way of the TSV results format (terms in their N-Triples form,
    which Oxigraph writes and reads back losslessly, much faster than building JSON in Python)."""
    if not variables:  # TSV cannot say "no variables, N rows"; JSON can
        document = {"head": {"vars": []}, "results": {"bindings": [{} for _ in rows]}}
        data, fmt = json.dumps(document).encode("utf-8"), ox.QueryResultsFormat.JSON
    else:
        lines = ["\t".join(f"?{name}" for name in variables)]
        lines += ["\t".join("" if term is None else _ntriples(term) for term in row) for row in rows]
        data, fmt = ("\n".join(lines) + "\n").encode("utf-8"), ox.QueryResultsFormat.TSV
    solutions = ox.parse_query_results(data, format=fmt)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _ntriples(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    if isinstance(term, ox.Triple):
        return f"<<( {_ntriples(term.subject)} {_ntriples(term.predicate)} {_ntriples(term.object)} )>>"
    return str(term)


def used_prefixes(triples: Iterable[ox.Triple] | Iterable[ox.Quad], prefixes: Mapping[str, str]) -> dict[str, str]:
    """The prefixes of ``prefixes`` that some IRI in ``triples`` (or quads) starts with."""
    iris = {
        term.value
        for t in triples
        for term in (t.subject, t.predicate, t.object, getattr(t.object, "datatype", None))
        if isinstance(term, ox.NamedNode)
    }
    return {p: ns for p, ns in prefixes.items() if any(iri.startswith(ns) for iri in iris)}


@dataclasses.dataclass(frozen=True)
class Answer:
    """A query's complete answer: its body in ``media_type`` (a :class:`Payload`: in memory, or in a temporary file
    when large), ``count`` rows or triples, ``truncated`` if cut."""

    kind: str
    media_type: str
    payload: Payload
    count: int
    truncated: bool

    @property
    def body(self) -> bytes:
        """The whole body as bytes (for small answers: the HTML page, tests)."""
        return self.payload.read()


class QueryFailed(Exception):
    """The query has no answer. ``reason``: ``syntax`` or ``error`` (the engine's ``message``), ``unacceptable``
    (no format for ``kind``), ``timeout``, ``preempted`` (stopped for others; ``retry_after``), ``busy`` (no process
    came free; ``retry_after``), ``crashed`` (``signal``), ``memory``."""

    def __init__(self, reason: str, message: str = "", **info: Any) -> None:
        super().__init__(f"{reason}: {message}" if message else reason)
        self.reason, self.message, self.info = reason, message, info
