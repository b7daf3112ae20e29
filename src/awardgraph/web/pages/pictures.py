"""The pictures of the pages (``awardgraph.web.pages.drawing`` draws them): the data for each from the served
build, in the reader's language, offered to templates as functions (``forum_timeline()``, ``award_diagram(iri)``,
``ontology_diagram()``), so that the views that render those pages need no change. Each picture is computed once
per build and language."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint
from markupsafe import Markup

from awardgraph import queries
from awardgraph.web import i18n, paths, respond
from awardgraph.web.documents import disputes
from awardgraph.web.pages import drawing
from awardgraph.web.site import served, settings, term_labels
from awardgraph.web.state import Build

bp = Blueprint("pictures", __name__)

TIMELINE_MOST = 24  # editions on the home page's timeline
DRAWN = ("stated", "derived")  # the statuses whose dates the timeline draws (timeline.rq)
DRAWN_ORDINAL = ("stated",)  # and whose ordinals it draws: a derived ordinal may rest on an outside claim

WORDS = {
    "timeline": {"en": "The Forum's editions in date order", "pl": "Edycje Forum w kolejności dat"},
    "timeline_desc": {
        "en": "Each edition's city and dates, and the distinctions conferred on Lublin there. An edition drawn "
        "dashed is one whose date or ordinal other sources dispute (a question mark follows a disputed date); it is "
        "placed by the source page's date, and under it is what the other source gives.",
        "pl": "Miasto i daty każdej edycji oraz wyróżnienia przyznane tam Lublinowi. Edycja narysowana linią "
        "przerywaną to ta, której datę lub numer podważają inne źródła (po spornej dacie stoi pytajnik); stoi według "
        "daty ze strony źródłowej, a pod nią jest to, co podaje inne źródło.",
    },
    "other_date": {"en": "other source:\n{dates}", "pl": "inne źródło:\n{dates}"},
    "other_ordinal": {"en": "other source: edition {ordinal}", "pl": "inne źródło: edycja {ordinal}"},
    "awards": {"en": "Who received what, for which practice", "pl": "Kto otrzymał jakie wyróżnienie i za co"},
    "awards_desc": {
        "en": "Recipients on the left, distinctions (with their edition) in the middle, practices on the right.",
        "pl": "Po lewej adresaci, pośrodku wyróżnienia (z edycją), po prawej praktyki.",
    },
    "classes": {"en": "The ontology's classes and their relations", "pl": "Klasy ontologii i relacje między nimi"},
    "classes_desc": {
        "en": "Each arrow is an object property from its domain to its range.",
        "pl": "Każda strzałka to właściwość obiektowa od dziedziny do zakresu.",
    },
}


def _w(key: str, lang: str) -> str:
    return WORDS[key][lang]


def _distinctions(count: int, lang: str) -> str:
    if count == 0:
        return ""
    if lang == "pl":
        word = "wyróżnienie" if count == 1 else "wyróżnienia" if 2 <= count % 10 <= 4 else "wyróżnień"
        return f"{count} {word} dla Lublina"
    return f"{count} distinction{'s' if count != 1 else ''} for Lublin"


def _label(build: Build, iri: str, lang: str) -> str:
    """The name of an ontology term or of a thing (looked up alone: a picture names a few), in ``lang``."""
    names = term_labels(build).get(iri)
    if names is None:
        names = {}
        for row in queries.select(build.store, "labels", base_iri=settings().base_iri, this=iri):
            label = row["label"]
            if isinstance(label, ox.Literal):
                names.setdefault(label.language or "", label.value)
    return i18n.pick(names, lang) or iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _href(iri: str) -> str | None:
    return paths.href(iri, settings().base_iri)


def _value(term: object) -> str:
    return str(term.value) if term is not None else ""  # type: ignore[attr-defined]


def timeline_svg(build: Build, lang: str) -> str:
    def compute() -> str:
        rows = queries.select(build.store, "timeline", base_iri=settings().base_iri)
        stops = []
        for row in rows:
            city = _value(row[f"city_{lang}"]) or _value(row["city_pl"]) or _value(row["city_en"])
            start, end = _value(row["from"]), _value(row["to"])
            dates = f"{start} – {end}" if end and end != start else start
            number = _value(row["number"])
            ordinal = _roman(int(number)) if number.isdigit() else ""
            stops.append(
                drawing.Stop(
                    city,
                    dates,
                    _href(_value(row["edition"])),
                    _distinctions(int(_value(row["distinctions"])), lang),
                    ordinal,
                    _marks(build, _value(row["edition"]), lang),
                )
            )
        # the latest editions only, however many the graph holds: a picture of thousands helps nobody
        return drawing.timeline(stops[-TIMELINE_MOST:], title=_w("timeline", lang), desc=_w("timeline_desc", lang))

    return build.memo(f"picture-timeline-{lang}", compute)


def _marks(build: Build, edition: str, lang: str) -> tuple[drawing.Mark, ...]:
    """What the other sources say where they dispute the date or the ordinal the timeline shows for ``edition``:
    the values of the sides the timeline does not draw (dates: not stated or derived; ordinals: not stated)."""
    start, end, ordinal_of = _timeline_properties()
    marks = []
    for record in disputes.records(build):
        if record.about != edition or not {start, end, ordinal_of} & set(record.properties):
            continue
        other = [v for side in record.sides if _status(side.status) not in DRAWN for v in side.values]
        starts = sorted(v.value for p, v in other if p == start)
        ends = sorted(v.value for p, v in other if p == end)
        undrawn = [v for side in record.sides if _status(side.status) not in DRAWN_ORDINAL for v in side.values]
        ordinals = sorted(v.value for p, v in undrawn if p == ordinal_of)
        name = i18n.pick(record.labels, lang) or record.iri
        if starts or ends:
            dates = " – ".join(x for x in (starts[:1] + ends[-1:]) if x)
            marks.append(drawing.Mark(_w("other_date", lang).format(dates=dates), _href(record.iri), name, True))
        for ordinal in ordinals:
            shown = _roman(int(ordinal)) if ordinal.isdigit() else ordinal
            marks.append(drawing.Mark(_w("other_ordinal", lang).format(ordinal=shown), _href(record.iri), name))
    return tuple(marks)


def _timeline_properties() -> tuple[str, str, str]:
    """The properties of what the timeline draws: start and end date, and the ordinal."""
    return ("http://schema.org/startDate", "http://schema.org/endDate", f"{settings().base_iri}ontology#editionOrdinal")


def _status(status: str | None) -> str:
    return (status or "").rsplit("#", 1)[-1]


def timeline_records(build: Build, lang: str) -> tuple[disputes.RecordView, ...]:
    """The disagreements about the timeline's dates and ordinals, to list under the picture."""
    drawn = set(_timeline_properties())
    editions = f"{settings().base_iri}id/forum-edition/"
    shown = [r for r in disputes.records(build) if r.about.startswith(editions) and drawn & set(r.properties)]
    return tuple(disputes.view(build, r, lang) for r in shown)


def _roman(number: int) -> str:
    """``number`` in Roman numerals, as the page writes the Forum's ordinals.

    >>> _roman(4), _roman(3)
    ('IV', 'III')
    """
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, numeral in numerals:
        while number >= value:
            out, number = out + numeral, number - value
    return out


def awards_svg(build: Build, iri: str, lang: str) -> str:
    """Not kept per build like the other pictures: one per page would grow without bound (the page is cached)."""
    rows = queries.select(build.store, "awards", base_iri=settings().base_iri, this=iri)
    about: dict[str, tuple[str, str]] = {}  # distinction -> (edition, recipient)
    practices: dict[str, list[str]] = {}
    for row in rows:
        distinction = _value(row["distinction"])
        about.setdefault(distinction, (_value(row["edition"]), _value(row["recipient"])))
        practices.setdefault(distinction, []).append(_value(row["practice"]))
    nodes: dict[str, drawing.Node] = {}  # a recipient or an edition recurs across a practice's distinctions

    def node(iri: str) -> drawing.Node:
        if iri not in nodes:
            nodes[iri] = _node(build, iri, lang)
        return nodes[iri]

    items = [
        drawing.Award(
            distinction=node(distinction),
            recipient=node(recipient),
            edition=node(edition),
            practices=tuple(node(p) for p in practices[distinction]),
        )
        for distinction, (edition, recipient) in about.items()
    ]
    if not items:
        return ""
    return drawing.awards(items, title=_w("awards", lang), desc=_w("awards_desc", lang), focus=iri)


def _node(build: Build, iri: str, lang: str) -> drawing.Node:
    return drawing.Node(iri, _label(build, iri, lang), _href(iri))


def classes_svg(build: Build, lang: str) -> str:
    def compute() -> str:
        rows = queries.select(build.store, "class-relations", base_iri=settings().base_iri)
        keys: dict[str, None] = {}
        relations = []
        for row in rows:
            domain, range_, prop = _value(row["domain"]), _value(row["range"]), _value(row["property"])
            keys.setdefault(domain)
            keys.setdefault(range_)
            relations.append(drawing.Relation(domain, range_, _label(build, prop, lang), _href(prop)))
        nodes = [_node(build, k, lang) for k in keys]
        return drawing.classes(nodes, relations, title=_w("classes", lang), desc=_w("classes_desc", lang))

    return build.memo(f"picture-classes-{lang}", compute)


@bp.app_template_global()
def forum_timeline() -> Markup:
    """The home page's timeline of the Forum's editions (SVG)."""
    return Markup(timeline_svg(served(), respond.page_lang()))  # noqa: S704 - escaped by awardgraph.web.pages.drawing


@bp.app_template_global()
def forum_timeline_disagreements() -> tuple[disputes.RecordView, ...]:
    """The disagreements the timeline marks, for the list under it (the same, readable without the picture)."""
    return timeline_records(served(), respond.page_lang())


@bp.app_template_global()
def award_diagram(iri: str) -> Markup:
    """The award diagram of a distinction's or a practice's page (SVG), or nothing for other things."""
    base = settings().base_iri
    if not (iri.startswith(f"{base}id/distinction/") or iri.startswith(f"{base}id/practice/")):
        return Markup("")
    return Markup(awards_svg(served(), iri, respond.page_lang()))  # noqa: S704 - escaped by awardgraph.web.pages.drawing


@bp.app_template_global()
def ontology_diagram() -> Markup:
    """The ontology page's diagram of classes and relations (SVG)."""
    return Markup(classes_svg(served(), respond.page_lang()))  # noqa: S704 - escaped by awardgraph.web.pages.drawing
