"""The indexes a build writes beside its store, read side: SQLite files made once in the unfinished build (by
:mod:`awardgraph.graph.listindex` and :mod:`awardgraph.graph.searchindex`), then only read, by every server worker
at once. Their tables are defined here, once, for the writers and the readers.

The web app reads them through this module and never imports the build code (and rdflib and pyshacl with it):
see ``docs/architecture.md``.

>>> import sqlite3, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> db = sqlite3.connect(folder / LIST_FILE)
>>> db.executescript(LIST_SCHEMA + "INSERT INTO classes VALUES (0, 'http://x.org/C', 1);"
...     "INSERT INTO members VALUES (0, 0, 'http://x.org/id/a', 'A', NULL, 'A');") and db.commit()
>>> index = ListIndex.open(folder)
>>> index.classes(), index.page("http://x.org/C", offset=0, limit=10)
([('http://x.org/C', 1)], [Member(iri='http://x.org/id/a', label_pl='A', label_en=None, label='A')])
>>> SearchIndex.open(folder) is None  # a build made without a search index
True
"""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar, Self

from awardgraph import textmatch

LIST_FILE = "lists.sqlite3"
LIST_SCHEMA = """
CREATE TABLE classes (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, members INTEGER NOT NULL);
CREATE TABLE members (
  class INTEGER NOT NULL, position INTEGER NOT NULL, iri TEXT NOT NULL, label_pl TEXT, label_en TEXT, label TEXT,
  PRIMARY KEY (class, position)
) WITHOUT ROWID;
"""
SEARCH_FILE = "search.sqlite3"
SEARCH_SCHEMA = """
CREATE TABLE things (id INTEGER PRIMARY KEY, iri TEXT NOT NULL, type TEXT);
CREATE TABLE names (thing INTEGER NOT NULL, lang TEXT NOT NULL, name TEXT NOT NULL);
CREATE INDEX names_thing ON names (thing);
CREATE TABLE folded (text TEXT NOT NULL, thing INTEGER NOT NULL);
"""


class ReadOnly:
    """One such file of a finished build, opened read-only (builds never change, so SQLite need not lock it);
    subclasses name the file in :attr:`FILE` and ask it through :attr:`_db` while holding :attr:`_lock`."""

    FILE: ClassVar[str]

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self._lock = threading.Lock()

    @classmethod
    def open(cls, folder: Path) -> Self | None:
        """The file of the build in ``folder``; ``None`` for a build made without one."""
        path = folder / cls.FILE
        return cls(path) if path.is_file() else None


@dataclasses.dataclass(frozen=True)
class Member:
    """One thing of a class, with its labels (``None`` where it has none of that kind)."""

    iri: str
    label_pl: str | None
    label_en: str | None
    label: str | None


class ListIndex(ReadOnly):
    """A build's list index: every class's members in IRI order with their labels (what ``queries/classes.rq``
    and ``queries/list.rq`` say over the served store), so that a list page is a slice, not a sort."""

    FILE = LIST_FILE

    def classes(self) -> list[tuple[str, int]]:
        """Every class with how many things it has, most first, then by IRI (as ``classes.rq`` orders them)."""
        with self._lock:
            rows = self._db.execute("SELECT iri, members FROM classes").fetchall()
        return sorted(((str(iri), int(n)) for iri, n in rows), key=lambda row: (-row[1], row[0]))

    def page(self, cls: str, *, offset: int, limit: int) -> list[Member]:
        """The things of ``cls`` from position ``offset`` (0 is the first in IRI order), at most ``limit``."""
        with self._lock:
            rows = self._db.execute(
                "SELECT m.iri, label_pl, label_en, label FROM members AS m JOIN classes AS c ON m.class = c.id "
                "WHERE c.iri = ? AND position >= ? ORDER BY position LIMIT ?",
                (cls, offset, limit),
            ).fetchall()
        return [Member(*row) for row in rows]


class SearchIndex(ReadOnly):
    """A build's search index: every thing under ``{base}id/`` with its names, one class, and the names folded
    (:func:`awardgraph.textmatch.fold`)."""

    FILE = SEARCH_FILE

    def candidates(self, typed: str, most: int) -> list[tuple[str, str | None, list[tuple[str, str]]]]:
        """Things (IRI, class, names as (language, name) pairs) whose names contain every word of ``typed``
        (folded): the shortest names first, at most ``most`` things."""
        words = [w for w in textmatch.fold(typed).split(" ") if w]
        if not words:
            return []
        clauses = " AND ".join("text LIKE ? ESCAPE '\\'" for _ in words)
        params = ["%" + w.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for w in words]
        with self._lock:
            found = self._db.execute(
                f"SELECT thing FROM folded WHERE {clauses} GROUP BY thing "  # noqa: S608 - fixed text
                "ORDER BY MIN(length(text)), thing LIMIT ?",
                (*params, most),
            ).fetchall()
            ids = [row[0] for row in found]
            return [self._thing(i) for i in ids]

    def _thing(self, number: int) -> tuple[str, str | None, list[tuple[str, str]]]:
        iri, cls = self._db.execute("SELECT iri, type FROM things WHERE id = ?", (number,)).fetchone()
        names = self._db.execute("SELECT lang, name FROM names WHERE thing = ? ORDER BY rowid", (number,)).fetchall()
        return str(iri), cls, [(str(lang), str(name)) for lang, name in names]


def names_of(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Names by language as ``web/pages/search.py`` keeps them: a second name in one language under ``lang#n``."""
    names: dict[str, str] = {}
    for lang, name in pairs:
        key = lang if lang not in names else f"{lang}#{len(names)}"
        names.setdefault(key, name)
    return names
