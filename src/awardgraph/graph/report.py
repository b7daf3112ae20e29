"""Turn findings into a report a person can act on: grouped by rule and message, counted, and each one placed
at a file and line with the focus node's label."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDFS
from rdflib.term import Node

from awardgraph.graph.findings import Finding, Severity
from awardgraph.graph.load import Loaded
from awardgraph.namespaces import prefixes

_PREFIX = re.compile(r"@prefix\s+([\w-]*):\s*<([^>]*)>", re.IGNORECASE)
_MARK = {Severity.VIOLATION: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}


def render(findings: Iterable[Finding], loaded: Loaded, base_iri: str, *, limit_per_group: int = 20) -> str:
    """The report as text: a summary line, then one block per (severity, rule, message) group."""
    groups: dict[tuple[Severity, str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        groups[(f.severity, f.rule, f.message)].append(f)
    order = [Severity.VIOLATION, Severity.WARNING, Severity.INFO]
    counts = {s: sum(len(v) for k, v in groups.items() if k[0] is s) for s in order}
    lines = [
        f"{counts[Severity.VIOLATION]} violation(s), {counts[Severity.WARNING]} warning(s), "
        f"{counts[Severity.INFO]} note(s) in {len(groups)} group(s)"
    ]
    names = prefixes(base_iri)
    for (severity, rule, message), members in sorted(groups.items(), key=lambda kv: (order.index(kv[0][0]), kv[0][1])):
        lines.append("")
        lines.append(f"{_MARK[severity]} x{len(members)}: {message}")
        lines.append(f"  rule: {_compact(rule, names)}")
        for f in members[:limit_per_group]:
            lines.append("  - " + _describe(f, loaded, base_iri, names))
        if len(members) > limit_per_group:
            lines.append(f"  ... and {len(members) - limit_per_group} more")
    return "\n".join(lines)


def _describe(f: Finding, loaded: Loaded, base_iri: str, names: dict[str, str]) -> str:
    parts = []
    if isinstance(f.focus, URIRef):
        where = locate(f.focus, loaded.subject_files.get(f.focus, loaded.files), base_iri)
        parts.append(where or "(not in any file)")
        label = _label(loaded.store, f.focus)
        parts.append(_compact(str(f.focus), names) + (f' "{label}"' if label else ""))
    elif f.focus is not None:
        parts.append("blank node")
    if f.path:
        parts.append(f"path {_compact(f.path, names)}")
    if f.value is not None:
        parts.append(f"value {_show(f.value, names)}")
    return "  ".join(parts)


def locate(iri: URIRef, files: Iterable[Path], base_iri: str) -> str | None:
    """``file:line`` of the first line in ``files`` that names ``iri``, in any spelling the file could use."""
    for path in files:
        for number, line in enumerate(_lines(path), start=1):
            if any(spelling in line for spelling in _spellings(str(iri), path, base_iri)):
                return f"{path}:{number}"
    return str(next(iter(files), "")) or None


@lru_cache(maxsize=64)
def _lines(path: Path) -> tuple[str, ...]:
    try:
        return tuple(path.read_text(encoding="utf-8", errors="replace").splitlines())
    except OSError:
        return ()


def _spellings(iri: str, path: Path, base_iri: str) -> list[str]:
    spellings = [f"<{iri}>"]
    if iri.startswith(base_iri):
        spellings.append(f"<{iri[len(base_iri) :]}>")
    for prefix, namespace in _PREFIX.findall("\n".join(_lines(path))):
        full = namespace if "://" in namespace else base_iri + namespace
        local = iri[len(full) :]
        if iri.startswith(full) and local and re.fullmatch(r"[\w./-]+", local):
            spellings.append(f"{prefix}:{local}")
    return spellings


def _label(store: ox.Store, node: URIRef) -> str | None:
    quads = store.quads_for_pattern(ox.NamedNode(str(node)), ox.NamedNode(str(RDFS.label)), None, None)
    labels = [q.object for q in quads if isinstance(q.object, ox.Literal)]
    for lang in ("en", "pl", None):
        for label in labels:
            if label.language == lang:
                return str(label.value)
    return None


def _compact(iri: str, names: dict[str, str]) -> str:
    best = max((ns for ns in names.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return f"<{iri}>"
    prefix = next(p for p, ns in names.items() if ns == best)
    return f"{prefix}:{iri[len(best) :]}"


def _show(value: Node, names: dict[str, str]) -> str:
    if isinstance(value, URIRef):
        return _compact(str(value), names)
    if isinstance(value, Literal):
        text = str(value)
        text = text if len(text) < 80 else text[:77] + "..."
        suffix = (
            f"@{value.language}"
            if value.language
            else (f"^^{_compact(str(value.datatype), names)}" if value.datatype else "")
        )
        return f'"{text}"{suffix}'
    return "blank node"
