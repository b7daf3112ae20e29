"""The HTTP face of awardgraph: a Flask application factory and the production server that runs it.

:func:`create_app` takes its :class:`~awardgraph.config.Settings` as an argument and reads nothing else (no
environment, no module-level state), so tests build apps with explicit settings. The server (``server.py``) runs
the app under granian; Flask's development server is never used.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response

from awardgraph.config import Settings
from awardgraph.store.opening import StoreOpener
from awardgraph.web.sources import open_source

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
}
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Accept-Language, Content-Type, If-None-Match, If-Modified-Since",
    "Access-Control-Expose-Headers": (
        "Content-Location, ETag, Last-Modified, Link, Location, Vary, Retry-After, Awardgraph-Truncated, "
        "Awardgraph-Unknown-Graphs"
    ),
    "Access-Control-Max-Age": "86400",
}


# what every answer carries unless the view set its own (added in one step: a header at a time cost 60 µs a request)
EVERY_ANSWER = (*CORS_HEADERS.items(), *SECURITY_HEADERS.items())
EVERY_ANSWER_NAMES = frozenset(name.lower() for name, _ in EVERY_ANSWER)


def create_app(settings: Settings, *, runtime: Path | None = None) -> Flask:
    """The awardgraph web app serving the current build of ``settings.store``, or what ``awardgraph publish`` put
    in the SPARQL store at ``settings.endpoint`` when one is set (the pages cannot tell the two apart).

    ``runtime`` is a private directory the server's worker processes share (``serve`` makes one); without it,
    the per-client limits of user queries hold within this process only."""
    from awardgraph.web import errors, guard, site
    from awardgraph.web.catalogue import dataset, shapes, sitemap, vocab
    from awardgraph.web.documents import resources
    from awardgraph.web.documents.doccache import DocumentCache
    from awardgraph.web.endpoint import querying, sparql
    from awardgraph.web.pages import lists
    from awardgraph.web.pages.reader_pages import register as register_reader_pages

    app = Flask(__name__)
    # werkzeug answers a path with doubled slashes with a 308 to the merged path, built from the request's Host:
    # nothing here is built from Host, so such a path is simply not found
    app.url_map.merge_slashes = False
    app.config.update(DEBUG=False, TESTING=False, PROPAGATE_EXCEPTIONS=False, JSON_SORT_KEYS=False)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions[site.SETTINGS] = settings
    app.extensions[site.STORES] = StoreOpener(settings, runtime)
    app.extensions[site.SERVED] = open_source(settings, app.extensions[site.STORES])
    errors.register(app)
    guard.install(app, settings)
    app.extensions[querying.KEY] = querying.Querying(settings, runtime)
    for blueprint in (site.bp, sparql.bp, resources.bp, vocab.bp, shapes.bp, dataset.bp, lists.bp, sitemap.bp):
        app.register_blueprint(blueprint)
    register_reader_pages(app)

    @app.after_request
    def _headers(response: Response) -> Response:
        present = {name.lower() for name, _ in response.headers.items()} & EVERY_ANSWER_NAMES
        missing = [(n, v) for n, v in EVERY_ANSWER if n.lower() not in present] if present else EVERY_ANSWER
        response.headers.extend(missing)
        return response

    source = app.extensions[site.SERVED]
    app.wsgi_app = DocumentCache(app.wsgi_app, lambda: source.current().id)  # type: ignore[method-assign]
    return app
