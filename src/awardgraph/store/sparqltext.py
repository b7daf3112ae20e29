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
PREFIX ex: <x#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT * { ?s ex:p "WHERE {" }
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from urllib.parse import urljoin

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
_KEYWORD = r"(?<![\w?$:\-.])({})(?![\w:\-])"
_PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s+(?:[A-Za-z][\w.\-]*)?:|BASE)\s*)*", re.IGNORECASE)
_FROM = re.compile(_KEYWORD.format(r"FROM(?:\s+NAMED)?"), re.IGNORECASE)
_BASE = re.compile(_KEYWORD.format("BASE"), re.IGNORECASE)
_GRAPH = re.compile(_KEYWORD.format("GRAPH"), re.IGNORECASE)
_PREFIX_IRI = re.compile(r"(?<![\w?$:])PREFIX\s+([A-Za-z][\w.\-]*)?:", re.IGNORECASE)
_SPACE = re.compile(r"(?:\s|\#[^\n]*)*")
_IRI = re.compile(r"<([^<>\"{}|^`\\\x00-\x20]*)>")
_PNAME = re.compile(r"([A-Za-z][\w.\-]*)?:((?:[\w\-:]|\.(?=[\w\-:]))*)")
_DESCRIBE_END = re.compile(_KEYWORD.format("FROM|WHERE|ORDER|LIMIT|OFFSET|VALUES|GROUP|HAVING") + r"|\{", re.IGNORECASE)
_MODIFIER = re.compile(_KEYWORD.format("ORDER|LIMIT|OFFSET|VALUES|GROUP|HAVING"), re.IGNORECASE)
_TARGET = re.compile(r"<[^<>\s]*>|[?$]\w+|\*|[^\s<]+")
DESCRIBED = "awardgraph_described_"  # the variables a DESCRIBE's constant targets get in its SELECT


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
    """The query text to send: substitutions bound, a ``BASE`` in front (unless the query has its own), and the
    missing ``PREFIX`` lines after the query's own prologue (Virtuoso refuses a ``BASE`` after a ``PREFIX``)."""
    text = bind(sparql, substitutions) if substitutions else sparql
    head = f"BASE {ox.NamedNode(base_iri)}\n" if base_iri and not _BASE.search(mask(sparql)) else ""
    lines = ""
    if prefixes:
        own = declared_prefixes(sparql)
        lines = "".join(f"PREFIX {n}: {ox.NamedNode(iri)}\n" for n, iri in prefixes.items() if n not in own)
    if not lines:
        return head + text
    end = _PROLOGUE.match(mask(text)).end()  # type: ignore[union-attr]  # matches the empty string
    prologue = text[:end].rstrip()
    return head + (prologue + "\n" if prologue else "") + lines + text[end:]


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


def mentions(sparql: str, keyword: str) -> bool:
    """Whether ``keyword`` occurs in the query as a keyword (not in a string, IRI, comment or name)."""
    return re.search(_KEYWORD.format(re.escape(keyword)), mask(sparql), re.IGNORECASE) is not None


@dataclasses.dataclass(frozen=True)
class Dataset:
    """The graphs of a query's own ``FROM`` and ``FROM NAMED`` clauses, as absolute IRIs."""

    default: tuple[str, ...]
    named: tuple[str, ...]


def dataset_clauses(sparql: str, *, base_iri: str | None, prefixes: Mapping[str, str] | None) -> Dataset | None:
    """The query's ``FROM``/``FROM NAMED`` graphs resolved to absolute IRIs (the query's own ``BASE`` and
    ``PREFIX`` first, then ``base_iri`` and ``prefixes``), or ``None`` when there are none or one cannot be
    resolved.

    >>> dataset_clauses("PREFIX g: <graph/> SELECT * FROM g:a FROM NAMED <b> { }", base_iri="http://e.org/",
    ...                 prefixes=None)
    Dataset(default=('http://e.org/graph/a',), named=('http://e.org/b',))
    """
    masked = mask(sparql)
    found = list(_FROM.finditer(masked))
    if not found:
        return None
    context = _prologue(sparql, masked, base_iri, prefixes)
    if context is None:
        return None
    base, declared = context
    default: list[str] = []
    named: list[str] = []
    for match in found:
        start = _SPACE.match(sparql, match.end()).end()  # type: ignore[union-attr]  # matches the empty string
        iri = _IRI.match(sparql, start)
        if iri is not None:
            value = urljoin(base, iri.group(1)) if base else iri.group(1)
        else:
            name = _PNAME.match(masked, start)
            if name is None or (name.group(1) or "") not in declared:
                return None
            value = declared[name.group(1) or ""] + name.group(2)
        if not re.match(r"[A-Za-z][\w+.\-]*:", value):
            return None
        (named if "NAMED" in match.group(1).upper() else default).append(value)
    return Dataset(tuple(default), tuple(named))


def _prologue(
    sparql: str, masked: str, base_iri: str | None, prefixes: Mapping[str, str] | None
) -> tuple[str | None, dict[str, str]] | None:
    """The base IRI and the prefixes in force after the query's prologue (its own ``BASE`` and ``PREFIX`` over
    ``base_iri`` and ``prefixes``); ``None`` when one of its IRIs cannot be read."""
    base = base_iri
    declared = dict(prefixes or {})
    for match in sorted([*_BASE.finditer(masked), *_PREFIX_IRI.finditer(masked)], key=lambda m: m.start()):
        iri = _IRI.match(sparql, _SPACE.match(sparql, match.end()).end())  # type: ignore[union-attr]
        if iri is None:
            return None
        if match.re is _BASE:
            base = urljoin(base, iri.group(1)) if base else iri.group(1)
        else:
            declared[match.group(1) or ""] = urljoin(base, iri.group(1)) if base else iri.group(1)
    return base, declared


def restrict_graphs(
    sparql: str,
    named: Sequence[str],
    *,
    empty: str,
    base_iri: str | None,
    prefixes: Mapping[str, str] | None,
) -> str:
    """The query's ``GRAPH`` patterns made to mean, on any store, what they mean under a dataset whose named graphs
    are ``named`` (``[empty]``: none, :data:`empty` standing for an empty list in the protocol's parameters).

    - A ``GRAPH <iri>`` (or ``GRAPH prefix:name``) that names no graph of ``named`` reads ``GRAPH <empty>``: Virtuoso
      reads a constant graph whatever ``named-graph-uri`` or ``FROM NAMED`` say (in an ``ASK``, or a pattern of
      constants), and ignores a ``FILTER`` beside it in an ``ASK``.
    - With no named graphs at all, every ``GRAPH`` pattern also becomes ``{ GRAPH … { … } FILTER(false) }``: the
      graph standing for the empty list is a named graph to the store, and ``GRAPH ?g { }`` would find it.

    >>> restrict_graphs("ASK { GRAPH <a> { ?s ?p ?o } GRAPH e:b { } GRAPH ?g { } }", ["http://e.org/b"],
    ...                 empty="urn:empty", base_iri="http://e.org/", prefixes={"e": "http://e.org/"})
    'ASK { GRAPH <urn:empty> { ?s ?p ?o } GRAPH e:b { } GRAPH ?g { } }'
    >>> restrict_graphs("ASK { GRAPH ?g { GRAPH <h> { } } }", ["urn:empty"], empty="urn:empty", base_iri=None,
    ...                 prefixes=None)
    'ASK { { GRAPH ?g { { GRAPH <urn:empty> { } FILTER(false) } } FILTER(false) } }'
    """
    sparql = _constant_graphs(sparql, set(named) or {empty}, empty, base_iri, prefixes)
    return _no_graphs(sparql) if set(named) <= {empty} else sparql


def _constant_graphs(
    sparql: str, allowed: set[str], empty: str, base_iri: str | None, prefixes: Mapping[str, str] | None
) -> str:
    """Each constant ``GRAPH`` naming a graph outside ``allowed`` turned into ``GRAPH <empty>``."""
    masked = mask(sparql)
    found = list(_GRAPH.finditer(masked))
    context = _prologue(sparql, masked, base_iri, prefixes) if found else None
    if context is None:
        return sparql
    base, declared = context
    for match in reversed(found):
        start = _SPACE.match(sparql, match.end()).end()  # type: ignore[union-attr]  # matches the empty string
        iri = _IRI.match(sparql, start)
        if iri is not None:
            value, end = (urljoin(base, iri.group(1)) if base else iri.group(1)), iri.end()
        else:
            name = _PNAME.match(masked, start)
            if name is None or (name.group(1) or "") not in declared:
                continue  # a variable (or a name the parser refused already)
            value, end = declared[name.group(1) or ""] + name.group(2), name.end()
        if value not in allowed:
            sparql = f"{sparql[:start]}{ox.NamedNode(empty)}{sparql[end:]}"
    return sparql


def _no_graphs(sparql: str) -> str:
    """Every ``GRAPH … { … }`` of the query wrapped as ``{ GRAPH … { … } FILTER(false) }``, innermost first."""
    for index in reversed(range(len(_GRAPH.findall(mask(sparql))))):
        masked = mask(sparql)
        match = list(_GRAPH.finditer(masked))[index]
        opening = masked.find("{", match.end())
        if opening < 0:
            raise UnsupportedQuery("GRAPH without a group")
        closing = _closing(masked, opening) + 1
        sparql = f"{sparql[: match.start()]}{{ {sparql[match.start() : closing]} FILTER(false) }}{sparql[closing:]}"
    return sparql


def without_dataset(sparql: str) -> str:
    """The query with its ``FROM``/``FROM NAMED`` clauses blanked out (same length: error positions still hold),
    for a request whose protocol dataset replaces them; some stores (Virtuoso) would add the two together.

    >>> without_dataset("SELECT * FROM <http://e.org/g> FROM NAMED e:h { }").split()
    ['SELECT', '*', '{', '}']
    """
    masked = mask(sparql)
    for match in reversed(list(_FROM.finditer(masked))):
        start = _SPACE.match(sparql, match.end()).end()  # type: ignore[union-attr]  # matches the empty string
        token = _IRI.match(sparql, start) or _PNAME.match(masked, start)
        if token is not None:
            sparql = sparql[: match.start()] + " " * (token.end() - match.start()) + sparql[token.end() :]
    return sparql


def with_dataset(sparql: str, default: Sequence[str], named: Sequence[str]) -> str | None:
    """The query with ``FROM``/``FROM NAMED`` clauses for ``default`` and ``named`` written before its ``WHERE``
    (for a query that has none of its own), or ``None`` when there is no place to write them.

    >>> with_dataset("SELECT ?where { ?where ?p ?o }", ["http://e.org/g"], [])
    'SELECT ?where FROM <http://e.org/g> { ?where ?p ?o }'
    """
    try:
        where = _group_starts(sparql)[0]
    except UnsupportedQuery:
        return None
    keyword = _WHERE_BEFORE.search(mask(sparql)[:where])
    position = keyword.start() if keyword else where
    clauses = [f"FROM {ox.NamedNode(g)}" for g in default] + [f"FROM NAMED {ox.NamedNode(g)}" for g in named]
    return f"{sparql[:position]}{' '.join(clauses)} {sparql[position:]}"


_AGGREGATE = re.compile(_KEYWORD.format("COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT") + r"\s*\(", re.IGNORECASE)
_GROUP_BY = re.compile(_KEYWORD.format(r"GROUP\s+BY"), re.IGNORECASE)
_GROUP_END = re.compile(_KEYWORD.format("HAVING|ORDER|LIMIT|OFFSET|VALUES"), re.IGNORECASE)
_VALUES = re.compile(_KEYWORD.format("VALUES"), re.IGNORECASE)
_WHERE_BEFORE = re.compile(_KEYWORD.format("WHERE") + r"\s*$", re.IGNORECASE)
_VARIABLE = re.compile(r"[?$](\w+)")


def inline_values(sparql: str) -> str:
    """The query with its final, query-level ``VALUES`` clause moved to the end of its ``WHERE`` group.

    SPARQL joins that clause with the pattern after grouping and before ``ORDER BY``/``LIMIT``; Virtuoso refuses it
    outside ``SELECT`` and applies it after ``LIMIT``. Inside the group it means the same, as long as its variables
    are grouping keys (or there is no grouping), which is when it is moved; otherwise the query is left alone.

    >>> " ".join(inline_values("SELECT ?s WHERE { ?s ?p ?o } LIMIT 5 VALUES (?s) { (<http://e.org/a>) }").split())
    'SELECT ?s WHERE { ?s ?p ?o VALUES (?s) { (<http://e.org/a>) } } LIMIT 5'
    """
    masked = mask(sparql)
    depth, top = 0, [False] * (len(masked) + 1)
    for index, char in enumerate(masked):
        top[index] = depth == 0
        depth += {"{": 1, "}": -1}.get(char, 0)
    found = [m for m in _VALUES.finditer(masked) if top[m.start()]]
    if not found:
        return sparql
    clause = found[-1]
    opening = masked.find("{", clause.end())
    if opening < 0:
        return sparql
    closing = _closing(masked, opening)
    names = set(_VARIABLE.findall(masked[clause.end() : opening]))
    group_by = [m for m in _GROUP_BY.finditer(masked) if top[m.start()]]
    if group_by:
        end = _GROUP_END.search(masked, group_by[-1].end())
        keys = set(_VARIABLE.findall(masked[group_by[-1].end() : end.start() if end else len(masked)]))
        if not names <= keys:
            return sparql
    elif _AGGREGATE.search(masked):  # grouping without GROUP BY: leave it
        return sparql
    try:
        where = _group_starts(sparql)[0]
    except UnsupportedQuery:
        return sparql
    end_of_where = _closing(masked, where)
    if end_of_where > clause.start():
        return sparql
    values = sparql[clause.start() : closing + 1]
    rest = sparql[: clause.start()] + " " * (closing + 1 - clause.start()) + sparql[closing + 1 :]
    return rest[:end_of_where] + f" {values} " + rest[end_of_where:]


@dataclasses.dataclass(frozen=True)
class Describe:
    """A ``DESCRIBE`` taken apart: a ``SELECT`` finding what to describe, and the variables holding it."""

    select: str
    variables: tuple[str, ...]  # empty: every variable of the SELECT (``DESCRIBE *``)


def describe_as_select(sparql: str) -> Describe:
    """A ``DESCRIBE`` query as the ``SELECT`` of the resources it describes (constants become projected
    expressions), keeping its prologue, dataset, pattern and modifiers.

    >>> describe_as_select("PREFIX e: <http://e.org/> DESCRIBE ?x e:y WHERE { ?x a e:T } LIMIT 2").select
    'PREFIX e: <http://e.org/> SELECT ?x (e:y AS ?awardgraph_described_1) WHERE { ?x a e:T } LIMIT 2'
    >>> describe_as_select("DESCRIBE <http://e.org/a>").select
    'SELECT (<http://e.org/a> AS ?awardgraph_described_0) WHERE {}'
    """
    masked = mask(sparql)
    form = _FORM.search(masked)
    if form is None or form.group(1).upper() != "DESCRIBE":
        raise UnsupportedQuery("not a DESCRIBE query")
    end = _DESCRIBE_END.search(masked, form.end())
    stop = end.start() if end else len(sparql)
    targets = _TARGET.findall(sparql[form.end() : stop])
    if not targets:
        raise UnsupportedQuery("DESCRIBE names nothing to describe")
    variables = tuple(t[1:] for t in targets if t[0] in "?$")
    projection = [t for t in targets if t == "*" or t[0] in "?$"]
    projection += [f"({t} AS ?{DESCRIBED}{n})" for n, t in enumerate(targets) if t != "*" and t[0] not in "?$"]
    if "*" in targets and len(targets) > 1:
        raise UnsupportedQuery("DESCRIBE * names nothing else")
    rest = sparql[stop:]
    if "{" not in masked[stop:]:  # no WHERE: one empty solution, before any modifier
        modifier = _MODIFIER.search(masked, stop)
        cut = modifier.start() if modifier else len(sparql)
        rest = sparql[stop:cut].rstrip() + " WHERE {}" + (" " + sparql[cut:] if modifier else "")
    head = sparql[: form.start()] + "SELECT " + " ".join(projection) + " "
    names = (
        () if "*" in targets else (*variables, *(f"{DESCRIBED}{n}" for n, t in enumerate(targets) if t[0] not in "?$"))
    )
    return Describe((head + rest.lstrip()).rstrip(), names)
