"""Turn findings into a report a person can act on: grouped by rule and what is wrong, counted, the first few of each
group shown, each placed at the file and line of the offending statement with the focus node's label.

Why the limit: a build with thousands of findings is usually one or two mistakes repeated, and the report must come
in seconds; ``limit_per_group=None`` (``--all-findings``) lists every one. Lines are looked up once for all shown
findings (:mod:`awardgraph.graph.locate`), by reading the files again, only when a report is printed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDFS
from rdflib.term import Node

from awardgraph.graph.findings import Finding, Severity, Statement
from awardgraph.graph.load import Loaded
from awardgraph.graph.locate import LineIndex, Location, term_key
from awardgraph.graph.terms import compact

_MARK = {Severity.VIOLATION: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}
_ORDER = [Severity.VIOLATION, Severity.WARNING, Severity.INFO]
DEFAULT_LIMIT = 20

GroupKey = tuple[Severity, str, str]


def render(
    findings: Iterable[Finding], loaded: Loaded, base_iri: str, *, limit_per_group: int | None = DEFAULT_LIMIT
) -> str:
    """The report as text: a summary line, then one block per (severity, rule, headline) group."""
    groups: dict[GroupKey, list[Finding]] = defaultdict(list)
    for f in findings:
        groups[(f.severity, f.rule, f.headline)].append(f)
    counts = {s: sum(len(v) for k, v in groups.items() if k[0] is s) for s in _ORDER}
    lines = [
        f"{counts[Severity.VIOLATION]} violation(s), {counts[Severity.WARNING]} warning(s), "
        f"{counts[Severity.INFO]} note(s) in {len(groups)} group(s)"
    ]
    ordered = sorted(groups.items(), key=lambda kv: (_ORDER.index(kv[0][0]), kv[0][1], kv[0][2]))
    shown = {key: sorted(members, key=_sort_key)[:limit_per_group] for key, members in ordered}
    index = LineIndex(loaded.files, base_iri, _wanted(f for members in shown.values() for f in members))
    for (severity, rule, headline), members in ordered:
        lines.append("")
        lines.append(f"{_MARK[severity]} x{len(members)}: {headline}")
        lines.append(f"  rule: {rule if rule.startswith('awardgraph:') else compact(rule, base_iri)}")
        for f in shown[(severity, rule, headline)]:
            lines.append("  - " + _describe(f, index, loaded.store, base_iri))
            if f.message != headline:
                lines.append(f"      {f.message}")
        hidden = len(members) - len(shown[(severity, rule, headline)])
        if hidden:
            lines.append(f"  ... and {hidden} more (--all-findings lists every one)")
    return "\n".join(lines)


def locate(f: Finding, index: LineIndex) -> Location | None:
    """The file and line of the statement ``f`` is about: (focus, path, value) where it is stated; for a
    statement that is missing, the focus node's block in the graph that should hold it."""
    focus = term_key(f.focus)
    if focus is None:
        return None
    value = term_key(f.value) if f.value is not None and f.value != f.focus else None
    return index.statement(focus, f"<{f.path}>" if f.path else None, value, term_key(f.graph))


def _locate_related(s: Statement, index: LineIndex) -> Location | None:
    subject = term_key(s.subject)
    if subject is None:
        return None
    return index.statement(subject, f"<{s.predicate}>", term_key(s.object), term_key(s.graph))


def _wanted(findings: Iterable[Finding]) -> set[str]:
    wanted: set[str] = set()
    for f in findings:
        for term in (f.focus, f.value, *(s.subject for s in f.related)):
            key = term_key(term) if isinstance(term, URIRef) else None
            if key:
                wanted.add(key)
    return wanted


def _sort_key(f: Finding) -> tuple[str, str, str, str]:
    return (str(f.focus), f.path or "", str(f.value), f.message)


def _describe(f: Finding, index: LineIndex, store: ox.Store, base_iri: str) -> str:
    parts = []
    if isinstance(f.focus, URIRef):
        parts.append(str(locate(f, index)))
        label = _label(store, f.focus)
        parts.append(compact(str(f.focus), base_iri) + (f' "{label}"' if label else ""))
    elif f.focus is not None:
        parts.append("blank node")
    if f.path:
        parts.append(f"path {compact(f.path, base_iri)}")
    if f.value is not None:
        parts.append(f"value {_show(f.value, base_iri)}")
    against = [str(at) for at in (_locate_related(s, index) for s in f.related) if at is not None]
    if against:
        parts.append(f"(against {', '.join(dict.fromkeys(against))})")
    return "  ".join(parts)


def _label(store: ox.Store, node: URIRef) -> str | None:
    quads = store.quads_for_pattern(ox.NamedNode(str(node)), ox.NamedNode(str(RDFS.label)), None, None)
    labels = [q.object for q in quads if isinstance(q.object, ox.Literal)]
    for lang in ("en", "pl", None):
        for label in labels:
            if label.language == lang:
                return str(label.value)
    return None


def _show(value: Node, base_iri: str) -> str:
    if isinstance(value, URIRef):
        return compact(str(value), base_iri)
    if isinstance(value, Literal):
        text = str(value)
        text = text if len(text) < 80 else text[:77] + "..."
        suffix = (
            f"@{value.language}"
            if value.language
            else (f"^^{compact(str(value.datatype), base_iri)}" if value.datatype else "")
        )
        return f'"{text}"{suffix}'
    return "blank node" if isinstance(value, BNode) else str(value)
