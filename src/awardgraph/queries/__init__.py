"""The app's own SPARQL: one named ``.rq`` file per question, and :func:`run`, which binds IRIs safely.

The files are plain SPARQL 1.1. Like the curated data they use relative IRIs (``<graph/provenance>``,
``PREFIX ag: <ontology#>``), resolved against the configured base IRI when they run, so they never name a base.

Values from a request never enter the query text. :func:`run` validates each one as an absolute IRI and hands it to
the engine as a substitution (SPARQL-dev SEP-0007): the variable is bound before evaluation, so ``?this`` becomes
the IRI and nothing a client sends can change the query's structure. A SELECT must project the variables it binds.

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

import functools
import importlib.resources
import re
from collections.abc import Mapping
from typing import Protocol

import pyoxigraph as ox

from awardgraph.store.base import QueryResult, Term

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_NAME = re.compile(r"[a-z][a-z0-9-]*")


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


def run(store: Store | ox.Store, name: str, /, *, base_iri: str, **bindings: str | Term) -> QueryResult:
    """Run the named query with each keyword bound to its value (a ``str`` must be an absolute IRI).

    ``store`` is an awardgraph store (substitutions keyed by variable name) or a plain ``pyoxigraph.Store``.
    """
    terms = _terms(bindings)
    if isinstance(store, ox.Store):
        return store.query(
            text(name),
            base_iri=base_iri,
            use_default_graph_as_union=True,
            substitutions={ox.Variable(k): v for k, v in terms.items()},
        )
    return store.query(text(name), base_iri=base_iri, substitutions=terms)


def select(store: Store | ox.Store, name: str, /, *, base_iri: str, **bindings: str | Term) -> list[ox.QuerySolution]:
    """The solutions of a named SELECT query."""
    result = run(store, name, base_iri=base_iri, **bindings)
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"{name}.rq is not a SELECT query")
    return list(result)


def construct(store: Store | ox.Store, name: str, /, *, base_iri: str, **bindings: str | Term) -> list[ox.Triple]:
    """The triples of a named CONSTRUCT query."""
    result = run(store, name, base_iri=base_iri, **bindings)
    if not isinstance(result, ox.QueryTriples):
        raise TypeError(f"{name}.rq is not a CONSTRUCT query")
    return list(result)


def ask(store: Store | ox.Store, name: str, /, *, base_iri: str, **bindings: str | Term) -> bool:
    """The answer of a named ASK query."""
    result = run(store, name, base_iri=base_iri, **bindings)
    if not isinstance(result, ox.QueryBoolean):
        raise TypeError(f"{name}.rq is not an ASK query")
    return bool(result)


def standalone(name: str, /, *, base_iri: str, **bindings: str) -> str:
    """The named query as a self-contained text a person can run anywhere: a ``BASE`` and a final ``VALUES``.

    For "open the query behind this page". The values are validated IRIs written in their N-Triples form. A
    trailing ``VALUES`` joins after evaluation, so this suits queries whose bound variables are not inside
    sub-queries (``describe`` and ``provenance``, for instance).
    """
    terms = _terms(bindings)
    base = iri(base_iri)
    query = text(name).rstrip()
    if not terms:
        return f"BASE {base}\n{query}\n"
    names = " ".join(f"?{k}" for k in terms)
    values = " ".join(str(v) for v in terms.values())
    return f"BASE {base}\n{query}\nVALUES ({names}) {{ ({values}) }}\n"
