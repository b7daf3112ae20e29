"""The embedded store: pyoxigraph on disk, written once by a build and opened read-only to serve.

Query semantics: the default graph is the union of all named graphs (the data keeps every statement in a named
graph of its own source), unless the caller names the default graph(s) explicitly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pyoxigraph as ox

STORE_FOLDER = "oxigraph"

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Term = ox.NamedNode | ox.BlankNode | ox.Literal


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
        union_default_graph: bool = True,
        substitutions: Mapping[str, Term] | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> QueryResult:
        """Run a SPARQL query; with no ``default_graphs`` the default graph is the union of the named graphs.

        ``union_default_graph=False`` leaves the dataset to the query itself (its ``FROM``/``FROM NAMED``; without
        them the store's own default graph, which builds leave empty). ``substitutions`` binds variables to terms
        before evaluation (SEP-0007): the safe way to put an IRI from a request into a query. ``prefixes`` are
        declared for the query unless it declares the same prefix itself.
        """
        return self._store.query(
            sparql,
            base_iri=base_iri,
            use_default_graph_as_union=default_graphs is None and union_default_graph,
            default_graph=None if default_graphs is None else [ox.NamedNode(g) for g in default_graphs],
            named_graphs=None if named_graphs is None else [ox.NamedNode(g) for g in named_graphs],
            substitutions={ox.Variable(k): v for k, v in substitutions.items()} if substitutions else None,
            prefixes=dict(prefixes) if prefixes else None,
        )

    def count(self) -> int:
        """Quads in the store."""
        return len(self._store)

    def close(self) -> None:
        """Let go of the store's files (pyoxigraph closes them when the last reference goes); not used after."""
        self.__dict__.pop("_store", None)
