"""The query editor of ``/sparql`` (YASGUI): whether its assets were built, what the page needs to start it, and
the one loosening of the Content-Security-Policy it needs.

The assets are the pinned npm package's bundle, copied by ``make assets`` into ``static/vendor/yasgui/`` and
served by the app itself; without them the page is the plain HTML form. The editor runs queries through the same
``/sparql`` endpoint as every client (``connect-src 'self'``: the browser refuses any other host).

YASGUI and the CodeMirror inside it set ``style`` attributes on the elements they draw, which ``style-src 'self'``
forbids; so the editor's page alone gets ``style-src 'self' 'unsafe-inline'``. Scripts stay ``'self'`` only, no
inline script, no ``eval``.
"""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, request

from awardgraph.namespaces import prefixes

bp = Blueprint("editor", __name__)

ASSETS = Path(__file__).parent.parent / "static" / "vendor" / "yasgui"
EDITOR_PATHS = ("/sparql", "/sparql/")
EDITOR_STYLE = "style-src 'self' 'unsafe-inline'"


def available() -> bool:
    """Whether ``make assets`` has put the editor's bundle in place."""
    return all((ASSETS / name).is_file() for name in ("yasgui.min.js", "yasgui.min.css"))


def config(base_iri: str) -> str:
    """What the editor's script reads from the page: the base IRI (to keep result links on the site) and the
    declared prefixes (to show IRIs short), as JSON for a ``data-`` attribute."""
    return json.dumps({"base": base_iri, "prefixes": prefixes(base_iri)}, ensure_ascii=False, sort_keys=True)


def loosen_policy(policy: str) -> str:
    """``policy`` with its ``style-src`` replaced by :data:`EDITOR_STYLE`.

    >>> loosen_policy("default-src 'none'; style-src 'self'; img-src 'self'")
    "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self'"
    """
    parts = [p.strip() for p in policy.split(";") if p.strip()]
    return "; ".join(EDITOR_STYLE if p.split(" ")[0] == "style-src" else p for p in parts)


@bp.after_app_request
def _editor_policy(response: Response) -> Response:
    """The editor's page (HTML from /sparql, with the assets present) gets the editor's style policy."""
    policy = response.headers.get("Content-Security-Policy")
    if (
        policy is not None
        and request.path in EDITOR_PATHS
        and response.mimetype == "text/html"
        and response.status_code == 200
        and available()
    ):
        response.headers["Content-Security-Policy"] = loosen_policy(policy)
    return response


@bp.app_context_processor
def _editor_context() -> dict[str, object]:
    """``editor``: the editor's configuration when its assets are present, else ``None`` (the plain form)."""
    from awardgraph.web.site import settings

    return {"editor": config(settings().base_iri) if available() else None}
