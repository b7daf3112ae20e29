"""What list pages need, computed once by the build: every class's members in IRI order with their labels, in a
small SQLite file beside the store (:data:`awardgraph.indexes.LIST_FILE`, read by
:class:`awardgraph.indexes.ListIndex`), so that a page is a slice of an index instead of a sort of the
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
>>> from awardgraph.indexes import ListIndex
>>> index = ListIndex.open(folder)
>>> index.classes(), index.page("http://x.org/C", offset=0, limit=10)
([('http://x.org/C', 1)], [Member(iri='http://x.org/id/a', label_pl=None, label_en=None, label=None)])
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path

import pyoxigraph as ox

from awardgraph.graph import sidefile
from awardgraph.indexes import LIST_FILE, LIST_SCHEMA

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def write(store: ox.Store, folder: Path, base_iri: str, graphs: Collection[str]) -> int:
    """Write the index of the things in ``store``'s ``graphs`` (the default graph's: the lists show what a query
    naming no graph sees) to ``folder/`` :data:`~awardgraph.indexes.LIST_FILE`; how many classes it lists.

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
    with sidefile.created(folder / LIST_FILE, LIST_SCHEMA) as db:
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
