"""``awardgraph query``: run one query against the current build or a remote SPARQL store, formatted for output.

Both go through the :class:`~awardgraph.store.base.Store` protocol: a remote store is a
:class:`~awardgraph.store.remote.RemoteStore` (the settings' authentication, timeouts, retries and dataset
handling, the same errors as ``publish``), and results are written by pyoxigraph whatever store answered, so every
``--format`` works with every store.
"""

from __future__ import annotations

import json

import pyoxigraph as ox

from awardgraph import builds
from awardgraph.commands.table import table
from awardgraph.config import Settings
from awardgraph.namespaces import prefixes
from awardgraph.store.base import QueryResult, Store, StoreError
from awardgraph.store.oxigraph import EmbeddedStore
from awardgraph.store.remote import open_remote

_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "table": ox.QueryResultsFormat.JSON,
}


class QueryFailed(Exception):
    """The query is not valid SPARQL, does not fit the format, or the store failed; the message says which."""


def run_query(settings: Settings, sparql: str, fmt: str) -> str:
    """The answer to ``sparql`` in ``fmt`` (``table``, ``json``, ``csv``, ``tsv`` or ``turtle``)."""
    if settings.endpoint:
        try:
            store: Store = open_remote(settings)
        except StoreError as exc:
            raise QueryFailed(str(exc)) from None
    else:
        store = EmbeddedStore(builds.require_current_build(settings.store))
    try:
        result = store.query(sparql, base_iri=settings.base_iri)
        return _format(result, fmt, settings.base_iri)  # the embedded store evaluates while this writes
    except SyntaxError as exc:
        raise QueryFailed(f"the query is not valid SPARQL: {exc}") from None
    except StoreError as exc:
        raise QueryFailed(str(exc)) from None
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryFailed(f"the query failed: {exc}") from None
    finally:
        store.close()


def _format(result: QueryResult, fmt: str, base_iri: str) -> str:
    if isinstance(result, ox.QueryTriples):
        rdf = ox.RdfFormat.JSON_LD if fmt == "json" else ox.RdfFormat.TURTLE
        if fmt in ("csv", "tsv"):
            raise QueryFailed("CONSTRUCT and DESCRIBE give triples: use --format turtle or json")
        return (ox.serialize(result, format=rdf, prefixes=prefixes(base_iri)) or b"").decode("utf-8")
    if fmt == "turtle":
        raise QueryFailed("SELECT and ASK give a table: use --format table, json, csv or tsv")
    data = (result.serialize(format=_RESULT_FORMATS[fmt]) or b"").decode("utf-8")
    return table(json.loads(data)) if fmt == "table" else data
