"""``/sitemap.xml`` (the sitemaps.org protocol) and ``/robots.txt``, for search engines and other crawlers.

The sitemap lists every page and document of the build: the home page, the dataset description, the ontology, the
shapes, the cookbook (``/queries``), each page of each class list, each named graph and the document of every
thing under ``{base}id/``. Local paths come from the canonical IRIs (:func:`awardgraph.web.paths.local_path`); the
protocol wants absolute URLs, so each one is written under the base IRI (:func:`awardgraph.web.paths.public_url`),
never under the request's host.
Past :data:`URLS_PER_FILE` URLs, ``/sitemap.xml`` is a sitemap index of ``/sitemap-N.xml`` files.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template

from awardgraph import queries
from awardgraph.web import paths, respond
from awardgraph.web.documents.documents import Paging
from awardgraph.web.errors import Problem
from awardgraph.web.pages import classlist, lists
from awardgraph.web.site import served, settings
from awardgraph.web.state import Build

bp = Blueprint("sitemap", __name__)

URLS_PER_FILE = 50_000  # the protocol's limit per file
XML = "application/xml; charset=utf-8"


def entries(build: Build) -> list[str]:
    """The local path of every page and document the build publishes, each once (computed once per build)."""

    def compute() -> list[str]:
        base = settings().base_iri
        graphs = [str(r["g"].value) for r in queries.select(build.store, "graphs", base_iri=base)]
        found = ["/", "/dataset"] + (["/ontology"] if f"{base}ontology" in graphs else [])
        found += ["/shapes"] if build.shapes_turtle() is not None else []
        found += ["/queries"]
        for cls in classlist.classes(build, base).values():
            last = Paging(1, cls.count, lists.PAGE_SIZE).last
            found += [cls.path + (f"?page={n}" if n > 1 else "") for n in range(1, last + 1)]
        things = [str(r["thing"].value) for r in queries.select(build.store, "things", base_iri=base)]
        found += [path for path in (paths.local_path(iri, base) for iri in [*graphs, *things]) if path is not None]
        return list(dict.fromkeys(found))

    return build.memo("sitemap", compute)


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    """The sitemap (or, for a large dataset, the sitemap index)."""
    build = served()
    found = entries(build)
    if len(found) <= URLS_PER_FILE:
        return _xml(build, "sitemap.xml", urls=_urls(found))
    count = -(-len(found) // URLS_PER_FILE)
    return _xml(build, "sitemapindex.xml", urls=_urls([f"/sitemap-{n}.xml" for n in range(1, count + 1)]))


@bp.get("/sitemap-<int:number>.xml")
def sitemap_part(number: int) -> Response:
    """One file of a sitemap index."""
    build = served()
    found = entries(build)
    chunk = found[(number - 1) * URLS_PER_FILE : number * URLS_PER_FILE] if number >= 1 else []
    if len(found) <= URLS_PER_FILE or not chunk:
        raise Problem(404, f"There is no sitemap file {number}; see /sitemap.xml.")
    return _xml(build, "sitemap.xml", urls=_urls(chunk))


@bp.get("/robots.txt")
def robots() -> Response:
    """Everything may be crawled but the SPARQL endpoint; the sitemap says where everything is."""
    build, base = served(), settings().base_iri
    etag = respond.etag_for(build, "robots")
    if (cached := respond.conditional(build, etag, vary="Accept-Encoding")) is not None:
        return cached
    body = f"User-agent: *\nDisallow: /sparql\n\nSitemap: {paths.public_url('/sitemap.xml', base)}\n"
    response = current_app.response_class(body, content_type="text/plain; charset=utf-8")
    return respond.finish(response, build, etag=etag, vary="Accept-Encoding")


def _urls(local: list[str]) -> list[str]:
    base = settings().base_iri
    return [paths.public_url(path, base) for path in local]


def _xml(build: Build, template: str, *, urls: list[str]) -> Response:
    etag = respond.etag_for(build, template)
    if (cached := respond.conditional(build, etag, vary="Accept-Encoding")) is not None:
        return cached
    lastmod = build.built.strftime("%Y-%m-%dT%H:%M:%SZ")
    body = render_template(template, urls=urls, lastmod=lastmod)
    response = current_app.response_class(body, content_type=XML)
    return respond.finish(response, build, etag=etag, vary="Accept-Encoding")
