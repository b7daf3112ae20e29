"""Render SPARQL results for a terminal: a plain text table from SPARQL 1.1 JSON results."""

from __future__ import annotations

from typing import Any


def cell(term: dict[str, Any] | None) -> str:
    """One RDF term of SPARQL JSON results as a short string (IRIs bare, literals with language or type)."""
    if term is None:
        return ""
    value = str(term.get("value", ""))
    if term.get("type") == "bnode":
        return f"_:{value}"
    if "xml:lang" in term:
        return f"{value}@{term['xml:lang']}"
    return value


def table(results: dict[str, Any]) -> str:
    """A fixed-width table of SELECT results, or ``true``/``false`` for ASK."""
    if "boolean" in results:
        return "true" if results["boolean"] else "false"
    columns: list[str] = results["head"]["vars"]
    rows = [[cell(binding.get(c)) for c in columns] for binding in results["results"]["bindings"]]
    widths = [max([len(c), *(len(r[i]) for r in rows)]) for i, c in enumerate(columns)]
    line = "+".join("-" * (w + 2) for w in widths)
    out = [" | ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)), line.replace("+", "+")]
    out.extend(" | ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in rows)
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)
