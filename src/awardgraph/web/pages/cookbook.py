"""``/queries``: the SPARQL cookbook page (each question explained in the reader's language, its SPARQL, and a
link that opens it in the query editor), and ``/queries/{slug}.rq``, the file itself."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, current_app

from awardgraph.queries import cookbook
from awardgraph.web import conneg, respond
from awardgraph.web.errors import Problem
from awardgraph.web.site import served

bp = Blueprint("cookbook", __name__)

SPARQL_QUERY = "application/sparql-query"


def editor_link(query: str, lang: str) -> str:
    """The query page opened with ``query`` in its editor (the query travels in the URL: a permalink)."""
    return "/sparql?" + urlencode({"query": query, "lang": lang})


@bp.get("/queries")
def page() -> Response:
    """Every recipe: title, explanation, SPARQL, and links to run it."""
    build = served()
    fmt = respond.pick_format((conneg.HTML,))
    lang = respond.page_lang()
    etag = respond.etag_for(build, fmt.key, lang)
    if (cached := respond.conditional(build, etag)) is not None:
        return cached
    shown = [
        {
            "slug": r.slug,
            "title": r.titles[lang],
            "description": r.descriptions[lang],
            "sparql": r.sparql,
            "editor": editor_link(r.for_editor(lang), lang),
        }
        for r in cookbook.recipes()
    ]
    body = respond.html("queries.html", lang=lang, recipes=shown)
    return respond.finish(current_app.response_class(body, content_type=fmt.content_type), build, etag=etag)


@bp.get("/queries/<slug>.rq")
def recipe_file(slug: str) -> Response:
    """One recipe's file, as it is in the repository."""
    recipe = cookbook.by_slug(slug)
    if recipe is None:
        raise Problem(404, f"The cookbook has no query called {slug!r}; /queries lists them all.")
    response = current_app.response_class(recipe.text, content_type=f"{SPARQL_QUERY}; charset=utf-8")
    response.headers["Content-Disposition"] = f'inline; filename="{recipe.slug}.rq"'
    return response
