"""What list pages need, computed once by the build: every class's members in IRI order with their labels, in a
small SQLite file beside the store (:data:`FILE`), so that a page is a slice of an index instead of a sort of the
whole class on every request (2.6 s a page at 100k triples, 30 s at 1M).

The index says what ``queries/classes.rq`` and ``queries/list.rq`` say over the served store: the classes of the
things under ``{base}id/`` with how many things each has, and per class the things in ``STR`` order with a Polish,
an English and any label. Where a thing has several labels of a kind, the index keeps the first in code-point order
(``list.rq`` takes a ``SAMPLE``), so pages are the same from every build of the same data.

>>> import pyoxigraph as ox, tempfile, pathlib
>>> store = ox.Store()
>>> a, t = ox.NamedNode("http://x.org/id/a"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
>>> store.add(ox.Quad(a, t, ox.NamedNode("http://x.org/C"), ox.NamedNode("http://x.org/g")))
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write(store, folder, "http://x.org/", ["http://x.org/g"])
1
>>> index = ListIndex.open(folder)
>>> index.classes(), index.page("http://x.org/C", offset=0, limit=10)
([('http://x.org/C', 1)], [Member(iri='http://x.org/id/a', label_pl=None, label_en=None, label=None)])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterator
from pathlib import Path

import pyoxigraph as ox

from awardgraph.graph import sidefile

FILE = "lists.sqlite3"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
SCHEMA = """
CREATE TABLE classes (id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, members INTEGER NOT NULL);
CREATE TABLE members (
  class INTEGER NOT NULL, position INTEGER NOT NULL, iri TEXT NOT NULL, label_pl TEXT, label_en TEXT, label TEXT,
  PRIMARY KEY (class, position)
) WITHOUT ROWID;
"""


@dataclasses.dataclass(frozen=True)
class Member:
    """One thing of a class, with its labels (``None`` where it has none of that kind)."""

    iri: str
    label_pl: str | None
    label_en: str | None
    label: str | None


def write(store: ox.Store, folder: Path, base_iri: str, graphs: Collection[str]) -> int:
    """Write the index of the things in ``store``'s ``graphs`` (the default graph's: the lists show what a query
    naming no graph sees) to ``folder/`` :data:`FILE`; how many classes it lists.

    It reads the two patterns it needs straight from the store's indexes (``rdf:type``, ``rdfs:label``): a SPARQL
    query over the union of the graphs took three times as long, and the finished store on disk twice as long."""
    prefix = f"{base_iri}id/"
    wanted = frozenset(graphs)

    def matching(predicate: ox.NamedNode) -> Iterator[ox.Quad]:
        for quad in store.quads_for_pattern(None, predicate, None):
            if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value in wanted:
                yield quad

    members: dict[str, set[str]] = {}
    for quad in matching(RDF_TYPE):
        thing = quad.subject
        cls = quad.object
        if isinstance(thing, ox.NamedNode) and thing.value.startswith(prefix) and not isinstance(cls, ox.Triple):
            members.setdefault(cls.value, set()).add(thing.value)
    things = set().union(*members.values())
    labels: dict[str, set[tuple[str, str]]] = {}
    for quad in matching(RDFS_LABEL):
        thing, label = quad.subject, quad.object
        if isinstance(label, ox.Literal) and isinstance(thing, ox.NamedNode) and thing.value in things:
            labels.setdefault(thing.value, set()).add((label.value, (label.language or "").lower()))
    chosen = {thing: _labels(found) for thing, found in labels.items()}
    with sidefile.created(folder / FILE, SCHEMA) as db:
        classes = list(members.items())
        db.executemany(
            "INSERT INTO classes VALUES (?, ?, ?)", ((n, c, len(found)) for n, (c, found) in enumerate(classes))
        )
        db.executemany(
            "INSERT INTO members VALUES (?, ?, ?, ?, ?, ?)",
            (
                (number, position, thing, *chosen.get(thing, (None, None, None)))
                for number, (_, found) in enumerate(classes)
                for position, thing in enumerate(sorted(found))
            ),
        )
    return len(members)


def _labels(found: set[tuple[str, str]]) -> tuple[str | None, str | None, str | None]:
    """The Polish, English and any label (each the first in code-point order), as ``list.rq`` names them (a
    language matches its subtags too, as ``LANGMATCHES`` does)."""
    pl = [value for value, lang in found if lang == "pl" or lang.startswith("pl-")]
    en = [value for value, lang in found if lang == "en" or lang.startswith("en-")]
    return min(pl, default=None), min(en, default=None), min(value for value, _ in found)


class ListIndex(sidefile.ReadOnly):
    """A build's list index, read-only."""

    FILE = FILE

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
