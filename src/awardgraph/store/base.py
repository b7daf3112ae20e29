"""The small interface every awardgraph store offers, and the errors a store raises.

Two stores satisfy it: :class:`awardgraph.store.oxigraph.EmbeddedStore` (pyoxigraph on disk, read-only, what
``awardgraph build`` writes) and :class:`awardgraph.store.remote.RemoteStore` (any SPARQL 1.1 Query/Update and
Graph Store Protocol endpoint). Callers hold a :class:`Store` and cannot tell which one they have: results come
back as pyoxigraph's own result objects either way (``QuerySolutions``, ``QueryBoolean``, ``QueryTriples``).

Dataset semantics are the same for both: every statement is in a named graph of its own source, and a query that
names no graph (no ``default_graphs``/``named_graphs``, no ``FROM``) sees the project's **default graph**: the
union of the stated, derived and curated graphs, the graph descriptions and the ontology, without the outside
claims, the shapes or the dataset description (:mod:`awardgraph.graph.defaultgraph`). ``GRAPH`` reaches every
named graph. How each store is made to behave that way is described in :mod:`awardgraph.store.remote` and
``docs/deployment.md``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

import pyoxigraph as ox

from awardgraph.store import results
from awardgraph.store.payload import Payload
from awardgraph.store.results import Answer as Answer
from awardgraph.store.results import Formats as Formats
from awardgraph.store.results import Limits as Limits
from awardgraph.store.results import QueryFailed as QueryFailed

QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
Term = ox.NamedNode | ox.BlankNode | ox.Literal


class StoreError(Exception):
    """A store refused or failed an operation. The message is for a person and never holds credentials.

    ``status`` is the HTTP status a remote store answered with, when there was one; ``detail`` what the store
    said (its error text, secrets blanked out) or, for a store that could not be reached, why: unlike the
    message, it never names the store's address, so it may be shown to the public.
    """

    def __init__(self, message: str, *, status: int | None = None, detail: str | None = None) -> None:
        super().__init__(message)
        self.status, self.detail = status, detail


class StoreUnavailable(StoreError):
    """The store cannot be reached (connection refused or reset, timeout) or answered 502, 503 or 504: asking
    again later may work. (A 500 is a :class:`StoreError`: the store is there but failed the request.)"""


class QueryRefused(StoreError, ValueError):
    """The store refused a query it was sent (a 4xx answer): the query, not the store, is the problem.

    A :class:`ValueError` too, like the embedded store's evaluation errors, so that callers handle both alike.
    """


OVERRUN = 5.0  # seconds a user's query may go on past its deadline before whatever runs it stops it for sure


@dataclasses.dataclass(frozen=True)
class UserQuery:
    """A user's query (``/sparql``, ``awardgraph query``): its text, the protocol's dataset (``None``: the query's own
    or the project's), and how its answer is to be written: in which format, cut at which limits."""

    query: str
    base_iri: str
    prefixes: Mapping[str, str]
    formats: Formats
    limits: Limits
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None


class Store(Protocol):
    """What readers need: run a query (the app's own, bounded), answer a user's query (unbounded: killable, cut at
    the limits, written in the format asked for), count quads, let go of the store."""

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
        """Run a SPARQL query. ``default_graphs``/``named_graphs`` (the protocol's dataset) replace the query's own
        ``FROM``/``FROM NAMED``; with neither, the default graph is the project's; ``substitutions`` bind variables
        to terms before evaluation; ``prefixes`` are declared unless the query declares the same prefix itself."""
        ...

    def answer(self, request: UserQuery, *, timeout: float) -> Answer:
        """The complete answer to a user's query within ``timeout`` seconds, or :class:`QueryFailed` saying why there
        is none (a :class:`StoreError` when the store cannot be asked)."""
        ...

    def count(self) -> int:
        """Quads in the store's named graphs (a remote store: in the graphs it is scoped to)."""
        ...

    def close(self) -> None:
        """Release files, connections and locks; the store is not used afterwards."""
        ...


def answer_here(store: Store, request: UserQuery) -> Answer:
    """Run ``request`` with ``store.query`` and write its answer in this process: a remote store's way (the store
    does the work), and an embedded store's without a pool of query processes (``awardgraph query``, tests)."""
    try:
        result = store.query(
            request.query,
            default_graphs=request.default_graphs,
            named_graphs=request.named_graphs,
            base_iri=request.base_iri,
            prefixes=request.prefixes,
        )
        out = results.serialize(result, request.formats, request.limits, request.prefixes)
    except SyntaxError as exc:
        raise QueryFailed("syntax", str(exc)) from None
    except results.Unacceptable as exc:
        raise QueryFailed("unacceptable", kind=exc.kind) from None
    except QueryRefused as exc:
        raise QueryFailed("error", exc.detail or str(exc)) from None
    except StoreError:
        raise
    except (ValueError, RuntimeError) as exc:
        raise QueryFailed("error", str(exc)) from None
    return Answer(out.kind, out.media_type, Payload(out.body), out.count, out.truncated)


class GraphWriter(Protocol):
    """What writers need besides reading: replace one named graph with new triples."""

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        """Make ``graph`` hold exactly ``triples`` (an empty iterable removes the graph)."""
        ...


if TYPE_CHECKING:  # both stores satisfy the protocol; mypy checks it here
    from awardgraph.store.oxigraph import EmbeddedStore
    from awardgraph.store.remote import RemoteStore

    _embedded: type[Store] = EmbeddedStore
    _remote: type[Store] = RemoteStore
    _writer: type[GraphWriter] = RemoteStore
