"""Running a user's query from ``/sparql``: the checks before it runs, admission, the store's answer.

In order (``docs/security.md`` has the why of each):

1. size (413), SPARQL Update (403), nesting (400), what the query would fetch (400):
   :mod:`awardgraph.web.endpoint.query_checks`;
2. the client's share (429): :mod:`awardgraph.web.endpoint.admission`;
3. the store's answer (:meth:`awardgraph.store.base.Store.answer`), with a deadline, cut at the row and triple limits
   before the response starts (status and truncation are final). How the store keeps the deadline is its own:
   the embedded store runs the query in a process of its sandbox (killed at the deadline: 503), a remote store
   has it parsed and planned in such a process first, then runs it within its HTTP timeout. This module cannot
   tell which store it has.

The app's own queries (pages, lists) never come here: they are bounded and run in the web process.
"""

from __future__ import annotations

import time
from pathlib import Path

from flask import current_app, request

from awardgraph import queries
from awardgraph.config import Settings
from awardgraph.namespaces import prefixes
from awardgraph.queries import lexer
from awardgraph.store.base import OVERRUN, Answer, Formats, Limits, QueryFailed, UserQuery
from awardgraph.web import conneg, guard
from awardgraph.web.endpoint import protocol, query_checks
from awardgraph.web.endpoint.admission import Admission
from awardgraph.web.errors import Problem
from awardgraph.web.state import Build

KEY = "awardgraph.querying"
OFFERED = {"graph": conneg.GRAPH_RESULTS, "table": conneg.TABLE_RESULTS, "boolean": conneg.BOOLEAN_RESULTS}
# requests one worker lets wait their turn at once: all but two of ``serve``'s threads per worker (web/server.py
# THREADS), so that a burst is served while two threads are always left for other clients and the pages
WAIT_SLOTS = 6
TRUNCATED = "Awardgraph-Truncated"  # the header of an answer cut at a limit: "rows=10000" or "triples=100000"


class Querying:
    """What one app checks and admits user queries with."""

    def __init__(self, settings: Settings, runtime: Path | None = None) -> None:
        self.settings = settings
        self.prefixes = prefixes(settings.base_iri)
        self.outbound = query_checks.Outbound(
            base_iri=settings.base_iri, prefixes=self.prefixes, federation=settings.federation
        )
        self.proxies = guard.trusted(settings.trusted_proxies)
        self.admission = Admission(
            per_client=settings.client_queries,
            budget=settings.client_budget,
            hold=max(settings.query_timeout, settings.remote_timeout) + OVERRUN + 5,
            queue=settings.client_queue,
            wait=settings.client_wait,
            slots=WAIT_SLOTS,
            path=runtime / "admission.sqlite3" if runtime is not None else None,
        )


def querying() -> Querying:
    return current_app.extensions[KEY]  # type: ignore[no-any-return]


def answer(build: Build, parsed: protocol.QueryRequest, formats: Formats, limits: Limits) -> Answer:
    """The complete answer to ``parsed`` over ``build``, or a :class:`Problem` saying why there is none."""
    q = querying()
    timeout = _timeout(parsed.timeout, q.settings.query_timeout)
    try:
        _check(q, build, parsed)
        client = guard.client(request, q.proxies)
        ticket = q.admission.enter(client)
    except query_checks.Refused as refused:
        raise _problem(refused) from None
    started = time.monotonic()
    asked = UserQuery(
        parsed.query,
        q.settings.base_iri,
        q.prefixes,
        formats,
        limits,
        default_graphs=parsed.default_graphs,
        named_graphs=parsed.named_graphs,
    )
    try:
        return build.store.answer(asked, timeout=timeout)
    except QueryFailed as failed:
        raise _failure(failed, parsed.query, timeout) from None
    finally:
        q.admission.leave(client, ticket, time.monotonic() - started)


def _check(q: Querying, build: Build, parsed: protocol.QueryRequest) -> None:
    query_checks.check_size(parsed.query, max_bytes=q.settings.max_query)
    keyword = lexer.update_keyword(parsed.query)
    if keyword is not None:
        raise query_checks.Refused(
            403, f"This endpoint is read-only: {keyword} is SPARQL Update, which it does not accept."
        )
    query_checks.check_depth(parsed.query, max_depth=q.settings.max_depth)

    def graphs() -> set[str]:
        return build.memo("graph-iris", lambda: _graph_iris(build, q.settings.base_iri))

    q.outbound.check_query(parsed.query, graphs)
    if parsed.has_dataset:
        q.outbound.check_dataset(parsed.default_graphs or (), parsed.named_graphs or (), graphs)


def _graph_iris(build: Build, base_iri: str) -> set[str]:
    return {str(row["g"].value) for row in queries.select(build.store, "graphs", base_iri=base_iri)}


def _timeout(raw: str | None, most: float) -> float:
    """The request's ``timeout`` (seconds), never more than ``most``; absent or 0: ``most``."""
    if raw is None:
        return most
    try:
        asked = float(raw)
    except ValueError:
        asked = -1.0
    if not asked >= 0 or asked != asked:
        raise Problem(400, f"timeout must be a number of seconds (at most {most:g}), not {raw!r}.")
    return most if asked == 0 else min(asked, most)


def _problem(refused: query_checks.Refused) -> Problem:
    headers = {"Retry-After": str(refused.retry_after)} if refused.retry_after is not None else {}
    return Problem(refused.status, refused.message, headers=headers)


def _failure(failed: QueryFailed, query: str, timeout: float) -> Problem:
    """The answer to a query that has none."""
    reason, info = failed.reason, failed.info
    if reason == "syntax":
        detail = lexer.error_excerpt(query, failed.message)
        return Problem(400, f"The query is not valid SPARQL: {failed.message}", detail=detail)
    if reason == "error":
        return Problem(400, f"The query failed while it was evaluated: {failed.message}")
    if reason == "unacceptable":
        offered = OFFERED[str(info.get("kind"))]
        available = ", ".join(f.media_type for f in offered)
        return Problem(406, f"No acceptable format for this result. Available: {available}.")
    if reason == "timeout":
        return Problem(
            503,
            f"The query did not finish within {timeout:g} s, its time limit, and was stopped.",
            detail="Make it more selective (fewer unbound patterns, a LIMIT), or ask for less.",
        )
    if reason in ("preempted", "busy"):
        retry = str(info.get("retry_after", 1))
        why = (
            "other long queries are running, and one query process is kept free for short ones"
            if reason == "preempted"
            else "every query process is busy"
        )
        return Problem(503, f"The query was not answered: {why}. Try again shortly.", headers={"Retry-After": retry})
    if reason == "memory":
        return Problem(400, "The query needed more memory than a query may use, and was stopped.")
    if reason == "crashed":
        return Problem(
            400,
            f"The query stopped the process running it ({info.get('signal')}) and has no answer: it may be "
            "too deeply nested or need more memory than a query may use.",
        )
    return Problem(503, "The query was not answered.", headers={"Retry-After": "5"})
