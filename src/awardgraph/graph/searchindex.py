"""The search index a build writes beside its store (``search.sqlite3``, read by
:class:`awardgraph.indexes.SearchIndex`), so that ``/search`` finds names without holding every name of the graph
in each server worker (at a million triples: 19 s to gather them, 3 s a search).

It holds every thing under ``{base}id/`` with each of its names (``rdfs:label``, ``skos:prefLabel``,
``schema:name``, ``foaf:name``: what ``queries/search-labels.rq`` matches) and one class (an ontology class where
it has one), and the names folded (:func:`awardgraph.textmatch.fold`: no case, no diacritics).
:meth:`~awardgraph.indexes.SearchIndex.candidates` narrows a search to the things whose folded names contain
every word typed; the ranking itself stays :mod:`awardgraph.textmatch`'s, in ``web/pages/search.py``.

The folded names are scanned with ``LIKE`` (in SQLite's C: about 70 ms a search at a million triples, 220,000
names). A full-text table with SQLite's trigram tokenizer answered in 15-55 ms but took 3-4 s more of a 1M build,
whose budget is 60 s; at ten times the size it would be the better trade.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from awardgraph import textmatch
from awardgraph.graph import sidefile
from awardgraph.indexes import SEARCH_FILE, SEARCH_SCHEMA

NAMES = tuple(
    ox.NamedNode(iri)
    for iri in (
        "http://www.w3.org/2000/01/rdf-schema#label",
        "http://www.w3.org/2004/02/skos/core#prefLabel",
        "http://schema.org/name",
        "http://xmlns.com/foaf/0.1/name",
    )
)
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def write(store: ox.Store, folder: Path, base_iri: str) -> int:
    """Write the index of the named things in ``store`` to ``folder/`` :data:`~awardgraph.indexes.SEARCH_FILE`;
    how many things it holds. Reads the patterns it needs straight from the store's indexes, as
    :mod:`awardgraph.graph.listindex` does."""
    prefix, ontology = f"{base_iri}id/", f"{base_iri}ontology#"
    names: dict[str, set[tuple[str, str]]] = {}
    for predicate in NAMES:
        for quad in store.quads_for_pattern(None, predicate, None):
            thing, name = quad.subject, quad.object
            if isinstance(thing, ox.NamedNode) and thing.value.startswith(prefix) and isinstance(name, ox.Literal):
                names.setdefault(thing.value, set()).add((name.language or "", name.value))
    types: dict[str, tuple[bool, str]] = {}  # the thing's class, an ontology class before any other, then by IRI
    for quad in store.quads_for_pattern(None, RDF_TYPE, None):
        thing, cls = quad.subject, quad.object
        if isinstance(thing, ox.NamedNode) and thing.value in names and isinstance(cls, ox.NamedNode):
            key = (not cls.value.startswith(ontology), cls.value)
            if thing.value not in types or key < types[thing.value]:
                types[thing.value] = key
    with sidefile.created(folder / SEARCH_FILE, SEARCH_SCHEMA) as db:
        ordered = sorted(names)
        db.executemany(
            "INSERT INTO things VALUES (?, ?, ?)",
            ((n, iri, types[iri][1] if iri in types else None) for n, iri in enumerate(ordered)),
        )
        rows = [(n, lang, name) for n, iri in enumerate(ordered) for lang, name in sorted(names[iri])]
        db.executemany("INSERT INTO names VALUES (?, ?, ?)", rows)
        db.executemany("INSERT INTO folded (text, thing) VALUES (?, ?)", ((textmatch.fold(r[2]), r[0]) for r in rows))
    return len(names)
