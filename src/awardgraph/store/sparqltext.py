"""SPARQL text for a remote store: what pyoxigraph's query options do, written into the query itself.

A remote endpoint takes only the query text and the protocol's dataset parameters, so the options of
:meth:`awardgraph.store.oxigraph.EmbeddedStore.query` become text: ``base_iri`` a ``BASE``, ``prefixes`` ``PREFIX``
lines (only those the query does not declare), and ``substitutions`` a ``VALUES`` block at the start of every
query-level group (the outer ``WHERE`` and each sub-``SELECT``), so the variable is bound wherever it is in scope.

Strings, IRIs and comments are masked (same length, blanks) before looking for keywords, so a keyword inside
``"..."``, ``<...>`` or after ``#`` never counts.

>>> import pyoxigraph as ox
>>> print(prepare('ASK { ?this ?p ?o }', base_iri=None, prefixes=None,
...               substitutions={"this": ox.NamedNode("http://example.org/a")}))
ASK { VALUES (?this) { (<http://example.org/a>) } ?this ?p ?o }
>>> print(prepare('PREFIX ex: <x#> SELECT * { ?s ex:p "WHERE {" }', base_iri="http://example.org/",
...               prefixes={"ex": "http://example.org/ex#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
...               substitutions=None))
BASE <http://example.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX ex: <x#> SELECT * { ?s ex:p "WHERE {" }
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox

_OPAQUE = re.compile(
    r'''
      """(?:[^"\\]|\\.|"(?!""))*(?:"""|$)
    | \'\'\'(?:[^'\\]|\\.|'(?!''))*(?:\'\'\'|$)
    | "(?:[^"\\\n]|\\.)*"?
    | '(?:[^'\\\n]|\\.)*'?
    | <[^<>"{}|^`\\\x00-\x20]*>
    | \#[^\n]*
    ''',
    re.VERBOSE | re.DOTALL,
)
_PREFIX = re.compile(r"(?<![\w?$:])PREFIX\s+([A-Za-z][\w.\-]*)?:", re.IGNORECASE)
_FORM = re.compile(r"(?<![\w?$:])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:\-])", re.IGNORECASE)
_WHERE = re.compile(r"\s*WHERE\b", re.IGNORECASE)


class UnsupportedQuery(ValueError):
    """The query cannot be rewritten for a remote store (the message says why)."""


def mask(text: str) -> str:
    """``text`` with every string, IRI and comment replaced by blanks of the same length."""
    return _OPAQUE.sub(lambda m: " " * len(m.group(0)), text)


def declared_prefixes(text: str) -> set[str]:
    """The prefix names the query declares itself (``""`` for the empty prefix)."""
    return {m.group(1) or "" for m in _PREFIX.finditer(mask(text))}


def prepare(
    sparql: str,
    *,
    base_iri: str | None,
    prefixes: Mapping[str, str] | None,
    substitutions: Mapping[str, ox.NamedNode | ox.BlankNode | ox.Literal] | None,
) -> str:
    """The query text to send: substitutions bound, then ``BASE`` and the missing ``PREFIX`` lines in front."""
    text = bind(sparql, substitutions) if substitutions else sparql
    head: list[str] = []
    if base_iri:
        head.append(f"BASE {ox.NamedNode(base_iri)}")
    if prefixes:
        own = declared_prefixes(sparql)
        head.extend(f"PREFIX {name}: {ox.NamedNode(iri)}" for name, iri in prefixes.items() if name not in own)
    return "\n".join([*head, text]) if head else text


def bind(sparql: str, substitutions: Mapping[str, ox.NamedNode | ox.BlankNode | ox.Literal]) -> str:
    """``sparql`` with ``VALUES`` binding each variable at the start of every query-level group.

    Equivalent to pyoxigraph's substitutions for the queries awardgraph runs, including variables used inside
    sub-``SELECT``s (each gets its own ``VALUES``). Blank nodes cannot be sent (``VALUES`` takes no blank nodes).
    """
    names, values = [], []
    for name, term in substitutions.items():
        if isinstance(term, ox.BlankNode):
            raise UnsupportedQuery(f"a blank node cannot be bound to ?{name} in a query sent to a remote store")
        if not re.fullmatch(r"[A-Za-z_][\w]*", name):
            raise UnsupportedQuery(f"not a variable name: {name!r}")
        names.append(f"?{name}")
        values.append(str(term))
    block = f" VALUES ({' '.join(names)}) {{ ({' '.join(values)}) }}"
    positions = _group_starts(sparql)
    for position in sorted(positions, reverse=True):
        sparql = sparql[: position + 1] + block + sparql[position + 1 :]
    return sparql


def _group_starts(sparql: str) -> list[int]:
    """Offsets of the ``{`` opening the WHERE group of the query and of each sub-SELECT."""
    masked = mask(sparql)
    starts: list[int] = []
    for form in _FORM.finditer(masked):
        keyword = form.group(1).upper()
        position = form.end()
        if keyword == "CONSTRUCT":
            if _WHERE.match(masked, position):
                raise UnsupportedQuery("CONSTRUCT WHERE { … } cannot take bound variables; write the template out")
            template = masked.find("{", position)
            if template < 0:
                raise UnsupportedQuery("CONSTRUCT without a template")
            position = _closing(masked, template) + 1
        brace = masked.find("{", position)
        if brace < 0:
            raise UnsupportedQuery(f"{keyword} without a WHERE group cannot take bound variables")
        starts.append(brace)
    if not starts:
        raise UnsupportedQuery("not a SPARQL query (no SELECT, ASK, CONSTRUCT or DESCRIBE)")
    return starts


def _closing(masked: str, opening: int) -> int:
    depth = 0
    for index in range(opening, len(masked)):
        if masked[index] == "{":
            depth += 1
        elif masked[index] == "}":
            depth -= 1
            if depth == 0:
                return index
    raise UnsupportedQuery("unbalanced braces")


def query_form(sparql: str) -> str | None:
    """The query form (``SELECT``, ``ASK``, ``CONSTRUCT`` or ``DESCRIBE``): the first form keyword of the text."""
    found = _FORM.search(mask(sparql))
    return found.group(1).upper() if found else None
