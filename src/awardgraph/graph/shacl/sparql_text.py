"""The queries of SPARQL-based targets and constraints, rewritten to answer for every focus node in one query.

SHACL-SPARQL evaluates a constraint once per focus node with ``$this`` pre-bound. Here the shape's focus pattern
goes first and the constraint's own WHERE group follows under Oxigraph's ``LATERAL`` (SEP-0006), which evaluates
it once per focus node with ``?this`` injected: pre-binding without a query parse per node. ``?this`` is added to
the projection if the query leaves it out.

Queries are refused at compile time where SHACL forbids them (``MINUS``, ``SERVICE``, ``VALUES``, a subquery that
uses ``$this`` without selecting it, an assignment to a pre-bound variable), where one query cannot answer per
focus node (``GROUP BY``, ``HAVING``, ``LIMIT``, ``OFFSET`` or aggregates in the outer query), and where engines
disagree: a ``FILTER`` or ``BIND`` in a nested group (a UNION branch, a ``GRAPH`` or plain group) that uses
``$this`` although the group's own patterns do not bind it (pyshacl, through rdflib, does not see ``$this`` there
in every case). Prefixed names are expanded with the ``sh:prefixes`` declarations, so queries nest without
prologues; ``$currentShape`` and ``$PATH`` are substituted; ``$shapesGraph`` is refused (the shapes are not in
the store).
"""

from __future__ import annotations

import dataclasses
import re

from awardgraph.graph.shacl.model import UnsupportedShape

_ESC = r"\\[_~.\-!$&'()*+,;=/?#@%]"
_LOCAL_CHAR = rf"(?:[\w:\-]|%[0-9A-Fa-f]{{2}}|{_ESC})"
_TOKEN = re.compile(
    rf'''
      (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\'|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
    | (?P<comment>\#[^\n]*)
    | (?P<var>[?$][\w\u00B7]+)
    | (?P<bnode>_:[\w\-.]*\w)
    | (?P<pname>(?:[A-Za-z][\w\-.]*)?:(?:{_LOCAL_CHAR}(?:(?:{_LOCAL_CHAR}|\.)*{_LOCAL_CHAR})?)?)
    | (?P<word>[A-Za-z_][\w\-]*)
    | (?P<space>\s+)
    | (?P<other>.)
    ''',
    re.VERBOSE | re.DOTALL,
)
_FORBIDDEN = {"MINUS", "SERVICE", "VALUES"}
_AFTER_WHERE_FORBIDDEN = {"GROUP", "HAVING", "LIMIT", "OFFSET", "VALUES"}
_AGGREGATES = {"COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE", "GROUP_CONCAT"}
PRE_BOUND = {"this", "currentShape", "shapesGraph", "PATH"}


@dataclasses.dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""

    @property
    def variable(self) -> str | None:
        return self.text[1:] if self.kind == "var" else None


def tokens(text: str) -> list[Token]:
    """The significant tokens of ``text`` (no spaces, no comments)."""
    found = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("space", "comment"):
            found.append(Token(kind, match.group(), match.start(), match.end()))
    return found


@dataclasses.dataclass
class _Query:
    """One SELECT query split into its parts (token indices), ready for edits."""

    text: str
    toks: list[Token]
    select: int  # index of SELECT
    open: int  # index of the WHERE group's "{"
    close: int  # index of its "}"
    edits: list[tuple[int, int, str]] = dataclasses.field(default_factory=list)

    def apply(self) -> str:
        text = self.text
        for start, end, replacement in sorted(self.edits, reverse=True):
            text = text[:start] + replacement + text[end:]
        return text


def constraint_query(select: str, prefixes: dict[str, str], focus: str, values: dict[str, str], owner: str) -> str:
    """A constraint's ``sh:select`` as one query over every focus node bound by the ``focus`` pattern."""
    query = _split(select, prefixes, values, owner)
    toks = query.toks
    for tok in toks:
        if tok.upper in _FORBIDDEN:
            raise UnsupportedShape(f"{owner}: its SPARQL constraint uses {tok.upper}, which SHACL forbids there")
    tail = {t.upper for t in toks[query.close + 1 :]}
    if tail & _AFTER_WHERE_FORBIDDEN:
        raise UnsupportedShape(
            f"{owner}: its SPARQL constraint uses {', '.join(sorted(tail & _AFTER_WHERE_FORBIDDEN))} after WHERE; "
            "the sparql engine answers for all focus nodes in one query and cannot group or limit per focus node"
        )
    _check_projection(query, owner, add_this=True)
    _check_subqueries(query, owner)
    _check_nested_filters(query, owner)
    open_, close = toks[query.open], toks[query.close]
    query.edits.append((open_.end, open_.end, f"\n    {focus}\n    LATERAL {{"))
    query.edits.append((close.start, close.start, "}\n"))
    return query.apply().strip()


def target_query(select: str, prefixes: dict[str, str], values: dict[str, str], owner: str) -> str:
    """A SPARQL target's ``sh:select`` as a subquery text (``SELECT … WHERE { … }``) binding ``?this``."""
    query = _split(select, prefixes, values, owner)
    _check_projection(query, owner, add_this=False)
    return query.apply().strip()


def _split(select: str, prefixes: dict[str, str], values: dict[str, str], owner: str) -> _Query:
    toks = tokens(select)
    query = _Query(select, toks, 0, 0, 0)
    declared = dict(prefixes)
    i = 0
    while i < len(toks) and toks[i].upper in ("PREFIX", "BASE"):
        if toks[i].upper == "BASE":
            raise UnsupportedShape(f"{owner}: BASE in a SHACL-SPARQL query is not supported")
        if i + 2 >= len(toks) or toks[i + 1].kind != "pname" or toks[i + 2].kind != "iri":
            raise UnsupportedShape(f"{owner}: a PREFIX declaration in its query does not parse")
        declared[toks[i + 1].text.rstrip(":")] = toks[i + 2].text[1:-1]
        query.edits.append((toks[i].start, toks[i + 2].end, ""))
        i += 3
    if i >= len(toks) or toks[i].upper != "SELECT":
        raise UnsupportedShape(f"{owner}: only SELECT queries are supported in sh:select")
    query.select = i
    query.open = next((j for j in range(i, len(toks)) if toks[j].text == "{"), -1)
    if query.open < 0:
        raise UnsupportedShape(f"{owner}: its query has no WHERE group")
    query.close = _matching(toks, query.open, owner)
    for tok in toks[i:]:
        if tok.kind == "pname":
            query.edits.append((tok.start, tok.end, _expand(tok.text, declared, owner)))
        elif tok.kind == "var" and tok.variable in values:
            query.edits.append((tok.start, tok.end, values[tok.variable]))
        elif tok.kind == "var" and tok.variable in PRE_BOUND - {"this"}:
            raise UnsupportedShape(f"{owner}: ${tok.variable} cannot be used here by the sparql engine")
    return query


def _expand(pname: str, declared: dict[str, str], owner: str) -> str:
    prefix, _, local = pname.partition(":")
    if prefix not in declared:
        raise UnsupportedShape(f"{owner}: its query uses the undeclared prefix {prefix}: (add it to sh:prefixes)")
    return f"<{declared[prefix]}{re.sub(_ESC, lambda m: m.group()[1:], local)}>"


def _matching(toks: list[Token], open_index: int, owner: str) -> int:
    depth = 0
    for j in range(open_index, len(toks)):
        depth += {"{": 1, "}": -1}.get(toks[j].text, 0) if toks[j].kind == "other" else 0
        if depth == 0:
            return j
    raise UnsupportedShape(f"{owner}: unbalanced braces in its query")


def _projection(toks: list[Token], select: int) -> list[Token]:
    end = next(j for j in range(select, len(toks)) if toks[j].text == "{" or toks[j].upper == "WHERE")
    return toks[select + 1 : end]


def _check_projection(query: _Query, owner: str, *, add_this: bool) -> None:
    projection = _projection(query.toks, query.select)
    depth, star, this = 0, False, False
    for k, tok in enumerate(projection):
        depth += {"(": 1, ")": -1}.get(tok.text, 0) if tok.kind == "other" else 0
        if tok.upper == "AS" and k + 1 < len(projection) and projection[k + 1].variable in PRE_BOUND:
            raise UnsupportedShape(f"{owner}: its query assigns the pre-bound variable {projection[k + 1].text}")
        if tok.upper in _AGGREGATES:
            raise UnsupportedShape(f"{owner}: aggregates in a SPARQL constraint's projection are not supported")
        star = star or (depth == 0 and tok.text == "*")
        this = this or (depth == 0 and tok.variable == "this")
    if star or this:
        return
    if not add_this:
        raise UnsupportedShape(f"{owner}: a SPARQL target must select ?this")
    after = query.select + 1 if projection and projection[0].upper in ("DISTINCT", "REDUCED") else query.select
    query.edits.append((query.toks[after].end, query.toks[after].end, " ?this"))


def _check_subqueries(query: _Query, owner: str) -> None:
    toks = query.toks
    for k in range(query.open + 1, query.close):
        if toks[k].upper != "SELECT":
            continue
        start = k - 1
        end = _matching(toks, start, owner)
        inner = toks[k:end]
        if not any(t.variable == "this" for t in inner):
            continue
        projection = _projection(toks, k)
        if not any(t.text == "*" or t.variable == "this" for t in projection):
            raise UnsupportedShape(f"{owner}: a subquery uses $this without selecting it")
        if any(t.upper in ("LIMIT", "OFFSET") for t in inner):
            raise UnsupportedShape(f"{owner}: a subquery using $this has LIMIT or OFFSET (differs per focus node)")


def _check_nested_filters(query: _Query, owner: str) -> None:
    """Refuse ``$this`` in a FILTER/BIND of a nested group whose own patterns do not bind it (see module doc)."""
    toks = query.toks
    for k in range(query.open + 1, query.close):
        if toks[k].text != "{" or toks[k].kind != "other":
            continue
        if toks[k - 1].upper in ("EXISTS", "OPTIONAL") or toks[k + 1].upper == "SELECT":
            continue
        uses, binds = _this_usage(toks, k, _matching(toks, k, owner))
        if uses and not binds:
            raise UnsupportedShape(
                f"{owner}: its query uses $this in a FILTER or BIND of a nested group that does not bind $this "
                "itself; move the filter to the top-level group"
            )


def _this_usage(toks: list[Token], open_index: int, close_index: int) -> tuple[bool, bool]:
    """Whether ``$this`` occurs in an expression (or EXISTS) and whether in a pattern, within one group."""
    parens, braces, exists_at = 0, 0, []
    uses = binds = False
    for k in range(open_index + 1, close_index):
        tok = toks[k]
        if tok.kind == "other" and tok.text == "{":
            braces += 1
            if toks[k - 1].upper == "EXISTS":
                exists_at.append(braces)
        elif tok.kind == "other" and tok.text == "}":
            if exists_at and exists_at[-1] == braces:
                exists_at.pop()
            braces -= 1
        elif tok.kind == "other":
            parens += {"(": 1, ")": -1}.get(tok.text, 0)
        elif tok.variable == "this":
            if parens > 0 or exists_at:
                uses = True
            else:
                binds = True
    return uses, binds
