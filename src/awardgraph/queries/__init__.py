"""The app's own SPARQL: one named ``.rq`` file per question, and :func:`run`, which binds IRIs safely.

The files are plain SPARQL 1.1. Like the curated data they use relative IRIs (``<graph/provenance>``,
``PREFIX ag: <ontology#>``), resolved against the configured base IRI when they run, so they never name a base.

Values from a request never enter the query text. :func:`run` validates each one as an absolute IRI and hands it to
the engine as a substitution (SPARQL-dev SEP-0007): the variable is bound before evaluation, so ``?this`` becomes
the IRI and nothing a client sends can change the query's structure. A SELECT must project the variables it binds.

Paged queries hold one ``LIMIT n OFFSET m`` clause (the first page, so the file runs as it is); a :class:`Window`
replaces its two numbers, which are Python integers checked here, never text from a request.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"),
...                   ox.Literal("1"), ox.NamedNode("http://example.org/g")))
>>> bool(run(store, "exists", base_iri="http://example.org/", this="http://example.org/a"))
True
>>> run(store, "exists", base_iri="http://example.org/", this="http://example.org/a> } #")
Traceback (most recent call last):
...
awardgraph.queries.InvalidIRI: not an IRI: 'http://example.org/a> } #'
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.resources
import re
from collections.abc import Mapping
from typing import Protocol

import pyoxigraph as ox

from awardgraph.store.base import QueryResult, Term

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_NAME = re.compile(r"[a-z][a-z0-9-]*")
_WINDOW = re.compile(r"\bLIMIT\s+\d+\s+OFFSET\s+\d+\b")


@dataclasses.dataclass(frozen=True)
class Window:
    """One page of a paged query: at most ``limit`` solutions after skipping ``offset``.

    >>> Window.page(3, 100)
    Window(limit=100, offset=200)
    """

    limit: int
    offset: int = 0

    def __post_init__(self) -> None:
        if not (isinstance(self.limit, int) and isinstance(self.offset, int) and self.limit > 0 and self.offset >= 0):
            raise ValueError(f"not a window: limit={self.limit!r}, offset={self.offset!r}")

    @classmethod
    def page(cls, number: int, size: int) -> Window:
        """Page ``number`` (from 1) of pages of ``size``."""
        return cls(size, (number - 1) * size)


class InvalidIRI(ValueError):
    """A value meant to be bound as an IRI is not an absolute IRI."""


class Store(Protocol):
    """What :func:`run` needs of an awardgraph store (see :class:`awardgraph.store.oxigraph.EmbeddedStore`)."""

    def query(
        self, sparql: str, *, base_iri: str | None = ..., substitutions: Mapping[str, Term] | None = ...
    ) -> QueryResult: ...


@functools.cache
def text(name: str) -> str:
    """The text of ``queries/{name}.rq``."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"not a query name: {name!r}")
    return importlib.resources.files(__name__).joinpath(f"{name}.rq").read_text(encoding="utf-8")


def windowed(name: str, window: Window | None) -> str:
    """The text of ``queries/{name}.rq``, with its ``LIMIT n OFFSET m`` set to ``window`` when one is given.

    >>> "LIMIT 10 OFFSET 20" in windowed("list", Window(10, 20))
    True
    """
    query = text(name)
    if window is None:
        return query
    if len(_WINDOW.findall(query)) != 1:
        raise ValueError(f"{name}.rq has no single 'LIMIT n OFFSET m' clause to page")
    return _WINDOW.sub(f"LIMIT {int(window.limit)} OFFSET {int(window.offset)}", query)


def iri(value: str) -> ox.NamedNode:
    """``value`` as an IRI term, or :class:`InvalidIRI` if it is not an absolute IRI."""
    if not _SCHEME.match(value):
        raise InvalidIRI(f"not an IRI: {value!r}")
    try:
        return ox.NamedNode(value)
    except ValueError:
        raise InvalidIRI(f"not an IRI: {value!r}") from None


def _terms(bindings: Mapping[str, str | Term]) -> dict[str, Term]:
    return {name: iri(value) if isinstance(value, str) else value for name, value in bindings.items()}


def run(
    store: Store | ox.Store, name: str, window: Window | None = None, /, *, base_iri: str, **bindings: str | Term
) -> QueryResult:
    """Run the named query with each keyword bound to its value (a ``str`` must be an absolute IRI).

    ``store`` is an awardgraph store (substitutions keyed by variable name) or a plain ``pyoxigraph.Store``;
    ``window`` (positional, so that no variable name is taken) picks one page of a paged query.
    """
    terms = _terms(bindings)
    query = windowed(name, window)
    if isinstance(store, ox.Store):
        return store.query(
            query,
            base_iri=base_iri,
            use_default_graph_as_union=True,
            substitutions={ox.Variable(k): v for k, v in terms.items()},
        )
    return store.query(query, base_iri=base_iri, substitutions=terms)


def select(
    store: Store | ox.Store, name: str, window: Window | None = None, /, *, base_iri: str, **bindings: str | Term
) -> list[ox.QuerySolution]:
    """The solutions of a named SELECT query (one ``window`` of them, for a paged query)."""
    result = run(store, name, window, base_iri=base_iri, **bindings)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"{name}.rq is not a SELECT query")
    return list(result)


def construct(
    store: Store | ox.Store, name: str, window: Window | None = None, /, *, base_iri: str, **bindings: str | Term
) -> list[ox.Triple]:
    """The triples of a named CONSTRUCT query (one ``window`` of them, for a paged query)."""
    result = run(store, name, window, base_iri=base_iri, **bindings)
    if not isinstance(result, ox.QueryTriples):
        raise TypeError(f"{name}.rq is not a CONSTRUCT query")
    return list(result)


def ask(store: Store | ox.Store, name: str, /, *, base_iri: str, **bindings: str | Term) -> bool:
    """The answer of a named ASK query."""
    result = run(store, name, base_iri=base_iri, **bindings)
    if not isinstance(result, ox.QueryBoolean):
        raise TypeError(f"{name}.rq is not an ASK query")
    return bool(result)


def standalone(name: str, window: Window | None = None, /, *, base_iri: str, **bindings: str) -> str:
    """The named query as a self-contained text a person can run anywhere: a ``BASE`` and a final ``VALUES``.

    For "open the query behind this page". The values are validated IRIs written in their N-Triples form. A
    trailing ``VALUES`` joins after the query pattern (and its grouping) but before ``ORDER BY``, ``LIMIT`` and
    ``OFFSET``, so this suits queries whose bound variables are not inside sub-queries (``describe``,
    ``provenance`` and ``list``, for instance).
    """
    terms = _terms(bindings)
    base = iri(base_iri)
    query = windowed(name, window).rstrip()
    if not terms:
        return f"BASE {base}\n{query}\n"
    names = " ".join(f"?{k}" for k in terms)
    values = " ".join(str(v) for v in terms.values())
    return f"BASE {base}\n{query}\nVALUES ({names}) {{ ({values}) }}\n"
