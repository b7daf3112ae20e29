"""``/search?q=``: the things whose Polish or English names match what was typed, as HTML or JSON.

Matching ignores case and Polish diacritics (:mod:`awardgraph.textmatch`). The names come from the build's search
index (:class:`awardgraph.indexes.SearchIndex`), or, for a remote store or an older build, from the served store once
(``queries/search-labels.rq``). The JSON answer also feeds the suggestions of the
search box on every page (``static/suggest.js``).
"""

from __future__ import annotations

import dataclasses
import json

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from awardgraph import indexes, queries, textmatch
from awardgraph.web import conneg, i18n, paths, respond
from awardgraph.web.errors import Problem
from awardgraph.web.site import presenter, served, settings
from awardgraph.web.state import Build, LocalBuild

bp = Blueprint("search", __name__)

FORMATS = (conneg.HTML, conneg.JSON)
MAX_TYPED = 200
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
CANDIDATES = 5000  # things scored per search at most (the shortest names first): the ranking is exact below that


@dataclasses.dataclass(frozen=True)
class Named:
    """One thing with all its names, by language ("" for none)."""

    iri: str
    names: dict[str, str]
    type: str | None


@dataclasses.dataclass(frozen=True)
class Hit:
    iri: str
    href: str | None
    label: str
    matched: str
    matched_lang: str
    type: str | None
    type_label: str | None
    score: int


def named_things(build: Build) -> list[Named]:
    """Every thing under ``{base}id/`` with its names (once per build), as the build's search index holds them."""

    def compute() -> list[Named]:
        names: dict[str, set[tuple[str, str]]] = {}
        types: dict[str, tuple[bool, str]] = {}
        ontology = f"{settings().base_iri}ontology#"
        for row in queries.select(build.store, "search-labels", base_iri=settings().base_iri):
            subject, label, cls = row["s"], row["label"], row["type"]
            if not isinstance(subject, ox.NamedNode) or not isinstance(label, ox.Literal):
                continue
            names.setdefault(subject.value, set()).add((label.language or "", label.value))
            if isinstance(cls, ox.NamedNode):
                key = (not cls.value.startswith(ontology), cls.value)
                types[subject.value] = min(types.get(subject.value, key), key)
        return [
            Named(iri, indexes.names_of(sorted(found)), types[iri][1] if iri in types else None)
            for iri, found in sorted(names.items())
        ]

    return build.memo("search-named", compute)


def _searched(build: Build, typed: str) -> list[Named]:
    """The things to score: from the build's search index when it has one (those whose names contain every word
    typed, :data:`CANDIDATES` at most), else every named thing."""
    folder = build.path if isinstance(build, LocalBuild) else None
    index = build.memo("search-index", lambda: indexes.SearchIndex.open(folder) if folder is not None else None)
    if index is None:
        return named_things(build)
    return [Named(iri, indexes.names_of(names), cls) for iri, cls, names in index.candidates(typed, CANDIDATES)]


def search(build: Build, typed: str, lang: str, limit: int) -> list[Hit]:
    """The best ``limit`` matches for ``typed``, labelled in ``lang``."""
    p = presenter(build, [], lang)
    hits = []
    for thing in _searched(build, typed):
        scored = [(textmatch.score(typed, name), key, name) for key, name in thing.names.items()]
        best, key, name = max(scored, key=lambda s: (s[0], s[1].split("#")[0] == lang))
        if best <= 0:
            continue
        shown = i18n.pick({k: v for k, v in thing.names.items() if "#" not in k}, lang) or name
        hits.append(
            Hit(
                iri=thing.iri,
                href=paths.local_path(thing.iri, settings().base_iri),
                label=shown,
                matched=name,
                matched_lang=key.split("#")[0],
                type=thing.type,
                type_label=p.label(thing.type) if thing.type else None,
                score=best,
            )
        )
    hits.sort(key=lambda h: (-h.score, textmatch.fold(h.label), h.iri))
    return hits[:limit]


@bp.get("/search")
def search_page() -> Response:
    """The search form and its results (HTML), or the results as JSON."""
    build = served()
    typed = request.args.get("q", "")
    if len(typed) > MAX_TYPED:
        raise Problem(400, f"?q= is {len(typed)} characters long; at most {MAX_TYPED} are searched.")
    limit = _limit()
    fmt = respond.pick_format(FORMATS, urls={"html": "/search", "json": "/search?format=json"})
    lang = respond.page_lang()
    etag = respond.etag_for(build, fmt.key, lang, typed, str(limit))
    if (cached := respond.conditional(build, etag)) is not None:
        return cached
    hits = search(build, typed, lang, limit) if typed.strip() else []
    if fmt is conneg.HTML:
        body = respond.html("search.html", lang=lang, typed=typed, hits=hits, searched=bool(typed.strip()))
    else:
        body = json.dumps({"q": typed, "lang": lang, "results": [_json(h) for h in hits]}, ensure_ascii=False) + "\n"
    response = current_app.response_class(body, content_type=fmt.content_type)
    return respond.finish(response, build, etag=etag)


def _limit() -> int:
    raw = request.args.get("limit")
    if raw is None:
        return DEFAULT_LIMIT
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise Problem(400, f"?limit= must be a number from 1 to {MAX_LIMIT}, not {raw[:20]!r}.")
    return int(raw)


def _json(hit: Hit) -> dict[str, object]:
    return {
        "iri": hit.iri,
        "href": hit.href,
        "label": hit.label,
        "matched": hit.matched,
        "matchedLang": hit.matched_lang or None,
        "type": hit.type,
        "typeLabel": hit.type_label,
    }
