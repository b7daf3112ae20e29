"""Running a user's query from ``/sparql``: the checks before it runs, admission, the store's answer.

In order (``docs/security.md`` has the why of each):

1. size (413), SPARQL Update (403), nesting (400), what the query would fetch (400):
   :mod:`awardgraph.web.endpoint.query_checks`; then the dataset: the protocol's (``default-graph-uri``,
   ``named-graph-uri``) replaces the query's ``FROM``/``FROM NAMED`` (Protocol 2.1.4; the clauses are blanked out
   before anything looks at them), and the graphs it names that the store does not hold are taken out of it, read
   as empty and named in the answer's ``Awardgraph-Unknown-Graphs`` header (never an error, never fetched);
2. the client's share (429): :mod:`awardgraph.web.endpoint.admission`;
3. the store's answer (:meth:`awardgraph.store.base.Store.answer`), with a deadline, cut at the row and triple limits
   before the response starts (status and truncation are final). How the store keeps the deadline is its own:
   the embedded store runs the query in a process of its sandbox (killed at the deadline: 503), a remote store
   has it parsed and planned in such a process first, then runs it within its HTTP timeout. This module cannot
   tell which store it has.

The app's own queries (pages, lists) never come here: they are bounded and run in the web process.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from urllib.parse import quote

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
UNKNOWN_GRAPHS = "Awardgraph-Unknown-Graphs"  # the graphs a dataset named that the store does not hold: "<iri>, <iri>"
UNKNOWN_GRAPHS_LENGTH = 2000  # characters of that header at most: the graphs that do not fit are counted


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


@dataclasses.dataclass(frozen=True)
class Answered:
    """A user query's answer, and the graphs its dataset named that the store does not hold (read as empty)."""

    answer: Answer
    unknown_graphs: tuple[str, ...] = ()


def answer(build: Build, parsed: protocol.QueryRequest, formats: Formats, limits: Limits) -> Answered:
    """The complete answer to ``parsed`` over ``build``, or a :class:`Problem` saying why there is none."""
    q = querying()
    timeout = _timeout(parsed.timeout, q.settings.query_timeout)
    try:
        asked, unknown = _check(q, build, parsed, formats, limits)
        client = guard.client(request, q.proxies)
        ticket = q.admission.enter(client)
    except query_checks.Refused as refused:
        raise _problem(refused) from None
    started = time.monotonic()
    try:
        return Answered(build.store.answer(asked, timeout=timeout), unknown)
    except QueryFailed as failed:
        raise _failure(failed, parsed.query, timeout) from None
    finally:
        q.admission.leave(client, ticket, time.monotonic() - started)


def unknown_graphs_header(graphs: tuple[str, ...], *, most: int = UNKNOWN_GRAPHS_LENGTH) -> str:
    """The ``Awardgraph-Unknown-Graphs`` value: each graph as ``<uri>`` (an IRI's other characters percent-encoded,
    so the header is ASCII), comma-separated, at most ``most`` characters; the graphs that do not fit are counted.

    >>> unknown_graphs_header(("http://e/łódź", "http://e/b"))
    '<http://e/%C5%82%C3%B3d%C5%BA>, <http://e/b>'
    >>> unknown_graphs_header(tuple(f"http://e/{n}" for n in range(9)), most=60)
    '<http://e/0>, <http://e/1>, <http://e/2>, and 6 more'
    """
    shown: list[str] = []
    for number, iri in enumerate(graphs):
        item = f"<{quote(iri, safe=_IRI_SAFE)}>"
        tail = f", and {len(graphs) - number} more"
        if len(", ".join([*shown, item])) + (len(tail) if number + 1 < len(graphs) else 0) > most:
            return ", ".join(shown) + tail if shown else tail[2:]
        shown.append(item)
    return ", ".join(shown)


_IRI_SAFE = "!#$%&'()*+,-./:;=?@[]_~"  # printable ASCII an IRI may hold, kept as it is; the rest is percent-encoded


def _check(
    q: Querying, build: Build, parsed: protocol.QueryRequest, formats: Formats, limits: Limits
) -> tuple[UserQuery, tuple[str, ...]]:
    """Refuse what must not run; the query to ask the store, and the graphs its dataset names that are not held."""
    query_checks.check_size(parsed.query, max_bytes=q.settings.max_query)
    keyword = lexer.update_keyword(parsed.query)
    if keyword is not None:
        raise query_checks.Refused(
            403, f"This endpoint is read-only: {keyword} is SPARQL Update, which it does not accept."
        )
    query_checks.check_depth(parsed.query, max_depth=q.settings.max_depth)
    text = parsed.query
    if parsed.has_dataset:  # the protocol's dataset replaces the query's, before anything reads its FROM clauses
        text = lexer.without_dataset(text)
        q.outbound.check_query(text)
        dataset: query_checks.Dataset | None = query_checks.Dataset(
            parsed.default_graphs or (), parsed.named_graphs or ()
        )
    else:
        dataset = q.outbound.check_query(text)
        if dataset is not None:  # sent as the query's dataset, the graphs not held taken out
            text = lexer.without_dataset(text)
    unknown: tuple[str, ...] = ()
    if dataset is not None:
        found = query_checks.held(
            dataset, lambda: build.memo("graph-iris", lambda: _graph_iris(build, q.settings.base_iri))
        )
        dataset, unknown = found.dataset, found.unknown
    asked = UserQuery(
        text,
        q.settings.base_iri,
        q.prefixes,
        formats,
        limits,
        default_graphs=dataset.default if dataset is not None else None,
        named_graphs=dataset.named if dataset is not None else None,
    )
    return asked, unknown


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
