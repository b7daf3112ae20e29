"""The embedded store: pyoxigraph on disk, written once by a build and opened read-only to serve.

Query semantics: the store's own default graph is the project's default graph, which the build writes as a copy
of the graphs it is the union of (:mod:`awardgraph.graph.defaultgraph`); every statement is also in the named
graph of its source.

The app's own queries run here, in the web process (they are bounded); users' queries run in the store's sandbox
(:mod:`awardgraph.store.sandbox`): processes that can be killed at a deadline, forked from an in-memory copy of the
build, handed the job by :meth:`EmbeddedStore.answer`.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from awardgraph import builds
from awardgraph.config import Settings
from awardgraph.store.base import Answer, UserQuery, answer_here
from awardgraph.store.sandbox import zygote
from awardgraph.store.sandbox.pool import Job, QueryPool

STORE_FOLDER = builds.STORE_FOLDER

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Term = ox.NamedNode | ox.BlankNode | ox.Literal


LOAD_SLICE = 64 * 1024 * 1024  # bytes of N-Quads per bulk load: Oxigraph's loader holds ~1 KB per quad it loads


def create(build: Path, nquads: Path, default: Path, *, slice_bytes: int = LOAD_SLICE) -> ox.Store:
    """A new on-disk store inside ``build``, bulk-loaded from the N-Quads file ``nquads`` (the named graphs) and
    the N-Triples file ``default`` (the default graph).

    The file goes in in slices of whole lines (``slice_bytes`` each): Oxigraph's bulk loader sorts what it is given
    in memory, about 1 GB for a million quads at once, a quarter of that in 64 MiB slices; RocksDB merges the
    slices' files as they arrive, for about the same CPU in all.
    """
    store = ox.Store(str(build / STORE_FOLDER))
    for path, fmt in ((nquads, ox.RdfFormat.N_QUADS), (default, ox.RdfFormat.N_TRIPLES)):
        with path.open("rb") as file:
            while True:
                chunk = _Slice(file, slice_bytes)
                store.bulk_load(chunk, format=fmt)  # type: ignore[arg-type]  # it only calls read()
                if chunk.at_end:
                    break
    return store


class _Slice:
    """The next ``size`` bytes of a file, and on to the end of the line they end in, as a readable object."""

    def __init__(self, file: BinaryIO, size: int) -> None:
        self._file, self._left, self.at_end = file, size, False
        self._tail = False  # past ``size``: finishing the current line

    def read(self, n: int = -1) -> bytes:
        if self._tail or self.at_end:
            return b""
        if self._left <= 0:
            self._tail = True
            rest = self._file.readline()
            self.at_end = not rest
            return rest
        data = self._file.read(self._left if n < 0 else min(n, self._left))
        self._left -= len(data)
        if not data:
            self.at_end = True
        return data


def start_copy(settings: Settings, runtime: Path) -> subprocess.Popen[bytes] | None:
    """Start the process that keeps the current build in memory for a server's user queries and forks their
    processes (:mod:`awardgraph.store.sandbox.zygote`), when the settings want a copy; the pools of the server's
    workers (:func:`awardgraph.store.sandbox.pool.for_server` with the same ``runtime``) find it."""
    return zygote.start_for(settings, runtime)


class EmbeddedStore:
    """A finished build's store, read-only, so that any number of server processes can share it."""

    def __init__(self, build: Path, *, pool: QueryPool | None = None) -> None:
        self.build, self.pool = build, pool
        self._store = ox.Store.read_only(str(build / STORE_FOLDER))
        manifest = build / builds.MANIFEST_FILE  # a build being checked before it is finished has none yet
        facts = json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else {}
        self._in_default = int(facts.get("default_graph_triples", 0))

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
        substitutions: Mapping[str, Term] | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> QueryResult:
        """Run a SPARQL query over the store's dataset (its default graph is the project's), or over the one the
        caller (``default_graphs``, ``named_graphs``) or the query (``FROM``, ``FROM NAMED``) names.

        ``substitutions`` binds variables to terms before evaluation (SEP-0007): the safe way to put an IRI from a
        request into a query. ``prefixes`` are declared for the query unless it declares the same prefix itself.
        """
        return self._store.query(
            sparql,
            base_iri=base_iri,
            default_graph=None if default_graphs is None else [ox.NamedNode(g) for g in default_graphs],
            named_graphs=None if named_graphs is None else [ox.NamedNode(g) for g in named_graphs],
            substitutions={ox.Variable(k): v for k, v in substitutions.items()} if substitutions else None,
            prefixes=dict(prefixes) if prefixes else None,
        )

    def answer(self, request: UserQuery, *, timeout: float) -> Answer:
        """A user's query, run in a process of the store's pool (killed at ``timeout``) and written there; without a
        pool (``awardgraph query``), here."""
        if self.pool is None:
            return answer_here(self, request)
        return self.pool.run(Job.of(request, str(self.build / STORE_FOLDER)), timeout=timeout)

    def count(self) -> int:
        """Quads in the store's named graphs (the default graph is a copy of some of them)."""
        return len(self._store) - self._in_default

    def close(self) -> None:
        """Let go of the store's files (pyoxigraph closes them when the last reference goes); not used after."""
        self.__dict__.pop("_store", None)
