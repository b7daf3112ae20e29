"""Pure functions over SPARQL text that the engine does not expose: tokens, dataset clauses, update keywords,
error excerpts.

They read user queries without parsing them fully, but split them into tokens the way the SPARQL grammar does
(section 19.8 of SPARQL 1.1 Query): IRIs, prefixed names (with their ``\\#``-style escapes), strings and comments
are whole tokens, so a keyword inside ``"..."``, ``<...>``, ``ex:local\\#part`` or after ``#`` never counts.

>>> declares_dataset('SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }')
True
>>> declares_dataset('SELECT ?from WHERE { ?from <http://example.org/from> "FROM" } # FROM')
False
>>> update_keyword('PREFIX ex: <http://example.org/> INSERT DATA { ex:a ex:b ex:c }')
'INSERT'
>>> [t.text for t in tokens('SELECT * { ?s ex:p\\\\# "a b" } # note')]
['SELECT', '*', '{', '?s', 'ex:p\\\\#', '"a b"', '}', '# note']
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

# The terminals of the grammar that decide where a token ends.
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + "\\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_VARNAME = f"[{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*+"
_LONG_STRINGS = r'"""(?:[^"\\]|\\.|"(?!""))*(?:"""|$)' + "|" + r"'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)"
_SHORT_STRINGS = r'"(?:[^"\\\n]|\\.)*"?' + "|" + r"'(?:[^'\\\n]|\\.)*'?"  # an unterminated one ends at the line
# Names (prefixed names, blank node labels, keywords, numbers) are first taken as one run of the characters they
# may hold (possessively, so that scanning stays linear), then split by the grammar's rules in _split_name.
_TOKEN = re.compile(
    "|".join(
        f"(?P<{name}>{pattern})"
        for name, pattern in (
            ("iri", r'<(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>'),  # with \u escapes
            ("name", f"(?:[{_PN_CHARS_U}0-9:]|{_PLX})(?:[{_PN_CHARS}.:]|{_PLX})*+"),
            ("var", f"[?$]{_VARNAME}"),
            ("string", f"{_LONG_STRINGS}|{_SHORT_STRINGS}"),
            ("comment", r"#[^\n]*+"),
            ("langtag", r"@[A-Za-z]++(?:-[A-Za-z0-9]++)*+"),
            ("number", r"\.[0-9]++(?:[eE][+-]?[0-9]++)?"),
            ("space", r"\s++"),
            ("punct", r"\^\^|\|\||&&|!=|<=|>=|."),
        )
    ),
    re.DOTALL,
)
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
_POSITION = re.compile(r"error at (\d+):(\d+)")


@dataclasses.dataclass(frozen=True)
class Token:
    """One token: its kind (``iri``, ``pname``, ``bnode``, ``var``, ``string``, ``comment``, ``langtag``,
    ``number``, ``word``, ``punct``), its text as written, and where it starts."""

    kind: str
    text: str
    start: int

    @property
    def keyword(self) -> str | None:
        """The word in upper case (SPARQL keywords are case-insensitive); ``None`` for other kinds."""
        return self.text.upper() if self.kind == "word" else None

    @property
    def iri(self) -> str:
        """An ``iri`` token's IRI with its ``\\u`` escapes decoded (the grammar allows them inside ``<...>``)."""
        return unescape(self.text[1:-1])


def unescape(text: str) -> str:
    """``text`` with its ``\\uXXXX`` and ``\\UXXXXXXXX`` escapes decoded (invalid code points are kept as written).

    >>> unescape(r"fil\\u0065:///etc/passwd")
    'file:///etc/passwd'
    """

    def decode(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group(0)

    return _ESCAPE.sub(decode, text)


def tokens(text: str, *, comments: bool = True) -> Iterator[Token]:
    """The tokens of ``text`` in order, without whitespace (and without comments unless ``comments``)."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind == "name":
            yield from _split_name(match.group(0), match.start())
        elif kind != "space" and (kind != "comment" or comments):
            yield Token(kind, match.group(0), match.start())


def _split_name(run: str, start: int) -> Iterator[Token]:
    """The tokens of a run of name characters: a prefixed name or blank node label (never ending in ``.``), or
    words and numbers separated by ``.`` (``true.SERVICE`` is three tokens, as in the grammar)."""
    if ":" in run:
        name = run.rstrip(".")
        yield Token("bnode" if name.startswith("_:") else "pname", name, start)
        for offset in range(len(name), len(run)):
            yield Token("punct", ".", start + offset)
        return
    position = 0
    while position < len(run):
        number = _NUMBER.match(run, position)
        if run[position] == ".":
            yield Token("punct", ".", start + position)
            position += 1
        elif number:
            yield Token("number", number.group(0), start + position)
            position = number.end()
        else:
            end = run.find(".", position)
            end = len(run) if end < 0 else end
            yield Token("word", run[position:end], start + position)
            position = end


def declares_dataset(text: str) -> bool:
    """Whether the query has a ``FROM`` or ``FROM NAMED`` clause of its own."""
    return any(token.keyword == "FROM" for token in tokens(text, comments=False))


def without_dataset(text: str) -> str:
    """The query with its ``FROM``/``FROM NAMED`` clauses blanked out (spaces of the same length, so that error
    positions still hold): what runs when the protocol's dataset replaces the query's (Protocol 2.1.4).

    >>> without_dataset('SELECT * FROM <http://e/g> from named e:h WHERE { ?s ?p "FROM <x>" }').split()
    ['SELECT', '*', 'WHERE', '{', '?s', '?p', '"FROM', '<x>"', '}']
    """
    stream = list(tokens(text, comments=False))
    spans = []
    for number, token in enumerate(stream):
        if token.keyword != "FROM":
            continue
        following = stream[number + 1 : number + 3]
        target = following[1:] if following and following[0].keyword == "NAMED" else following[:1]
        if target and target[0].kind in ("iri", "pname"):
            spans.append((token.start, target[0].start + len(target[0].text)))
    for start, end in reversed(spans):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def update_keyword(text: str) -> str | None:
    """The SPARQL Update keyword the text starts with (after its prologue), or ``None`` for anything else."""
    stream = tokens(text, comments=False)
    for token in stream:
        if token.keyword == "PREFIX":
            next(stream, None), next(stream, None)  # the prefix and its IRI
        elif token.keyword == "BASE":
            next(stream, None)
        else:
            return token.keyword if token.keyword in _UPDATE_WORDS else None
    return None


def error_excerpt(text: str, message: str) -> str | None:
    """The line a syntax error points at, with a caret under the column; ``None`` when the message has none.

    >>> print(error_excerpt('SELECT *\\nWHERE { ?s ?p }', 'error at 2:15: expected ...'))
    line 2: WHERE { ?s ?p }
                          ^
    """
    match = _POSITION.search(message)
    if not match:
        return None
    line_no, column = int(match.group(1)), int(match.group(2))
    lines = text.splitlines() or [""]
    if not 1 <= line_no <= len(lines):
        return None
    prefix = f"line {line_no}: "
    line = lines[line_no - 1].expandtabs(1)
    return f"{prefix}{line}\n{' ' * (len(prefix) + max(column - 1, 0))}^"
