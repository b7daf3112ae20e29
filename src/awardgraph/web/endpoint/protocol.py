"""The SPARQL 1.1 Protocol's query operation: from an HTTP request's parts to a query and its dataset, and then to
a result. No Flask in here; the view passes the request's pieces.

Request styles (W3C SPARQL 1.1 Protocol, section 2.1):

- ``GET ?query=...``
- ``POST`` with ``Content-Type: application/x-www-form-urlencoded`` and ``query=...`` in the body
- ``POST`` with ``Content-Type: application/sparql-query`` and the query as the body (UTF-8)

``default-graph-uri`` and ``named-graph-uri`` (in the URL, or in the form body) make the protocol dataset, which
replaces any ``FROM``/``FROM NAMED`` of the query (section 2.1.4). Without either, a query's own ``FROM`` clauses
decide, and a query with none sees the project's default graph. A graph either names that the dataset does not
hold is read as empty, never an error (:mod:`awardgraph.web.endpoint.querying`). ``timeout`` asks for a time limit
shorter than the server's. Other parameters the protocol does not define (``format``, ``output``, ``results``, ...) are
ignored, as real clients send them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from awardgraph import queries
from awardgraph.queries import lexer
from awardgraph.store.base import QueryResult, Store

FORM = "application/x-www-form-urlencoded"
DIRECT = "application/sparql-query"
UPDATE = "application/sparql-update"

Params = Mapping[str, Sequence[str]]


class ProtocolError(Exception):
    """The request breaks the protocol or the query is not valid; ``status`` is the 4xx to answer."""

    def __init__(self, status: int, message: str, detail: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.detail = status, message, detail


@dataclasses.dataclass(frozen=True)
class QueryRequest:
    """A query with its protocol dataset (``None``: not given)."""

    query: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    timeout: str | None = None  # the request's own time limit, as given (seconds)

    @property
    def has_dataset(self) -> bool:
        return self.default_graphs is not None or self.named_graphs is not None


def parse_request(
    method: str, media_type: str | None, charset: str | None, args: Params, form: Params, body: bytes
) -> QueryRequest | None:
    """The query operation a request asks for, or ``None`` for a bare ``GET`` (no query: describe the service).

    ``media_type`` is the request's ``Content-Type`` without parameters; ``charset`` its charset parameter.
    """
    if "update" in args or "update" in form or media_type == UPDATE:
        raise ProtocolError(403, "This endpoint is read-only: SPARQL Update is not accepted.")
    if method == "GET":
        params: dict[str, list[str]] = {k: list(v) for k, v in args.items()}
    elif media_type == FORM:
        params = {k: [*args.get(k, ()), *form.get(k, ())] for k in {*args, *form}}
    elif media_type == DIRECT:
        if charset and charset.lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii"):
            raise ProtocolError(415, f"The query must be sent as UTF-8, not {charset}.")
        if "query" in args:
            raise ProtocolError(400, "A query sent as the body must not also be given as a 'query' parameter.")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtocolError(400, f"The query is not valid UTF-8 (byte {exc.start}).") from None
        params = {k: list(v) for k, v in args.items()}
        params["query"] = [text]
    else:
        given = media_type or "no Content-Type"
        raise ProtocolError(
            415, f"A POST must be {FORM} (with a 'query' field) or {DIRECT} (the query as the body), not {given}."
        )
    queries_given = params.get("query", [])
    if not queries_given:
        if method == "GET":
            return None
        raise ProtocolError(400, "The request has no 'query'.")
    if len(queries_given) > 1:
        raise ProtocolError(400, f"The request has {len(queries_given)} 'query' parameters; send exactly one.")
    if not queries_given[0].strip():
        raise ProtocolError(400, "The query is empty.")
    timeouts = params.get("timeout", [])
    if len(timeouts) > 1:
        raise ProtocolError(400, f"The request has {len(timeouts)} 'timeout' parameters; send at most one.")
    return QueryRequest(queries_given[0], *_dataset(params), timeout=timeouts[0] if timeouts else None)


def _dataset(params: Params) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    default = tuple(params.get("default-graph-uri", ()))
    named = tuple(params.get("named-graph-uri", ()))
    for value in (*default, *named):
        try:
            queries.iri(value)
        except queries.InvalidIRI:
            raise ProtocolError(400, f"A graph parameter is not an absolute IRI: {value!r}.") from None
    if not default and not named:
        return None, None
    return default, named  # a protocol dataset: what it does not list is empty


def execute(store: Store, request: QueryRequest, *, base_iri: str, prefixes: Mapping[str, str]) -> QueryResult:
    """Run the query against ``store`` with the protocol's dataset rules; :class:`ProtocolError` if it is invalid."""
    try:
        return store.query(
            request.query,
            default_graphs=request.default_graphs,
            named_graphs=request.named_graphs,
            base_iri=base_iri,
            prefixes=prefixes,
        )
    except SyntaxError as exc:
        keyword = lexer.update_keyword(request.query)
        if keyword is not None:
            raise ProtocolError(
                403, f"This endpoint is read-only: {keyword} is SPARQL Update, which it does not accept."
            ) from None
        message = str(exc)
        raise ProtocolError(
            400, f"The query is not valid SPARQL: {message}", lexer.error_excerpt(request.query, message)
        ) from None
    except (ValueError, RuntimeError) as exc:
        raise ProtocolError(400, f"The query cannot be evaluated: {exc}") from None
