"""Pure functions over SPARQL text that the engine does not expose: dataset clauses, update keywords, error excerpts.

They read user queries without parsing them fully: strings, IRIs and comments are blanked out first, so a keyword
inside ``"..."``, ``<...>`` or after ``#`` never counts.

>>> declares_dataset('SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }')
True
>>> declares_dataset('SELECT ?from WHERE { ?from <http://example.org/from> "FROM" } # FROM')
False
>>> update_keyword('PREFIX ex: <http://example.org/> INSERT DATA { ex:a ex:b ex:c }')
'INSERT'
"""

from __future__ import annotations

import re

_OPAQUE = re.compile(
    r'''
      """(?:[^"\\]|\\.|"(?!""))*(?:"""|$)      # long strings
    | \'\'\'(?:[^'\\]|\\.|'(?!''))*(?:\'\'\'|$)
    | "(?:[^"\\\n]|\\.)*"?                     # short strings (an unterminated one runs to the line end)
    | '(?:[^'\\\n]|\\.)*'?
    | <[^<>"{}|^`\\\x00-\x20]*>                 # IRIs
    | \#[^\n]*                                 # comments
    ''',
    re.VERBOSE | re.DOTALL,
)
_FROM = re.compile(r"(?<![\w:?$\-.])FROM(?![\w:\-])", re.IGNORECASE)
_PROLOGUE = re.compile(r"\s*(?:(?:PREFIX\s+[\w.\-]*:|BASE)\s*)*", re.IGNORECASE)
_UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})
_POSITION = re.compile(r"error at (\d+):(\d+)")


def blank_opaque(text: str) -> str:
    """``text`` with every string, IRI and comment replaced by one space."""
    return _OPAQUE.sub(" ", text)


def declares_dataset(text: str) -> bool:
    """Whether the query has a ``FROM`` or ``FROM NAMED`` clause of its own."""
    return _FROM.search(blank_opaque(text)) is not None


def update_keyword(text: str) -> str | None:
    """The SPARQL Update keyword the text starts with (after its prologue), or ``None`` for anything else."""
    rest = blank_opaque(text)
    rest = rest[_PROLOGUE.match(rest).end() :]  # type: ignore[union-attr]  # the pattern matches the empty string
    word = re.match(r"[A-Za-z]+", rest)
    if word and word.group(0).upper() in _UPDATE_WORDS:
        return word.group(0).upper()
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
