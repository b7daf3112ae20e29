"""The home page and ``/health``, and the accessors every view uses for the settings and the served build."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, jsonify, redirect, request

from awardgraph import queries
from awardgraph.config import Settings
from awardgraph.namespaces import prefixes
from awardgraph.web import conneg, i18n, paths, respond
from awardgraph.web.catalogue import schemaorg
from awardgraph.web.documents import documents, present
from awardgraph.web.errors import Problem
from awardgraph.web.pages import classlist
from awardgraph.web.state import Build, NoBuild, Source

bp = Blueprint("site", __name__)

SETTINGS, SERVED = "awardgraph.settings", "awardgraph.served"
STORES = "awardgraph.stores"  # the worker's store opener (awardgraph.store.opening), which owns its query processes
HOME_CLASSES = 12
HOME_MEMBERS = 30  # as instances.rq's LIMIT


def settings() -> Settings:
    """The settings the app was created with."""
    return current_app.extensions[SETTINGS]  # type: ignore[no-any-return]


def served() -> Build:
    """The build being served now (reopened if a new one was switched in or published); 503 before the first
    build, and when the store cannot say (:mod:`awardgraph.web.errors`)."""
    holder: Source = current_app.extensions[SERVED]
    try:
        return holder.current()
    except NoBuild as exc:
        raise Problem(503, f"No data is being served yet: {exc}.", headers={"Retry-After": "60"}) from None


def term_labels(build: Build) -> dict[str, dict[str, str]]:
    """Labels of the ontology's terms and of the provenance's sources, by IRI and language (once per build)."""

    def compute() -> dict[str, dict[str, str]]:
        labels: dict[str, dict[str, str]] = {}
        base = settings().base_iri
        pairs = [(r["term"], r["label"]) for r in queries.select(build.store, "term-labels", base_iri=base)]
        pairs += [(r["source"], r["label"]) for r in queries.select(build.store, "source-labels", base_iri=base)]
        for term, label in pairs:
            if isinstance(label, ox.Literal) and isinstance(term, ox.NamedNode):
                labels.setdefault(term.value, {}).setdefault(label.language or "", label.value)
        return labels

    return build.memo("term-labels", compute)


def presenter(build: Build, triples: Sequence[ox.Triple], lang: str) -> present.Presenter:
    """A presenter knowing the labels in ``triples`` and the ontology's, in ``lang``."""
    base = settings().base_iri
    return present.Presenter(
        base_iri=base, lang=lang, labels=present.label_index(triples, term_labels(build)), prefixes=prefixes(base)
    )


@dataclasses.dataclass(frozen=True)
class ClassEntry:
    node: present.Node
    count: int
    members: tuple[present.Node, ...]
    list_path: str


def home_classes(build: Build, p: present.Presenter) -> list[ClassEntry]:
    """The classes of the things in the dataset, each with a count, its list page and (for the first
    :data:`HOME_CLASSES`) its first members, as entry points."""
    base = settings().base_iri
    entries = []
    for number, cls in enumerate(classlist.classes(build, base).values()):
        nodes: dict[str, present.Node] = {}
        if number < HOME_CLASSES:
            members = build.memo(f"instances {cls.iri}", functools.partial(_instances, build, cls.iri))
            labels = present.label_index(
                ox.Triple(node, ox.NamedNode(present.LABELS[0]), label) for node, found in members for label in found
            )
            shown = present.Presenter(
                base_iri=base, lang=p.lang, labels={**p.labels, **labels}, prefixes=dict(p.prefixes)
            )
            nodes = {node.value: shown.node(node) for node, _ in members}
        entries.append(ClassEntry(p.node(ox.NamedNode(cls.iri)), cls.count, tuple(nodes.values()), cls.path))
    return entries


def _instances(build: Build, cls: str) -> list[tuple[ox.NamedNode, list[ox.Literal]]]:
    """The first things of ``cls`` in IRI order with their labels: a slice of the build's list index when it has
    one (no sort over the whole class), else ``instances.rq``."""
    index = classlist.list_index(build)
    if index is not None:
        found = []
        for m in index.page(cls, offset=0, limit=HOME_MEMBERS):
            labels = [ox.Literal(v, language=lang) for v, lang in ((m.label_pl, "pl"), (m.label_en, "en")) if v]
            if not labels and m.label is not None:
                labels = [ox.Literal(m.label)]
            found.append((ox.NamedNode(m.iri), labels))
        return found
    members: dict[str, tuple[ox.NamedNode, list[ox.Literal]]] = {}
    for r in queries.select(build.store, "instances", base_iri=settings().base_iri, **{"class": cls}):
        node = r["s"]
        assert isinstance(node, ox.NamedNode)
        _, labels = members.setdefault(node.value, (node, []))
        if isinstance(r["label"], ox.Literal):
            labels.append(r["label"])
    return list(members.values())


@bp.app_context_processor
def _page_context() -> dict[str, object]:
    """What every page's frame needs: the other language and a link to this page in it, the query prefixes."""

    def switch_language(lang: str) -> str:
        args = {**request.args.to_dict(flat=True), "lang": lang}
        return f"{request.path}?{urlencode(args)}"

    lang = respond.page_lang()
    other = next(x for x in i18n.LANGUAGES if x != lang)
    return {
        "switch_language": switch_language,
        "other_language": other,
        "declared": prefixes(settings().base_iri),
        "language_links": language_links(lang),
    }


@dataclasses.dataclass(frozen=True)
class LanguageLinks:
    """A page's ``<link>``s between its language versions: ``canonical`` (this version), one ``alternate`` per
    language (``?lang=``), and ``x-default`` (no ``lang``: the version ``Accept-Language`` picks). Absolute URLs
    under the base IRI, as in the sitemap; the request's host is never used."""

    canonical: str
    languages: tuple[tuple[str, str], ...]
    default: str


def language_links(lang: str) -> LanguageLinks:
    """The language links of the page being answered, in ``lang``, keeping its other parameters."""
    base = settings().base_iri
    kept = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]

    def url(language: str | None) -> str:
        args = kept + ([("lang", language)] if language else [])
        return paths.public_url(request.path, base) + (f"?{urlencode(args)}" if args else "")

    return LanguageLinks(url(lang), tuple((x, url(x)) for x in sorted(i18n.LANGUAGES)), url(None))


@bp.get("/")
def home() -> Response:
    """What the dataset is, how big, and where to start; a client asking for RDF is sent to the dataset's
    description (303 See Other), which is what the home page is about."""
    build = served()
    fmt = respond.pick_format(conneg.DOCUMENT)
    if fmt is not conneg.HTML:
        query = request.query_string.decode("latin-1")
        response = redirect("/dataset" + (f"?{query}" if query else ""), 303)
        response.headers["Vary"] = "Accept"
        return response  # type: ignore[return-value]
    lang = respond.page_lang()
    etag = respond.etag_for(build, fmt.key, lang)
    cached = respond.conditional(build, etag)
    if cached is not None:
        return cached
    description = documents.dataset_triples(build, settings().base_iri)
    p = presenter(build, description, lang)
    dataset = ox.NamedNode(f"{settings().base_iri}dataset")
    body = respond.html(
        "home.html",
        lang=lang,
        title=p.label(dataset.value),
        summary=_text(description, dataset, lang),
        classes=home_classes(build, p),
        manifest=build.manifest,
        dumps=sorted(_dumps(build)),
        schema_org=schemaorg.dataset_jsonld(description, settings().base_iri, lang),
    )
    return respond.finish(current_app.response_class(body, content_type=fmt.content_type), build, etag=etag)


@bp.get("/health")
def health() -> Response:
    """Whether the store answers, and which build it serves."""
    build = served()
    ok = queries.ask(build.store, "health", base_iri=settings().base_iri)
    response = jsonify(
        status="ok" if ok else "failing",
        build=build.id,
        built=build.manifest.get("built"),
        triples=build.manifest.get("triples"),
        quads=build.manifest.get("quads"),
        graphs=build.manifest.get("graphs"),
        base_iri=settings().base_iri,
    )
    response.headers["Cache-Control"] = "no-store"
    response.status_code = 200 if ok else 503
    return response


def _text(triples: Sequence[ox.Triple], subject: ox.NamedNode, lang: str) -> str | None:
    texts = {
        t.object.language or "": t.object.value
        for t in triples
        if t.subject == subject
        and t.predicate.value == "http://purl.org/dc/terms/description"
        and isinstance(t.object, ox.Literal)
    }
    return i18n.pick(texts, lang)


def _dumps(build: Build) -> list[str]:
    listed = build.manifest.get("dumps")
    return list(listed) if isinstance(listed, dict) else []
