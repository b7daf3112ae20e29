"""Every error the app answers, as plain text, JSON or HTML (by ``Accept``), never a stack trace or debugger page.

Views raise :class:`Problem` (or Werkzeug's ``HTTPException``); :func:`register` turns both into a short body
saying what was wrong. A store that cannot be reached (:class:`~awardgraph.store.base.StoreUnavailable`) is a 503
with ``Retry-After``; a store that failed a request (any other
:class:`~awardgraph.store.base.StoreError`) a 502 with what the store said. Neither names the store's address,
which is logged on the server. Anything else is logged with its traceback and answered with a generic 500.
"""

from __future__ import annotations

import http
import json
import logging
from collections.abc import Mapping, Sequence

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException

from awardgraph.store.base import StoreError, StoreUnavailable
from awardgraph.web import conneg, i18n

log = logging.getLogger("awardgraph.web")
RETRY_AFTER = "30"  # seconds a client is asked to wait while the store is unreachable


class Problem(Exception):
    """An HTTP error with a message for a person; ``available`` lists what a 406 could have had instead."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        detail: str | None = None,
        headers: Mapping[str, str] | None = None,
        available: Sequence[tuple[str, str | None]] = (),
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.detail = status, message, detail
        self.headers = dict(headers or {})
        self.available = list(available)  # (media type, URL or None)


def not_acceptable(offered: Sequence[conneg.Format], url_for_format: Mapping[str, str] | None = None) -> Problem:
    """The 406 for a request none of ``offered`` satisfies, listing each format (and its URL when it has one)."""
    urls = url_for_format or {}
    offered = conneg.shown(offered)
    names = ", ".join(f.media_type for f in offered)
    return Problem(
        406,
        f"None of the formats this resource has is acceptable. Available: {names}.",
        detail="Ask with an Accept header naming one of them, or add ?format= (e.g. ?format=ttl).",
        available=[(f.media_type, urls.get(f.key)) for f in offered],
    )


def error_response(problem: Problem) -> Response:
    """The body of ``problem`` in the format the client prefers among plain text, HTML and JSON."""
    fmt = conneg.negotiate(request.headers.get("Accept"), conneg.ERRORS) or conneg.TEXT
    try:
        reason = http.HTTPStatus(problem.status).phrase
    except ValueError:
        reason = "Error"
    if fmt is conneg.HTML:
        lang = i18n.choose(request.args.get("lang"), request.headers.get("Accept-Language"))
        body = render_template(
            "error.html", status=problem.status, reason=reason, problem=problem, lang=lang, t=i18n.words(lang)
        )
    elif fmt is conneg.JSON:
        payload: dict[str, object] = {"status": problem.status, "error": reason, "message": problem.message}
        if problem.detail:
            payload["detail"] = problem.detail
        if problem.available:
            payload["available"] = [{"mediaType": m, "url": u} for m, u in problem.available]
        body = json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
    else:
        lines = [f"{problem.status} {reason}", "", problem.message]
        if problem.detail:
            lines += ["", problem.detail]
        lines += [f"  {m}" + (f"  {u}" if u else "") for m, u in problem.available]
        body = "\n".join(lines) + "\n"
    response = Response(body, status=problem.status, content_type=fmt.content_type)
    response.headers.update(problem.headers)
    response.vary.add("Accept")
    if fmt is conneg.HTML:  # the page is in the reader's language
        response.vary.add("Accept-Language")
    return response


def register(app: Flask) -> None:
    """Install the handlers that make every error one of ours."""

    @app.errorhandler(Problem)
    def _problem(exc: Problem) -> Response:
        return error_response(exc)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Response:
        headers = {k: v for k, v in exc.get_headers() if k.lower() in ("allow", "retry-after")}
        message = exc.description or exc.name
        if exc.code == 404:
            message = f"Nothing is published at {request.path}."
        return error_response(Problem(exc.code or 500, message, headers=headers))

    @app.errorhandler(StoreUnavailable)
    def _unavailable(exc: StoreUnavailable) -> Response:
        log.warning("store unavailable while answering %s %s: %s", request.method, request.path, exc)
        why = f" ({exc.detail})" if exc.detail and exc.status is None else ""
        return error_response(
            Problem(
                503,
                f"The data store is not answering at the moment{why}, so this cannot be answered now.",
                detail=f"Please try again in a little while (Retry-After: {RETRY_AFTER} seconds).",
                headers={"Retry-After": RETRY_AFTER},
            )
        )

    @app.errorhandler(StoreError)
    def _store_failed(exc: StoreError) -> Response:
        log.error("store error while answering %s %s: %s", request.method, request.path, exc)
        return error_response(Problem(502, "The data store failed to answer this request.", detail=exc.detail))

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Response:
        log.exception("error while answering %s %s", request.method, request.path)
        return error_response(Problem(500, "The server failed to answer this request; the error has been logged."))
