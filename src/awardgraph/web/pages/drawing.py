"""Small SVG pictures drawn by the server, readable without script: the Forum's timeline, who received what for
which practice, and the ontology's classes with their relations. Pure functions from plain data to SVG text.

Every text and link is escaped here (the result is inserted into pages as markup). Colours and fonts come from
classes styled by ``static/style.css`` or from presentation attributes, never from ``style`` attributes (the
Content-Security-Policy forbids inline styles). Each picture has a ``<title>`` and a ``<desc>`` for screen readers.

>>> svg = timeline([Stop("Wrocław", "2015-05-14", "/doc/x", "4 <b>", "IV")], title="Forum", desc="d")
>>> svg.startswith("<svg") and "Wrocław" in svg and "&lt;b&gt;" in svg and "<b>" not in svg
True
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from html import escape

CHAR = 7.2  # average width of a character at the pictures' font size, for layout


def _e(text: str) -> str:
    return escape(text, quote=True)


def _link(href: str | None, inner: str) -> str:
    return f'<a href="{_e(href)}">{inner}</a>' if href else inner


def _wrap(text: str, width: int, most: int = 99) -> list[str]:
    """``text`` in at most ``most`` lines of at most about ``width`` characters (words kept whole; the last line
    ends with an ellipsis when the text does not fit).

    >>> _wrap("one two three four", 8), _wrap("one two three four", 8, 2)
    (['one two', 'three', 'four'], ['one two', 'three…'])
    """
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > most:
        lines = [*lines[: most - 1], lines[most - 1] + "…"]
    return lines or [""]


def _text(x: float, y: float, lines: Sequence[str], cls: str, anchor: str = "middle", step: int = 15) -> str:
    spans = "".join(
        f'<tspan x="{x:.0f}" dy="{0 if i == 0 else step}">{_e(line)}</tspan>' for i, line in enumerate(lines)
    )
    return f'<text x="{x:.0f}" y="{y:.0f}" class="{cls}" text-anchor="{anchor}">{spans}</text>'


def _frame(width: float, height: float, title: str, desc: str, body: str, cls: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="picture {cls}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" role="img" aria-labelledby="{cls}-title {cls}-desc">'
        f'<title id="{cls}-title">{_e(title)}</title><desc id="{cls}-desc">{_e(desc)}</desc>{body}</svg>'
    )


@dataclasses.dataclass(frozen=True)
class Mark:
    """A disagreement between sources about what a stop shows: a short text (the other source's value; a line
    break where it should break), where it links (the record of the disagreement) and the record's name (the
    link's title)."""

    text: str
    href: str | None
    title: str
    on_date: bool = False  # the date is in dispute (not only the ordinal)


@dataclasses.dataclass(frozen=True)
class Stop:
    """One edition on the timeline; ``marks`` say where sources dispute its date or ordinal."""

    city: str
    date: str
    href: str | None
    note: str  # what Lublin received there ("" for nothing)
    ordinal: str = ""
    marks: tuple[Mark, ...] = ()


def timeline(stops: Sequence[Stop], *, title: str, desc: str) -> str:
    """The editions left to right in date order on one line, each with its city, date and what Lublin received.

    A stop whose date or ordinal the sources dispute is drawn dashed (a disputed date is followed by "?"), and
    under its date each disagreement says what the other source gives, linked to the record of the disagreement:
    the position is the source page's date, not a settled fact."""
    step, margin, line_y, chars = 190, 90, 70, 27
    width = margin * 2 + step * max(len(stops) - 1, 0)
    body, bottom = [], 200
    for i, stop in enumerate(stops):
        x = margin + step * i
        marker = "stop received" if stop.note else "stop"
        marker += " contested" if stop.marks else ""
        label = f"{stop.ordinal} {stop.city}".strip()
        date = f"{stop.date} ?" if any(m.on_date for m in stop.marks) else stop.date
        y = line_y + 52
        marks = []
        for mark in stop.marks:
            lines = [line for part in f"⚠ {mark.text}".split("\n") for line in _wrap(part, chars)]
            inner = f"<title>{_e(mark.title)}</title>" + _text(x, y, lines, "contested")
            marks.append(_link(mark.href, inner))
            y += 15 * len(lines) + 4
        parts = [
            f'<circle cx="{x}" cy="{line_y}" r="9" class="{marker}"/>',
            _text(x, line_y - 22, [label], "city"),
            _text(x, line_y + 32, [date], "date"),
        ]
        if stop.note:
            lines = _wrap(stop.note, 24)
            parts.append(_text(x, y + 4, lines, "note"))
            y += 15 * len(lines) + 4
        body.append(_link(stop.href, "".join(parts)) + "".join(marks))
        bottom = max(bottom, y + 20)
    axis = f'<line x1="{margin - 40}" y1="{line_y}" x2="{width - margin + 40}" y2="{line_y}" class="axis"/>'
    return _frame(width, bottom, title, desc, axis + "".join(body), "timeline")


@dataclasses.dataclass(frozen=True)
class Node:
    """A box of a diagram: its text and where it links."""

    key: str
    text: str
    href: str | None = None


@dataclasses.dataclass(frozen=True)
class Award:
    """One distinction as the award diagram draws it: who received it, at which edition, for which practices."""

    distinction: Node
    recipient: Node
    edition: Node
    practices: tuple[Node, ...]


def awards(items: Sequence[Award], *, title: str, desc: str, focus: str | None = None) -> str:
    """Three columns: recipients, distinctions (with their edition), practices; arrows from each recipient to its
    distinction and from each distinction to its practices. ``focus`` (a key) is drawn highlighted."""
    box_w, gap, row_h = 240, 70, 76
    columns: list[dict[str, Node]] = [{}, {}, {}]
    for item in items:
        columns[0].setdefault(item.recipient.key, item.recipient)
        columns[1].setdefault(item.distinction.key, item.distinction)
        for practice in item.practices:
            columns[2].setdefault(practice.key, practice)
    rows = max(len(c) for c in columns) if items else 1
    height = rows * row_h + 20
    width = 3 * box_w + 2 * gap + 20
    places: dict[tuple[int, str], tuple[float, float]] = {}
    boxes = []
    editions = {item.distinction.key: item.edition for item in items}
    for col, nodes in enumerate(columns):
        top = (height - len(nodes) * row_h) / 2
        x = 10 + col * (box_w + gap)
        for i, node in enumerate(nodes.values()):
            y = top + i * row_h + 6
            places[(col, node.key)] = (x, y + (row_h - 12) / 2)
            cls = "box focus" if node.key == focus else "box"
            chars = int(box_w / CHAR) - 1
            inner = f'<rect x="{x}" y="{y:.0f}" width="{box_w}" height="{row_h - 12}" rx="6" class="{cls}"/>'
            lines = _wrap(node.text, chars, 3)
            if col == 1 and node.key in editions:
                lines = _wrap(node.text, chars, 2)
                inner += _text(x + box_w / 2, y + 50, _wrap(editions[node.key].text, chars, 1), "note")
            inner += _text(x + box_w / 2, y + 20, lines, "label", step=14)
            boxes.append(_link(node.href, inner))
    edges = []
    for item in items:
        pairs = [((0, item.recipient.key), (1, item.distinction.key))]
        pairs += [((1, item.distinction.key), (2, p.key)) for p in item.practices]
        for (c1, k1), (c2, k2) in pairs:
            x1, y1 = places[(c1, k1)]
            x2, y2 = places[(c2, k2)]
            edges.append(
                f'<path d="M{x1 + box_w:.0f},{y1:.0f} C{x1 + box_w + gap / 2:.0f},{y1:.0f} '
                f'{x2 - gap / 2:.0f},{y2:.0f} {x2 - 4:.0f},{y2:.0f}" class="edge" marker-end="url(#arrow)"/>'
            )
    arrow = (
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>'
    )
    return _frame(width, height, title, desc, arrow + "".join(edges) + "".join(boxes), "awards")


@dataclasses.dataclass(frozen=True)
class Relation:
    """A property from the class ``source`` to the class ``target`` (keys of :class:`Node`)."""

    source: str
    target: str
    label: str
    href: str | None = None


def classes(nodes: Sequence[Node], relations: Sequence[Relation], *, title: str, desc: str) -> str:
    """The class with the most relations in the middle, the others on a circle around it; the relations between
    two classes as one arrow named by all of them."""
    box_w, box_h = 180, 34
    degree = {n.key: 0 for n in nodes}
    merged: dict[tuple[str, str], list[Relation]] = {}
    for r in relations:
        if r.source in degree and r.target in degree:
            merged.setdefault((r.source, r.target), []).append(r)
            degree[r.source] += 1
            degree[r.target] += 1
    hub = max(degree, key=lambda k: degree[k]) if degree else None
    ring = [n for n in nodes if n.key != hub]
    radius = max(200.0, len(ring) * 36.0)
    cx, cy = radius + box_w / 2 + 30, radius * 0.8 + box_h + 30
    at = {hub: (cx, cy)} if hub else {}
    for i, node in enumerate(ring):
        angle = 2 * math.pi * i / max(len(ring), 1) - math.pi / 2
        at[node.key] = (cx + radius * math.cos(angle), cy + radius * 0.8 * math.sin(angle))
    edges = []
    for (source, target), group in merged.items():
        (x1, y1), (x2, y2) = at[source], at[target]
        label = ", ".join(r.label for r in group)
        if source == target:
            path = f"M{x1 - 20:.0f},{y1 - box_h / 2:.0f} c-10,-50 50,-50 40,0"
            mx, my = x1, y1 - box_h / 2 - 40
        else:
            dx, dy = x2 - x1, y2 - y1
            scale = min((box_w / 2) / abs(dx) if dx else math.inf, (box_h / 2) / abs(dy) if dy else math.inf)
            ex, ey = x2 - dx * scale, y2 - dy * scale
            path = f"M{x1:.0f},{y1:.0f} L{ex:.0f},{ey:.0f}"
            mx, my = x1 + (ex - x1) * 0.6, y1 + (ey - y1) * 0.6
        edges.append(f'<path d="{path}" class="edge" marker-end="url(#arrow)"/>')
        links = group[0].href if len(group) == 1 else None
        edges.append(_link(links, _text(mx, my - 4, _wrap(label, 28, 3), "relation", step=12)))
    boxes = []
    for node in nodes:
        x, y = at[node.key]
        cls = "box focus" if node.key == hub else "box"
        inner = (
            f'<rect x="{x - box_w / 2:.0f}" y="{y - box_h / 2:.0f}" width="{box_w}" height="{box_h}" rx="6" '
            f'class="{cls}"/>' + _text(x, y + 5, _wrap(node.text, int(box_w / CHAR), 1), "label")
        )
        boxes.append(_link(node.href, inner))
    arrow = (
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>'
    )
    return _frame(2 * cx, 2 * cy, title, desc, arrow + "".join(edges) + "".join(boxes), "classes")
