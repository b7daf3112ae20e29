"""Where a statement is written: the file and line of each quad about the nodes a report names.

Oxigraph's parsers give no positions, so each file is parsed again fed one line at a time: a quad comes out of the
parser as soon as its object has been read, so the number of lines read so far is the line its object is on (the
line of ``"2015-05-17"^^xsd:date``, not of the subject a block starts with). Only quads about the wanted nodes are
kept, and the files are read only when a report is printed: a build that passes never pays for it.

Terms are keyed by their N-Triples spelling (:func:`term_key`), the same for a quad read here and for a finding's
rdflib terms; blank nodes get no key (their labels are drawn anew each time a file is parsed).
"""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO, cast

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from awardgraph.graph.load import FORMATS

_TYPE = f"<{RDF.type}>"
_PREFIX = re.compile(r"^\s*@?prefix\s+([\w.-]*):\s*<([^>]*)>", re.IGNORECASE)
_BLOCK_SEARCH = 200  # lines to look back from a statement for the start of its subject's block


@dataclasses.dataclass(frozen=True)
class Location:
    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)


@dataclasses.dataclass(frozen=True)
class _Stated:
    graph: str | None  # None: a triple file (its graph is named when loaded)
    predicate: str
    obj: str | None
    at: Location


def term_key(term: object) -> str | None:
    """``<iri>`` or ``"lexical"@lang`` / ``"lexical"^^<datatype>``, for Oxigraph and rdflib terms alike."""
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return _literal_key(term.value, term.language, term.datatype.value)
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, Literal):
        datatype = str(term.datatype) if term.datatype else (None if term.language else str(XSD.string))
        return _literal_key(str(term), term.language, datatype)
    return None


def _literal_key(lexical: str, language: str | None, datatype: str | None) -> str:
    return f'"{lexical}"@{language.lower()}' if language else f'"{lexical}"^^<{datatype}>'


def _lexical(key: str | None) -> str | None:
    return key[1 : key.rindex('"')] if key and key.startswith('"') else None


class _Lines(io.RawIOBase):
    """A binary file read one line per ``read``, counting the lines handed out."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._file = path.open("rb")
        self.line = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self._file.readline()
        if data:
            self.line += 1
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._file.close()
        super().close()


class LineIndex:
    """The statements about some nodes, each with the file and line it was read from (the first, if repeated)."""

    def __init__(self, files: Iterable[Path], base_iri: str, wanted: Iterable[str]) -> None:
        self.base_iri = base_iri
        self._wanted = {w for w in wanted if w}
        self._about: dict[str, list[_Stated]] = {}  # subject key -> its statements
        self._pointing: dict[str, list[tuple[str, str, Location]]] = {}  # object key -> (subject, predicate, where)
        self._typed: dict[str, Location] = {}
        self._named: dict[str, Location] = {}  # graph name -> its first statement
        self._prefixes: dict[Path, dict[str, str]] = {}
        self._texts: dict[Path, list[str]] = {}
        for path in files:
            self._read(path)

    def _read(self, path: Path) -> None:
        fmt = FORMATS.get(path.suffix.lower())
        if fmt is None or not self._wanted:
            return
        lines = _Lines(path) if path.is_file() else None
        if lines is None:
            return
        try:
            for quad in ox.parse(cast(IO[bytes], lines), format=fmt, base_iri=self.base_iri):
                self._keep(quad, Location(path, lines.line))
        except (SyntaxError, OSError, ValueError):  # the file changed since it was loaded: what was read stands
            pass
        finally:
            lines.close()

    def _keep(self, quad: ox.Quad, at: Location) -> None:
        s, o = term_key(quad.subject), term_key(quad.object)
        if s is None:
            return
        p = f"<{quad.predicate.value}>"
        graph = None if isinstance(quad.graph_name, ox.DefaultGraph) else term_key(quad.graph_name)
        if graph is not None and graph in self._wanted:
            self._named.setdefault(graph, at)
        if s in self._wanted:
            self._about.setdefault(s, []).append(_Stated(graph, p, o, at))
            if p == _TYPE:
                self._typed.setdefault(s, at)
        if o is not None and o in self._wanted:
            self._pointing.setdefault(o, []).append((s, p, at))

    def statement(self, subject: str, predicate: str | None, obj: str | None, graph: str | None = None) -> Location:
        """The line stating (subject, predicate, object), in ``graph`` if given, else the nearest thing there is:
        the same predicate with the same lexical form (Oxigraph stores some literals normalised), the only
        statement of that predicate, a statement linking subject and object either way; with no object (a
        statement that is missing, or one too many), the subject's block."""
        if obj is None:
            return self.block(subject, graph)
        about = self._about.get(subject, [])
        same_graph = [s for s in about if graph is None or s.graph in (graph, None)] or about
        if predicate is not None:
            with_predicate = [s for s in same_graph if s.predicate == predicate]
            for match in (
                [s for s in with_predicate if s.obj == obj],
                [s for s in with_predicate if _lexical(s.obj) == _lexical(obj) is not None],
                with_predicate if len(with_predicate) == 1 else [],
            ):
                if match:
                    return match[0].at
        if obj is not None:
            linked = [s.at for s in same_graph if s.obj == obj]
            linked += [at for s, _, at in self._pointing.get(subject, []) if s == obj]
            if linked:
                return linked[0]
        return self.block(subject, graph)

    def block(self, subject: str, graph: str | None = None) -> Location:
        """Where ``subject`` is described: the start of the block typing it (else of its first statement, else the
        first statement naming it, else the graph it names), preferring ``graph``."""
        about = self._about.get(subject, [])
        in_graph = [s.at for s in about if graph is not None and s.graph == graph]
        if in_graph:
            return self._block_start(subject, in_graph[0])
        if subject in self._typed:
            return self._block_start(subject, self._typed[subject])
        if about:
            return self._block_start(subject, about[0].at)
        pointing = self._pointing.get(subject)
        if pointing:
            return pointing[0][2]
        if subject in self._named:  # a graph nothing describes: where it is written
            return self._block_start(subject, self._named[subject])
        return Location(Path("(not in any file)"), 0)

    def _block_start(self, subject: str, at: Location) -> Location:
        """The line at or above ``at`` where ``subject`` is written (a block's statements follow its subject)."""
        if at.path not in self._texts:
            self._texts[at.path] = _text_lines(at.path)
        lines = self._texts[at.path]
        spellings = self._spellings(subject[1:-1], at.path, lines)
        for number in range(at.line, max(0, at.line - _BLOCK_SEARCH), -1):
            if number <= len(lines) and any(s in lines[number - 1] for s in spellings):
                return Location(at.path, number)
        return at

    def _spellings(self, iri: str, path: Path, lines: list[str]) -> list[str]:
        if path not in self._prefixes:
            found = (_PREFIX.match(line) for line in lines if "prefix" in line.lower())
            self._prefixes[path] = {m.group(1): m.group(2) for m in found if m}
        spellings = [f"<{iri}>"]
        if iri.startswith(self.base_iri):
            spellings.append(f"<{iri[len(self.base_iri) :]}>")
        for prefix, namespace in self._prefixes[path].items():
            full = namespace if "://" in namespace else self.base_iri + namespace
            local = iri[len(full) :]
            if iri.startswith(full) and local and re.fullmatch(r"[\w.-]+", local):
                spellings.append(f"{prefix}:{local}")
        return spellings


def _text_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
