"""The embedded store: pyoxigraph on disk, written once by a build and opened read-only to serve.

Query semantics: the default graph is the union of all named graphs (the data keeps every statement in a named
graph of its own source), unless the caller names the default graph(s) explicitly.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

STORE_FOLDER = "oxigraph"

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


def create(build: Path, nquads: bytes) -> ox.Store:
    """A new on-disk store inside ``build``, bulk-loaded with ``nquads``."""
    store = ox.Store(str(build / STORE_FOLDER))
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    return store


class EmbeddedStore:
    """A finished build's store, read-only, so that any number of server processes can share it."""

    def __init__(self, build: Path) -> None:
        self.build = build
        self._store = ox.Store.read_only(str(build / STORE_FOLDER))

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
    ) -> QueryResult:
        """Run a SPARQL query; with no ``default_graphs`` the default graph is the union of the named graphs."""
        options: dict[str, object] = {"base_iri": base_iri}
        if default_graphs is not None:
            options["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        else:
            options["use_default_graph_as_union"] = True
        if named_graphs is not None:
            options["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        return self._store.query(sparql, **options)  # type: ignore[no-any-return]

    def count(self) -> int:
        """Quads in the store."""
        return len(self._store)
