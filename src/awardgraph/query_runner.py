"""``awardgraph query``: run one query against the current build or a SPARQL endpoint, formatted for output."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pyoxigraph as ox

from awardgraph import builds
from awardgraph.config import Settings
from awardgraph.namespaces import prefixes
from awardgraph.results import table
from awardgraph.store.oxigraph import EmbeddedStore

_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "table": ox.QueryResultsFormat.JSON,
}
_ACCEPT = {
    "json": "application/sparql-results+json, application/ld+json;q=0.9",
    "table": "application/sparql-results+json, text/turtle;q=0.9",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
}


class QueryFailed(Exception):
    """The query is not valid SPARQL, does not fit the format, or the endpoint failed; the message says which."""


def run_query(settings: Settings, sparql: str, fmt: str) -> str:
    if settings.endpoint:
        return _remote(settings.endpoint, sparql, fmt)
    store = EmbeddedStore(builds.require_current_build(settings.store))
    try:
        result = store.query(sparql, base_iri=settings.base_iri)
    except SyntaxError as exc:
        raise QueryFailed(f"the query is not valid SPARQL: {exc}") from None
    except OSError as exc:
        raise QueryFailed(f"the query failed: {exc}") from None
    if isinstance(result, ox.QueryTriples):
        rdf = ox.RdfFormat.JSON_LD if fmt == "json" else ox.RdfFormat.TURTLE
        if fmt in ("csv", "tsv"):
            raise QueryFailed("CONSTRUCT and DESCRIBE give triples: use --format turtle or json")
        return (ox.serialize(result, format=rdf, prefixes=prefixes(settings.base_iri)) or b"").decode("utf-8")
    if fmt == "turtle":
        raise QueryFailed("SELECT and ASK give a table: use --format table, json, csv or tsv")
    data = (result.serialize(format=_RESULT_FORMATS[fmt]) or b"").decode("utf-8")
    return table(json.loads(data)) if fmt == "table" else data


def _remote(endpoint: str, sparql: str, fmt: str) -> str:
    if not endpoint.startswith(("http://", "https://")):
        raise QueryFailed(f"the endpoint must be an http(s) URL, got {endpoint!r}")
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        endpoint,
        data=sparql.encode("utf-8"),
        headers={"Content-Type": "application/sparql-query", "Accept": _ACCEPT[fmt]},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - scheme checked above
            body: str = response.read().decode("utf-8")
            media = response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        detail = exc.read().decode("utf-8", "replace")[:500]
        raise QueryFailed(f"{endpoint} answered {exc.code}: {detail}") from None
    except (urllib.error.URLError, TimeoutError) as exc:
        raise QueryFailed(f"cannot reach {endpoint}: {getattr(exc, 'reason', exc)}") from None
    if fmt == "table" and media == "application/sparql-results+json":
        return table(json.loads(body))
    return body
