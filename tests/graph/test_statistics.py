"""The VoID statistics equal a plain count of the store's quads, whatever the queries behind them do."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest
from tests.conftest import MINI_DATA

from awardgraph.graph.describe import Stats, compute_stats
from awardgraph.graph.load import load

BASE = "https://example.org/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
AG = f"{BASE}ontology#"
START = ox.NamedNode("http://schema.org/startDate")
END = ox.NamedNode("http://schema.org/endDate")
EXCLUDED = f"{BASE}dataset"


def expected(store: ox.Store, exclude: set[str]) -> Stats:
    """The figures counted in Python, quad by quad (the definition the queries must meet)."""
    quads = [q for q in store if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in exclude)]
    properties: dict[str, int] = {}
    classes: dict[str, set[ox.NamedNode | ox.BlankNode]] = {}
    for q in quads:
        properties[q.predicate.value] = properties.get(q.predicate.value, 0) + 1
        if q.predicate == RDF_TYPE:
            classes.setdefault(str(q.object.value), set()).add(q.subject)  # type: ignore[arg-type]
    subjects = {q.subject for q in quads}
    in_id_space = sorted(s.value for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(f"{BASE}id/"))
    typed = {q.subject.value for q in quads if q.predicate == RDF_TYPE and isinstance(q.subject, ox.NamedNode)}
    distinctions = {
        q.subject.value
        for q in quads
        if q.predicate == RDF_TYPE
        and str(q.object.value).endswith("#Distinction")
        and isinstance(q.subject, ox.NamedNode)
    }
    candidates = [s for s in in_id_space if s in distinctions] or [s for s in in_id_space if s in typed]
    dates = sorted(
        {q.object for q in quads if q.predicate in (START, END) and isinstance(q.object, ox.Literal)},
        key=lambda d: d.value,
    )
    return Stats(
        triples=len(quads),
        graphs=len({q.graph_name for q in quads}),
        entities=len(in_id_space),
        distinct_subjects=len(subjects),
        distinct_objects=len({q.object for q in quads}),
        classes={c: len(members) for c, members in classes.items()},
        properties=properties,
        example=candidates[0] if candidates else None,
        period=(dates[0], dates[-1]) if dates else None,
    )


def figures(stats: Stats) -> tuple[object, ...]:
    """Stats as plain values (pyoxigraph literals compared by value, dicts without their order)."""
    period = tuple((d.value, d.datatype.value) for d in stats.period) if stats.period else None
    return (
        *(getattr(stats, f) for f in ("triples", "graphs", "entities", "distinct_subjects", "distinct_objects")),
        sorted(stats.classes.items()),
        sorted(stats.properties.items()),
        stats.example,
        period,
    )


def random_store(seed: int) -> ox.Store:
    """Quads with what the counts must get right: shared subjects and objects across graphs, blank nodes,
    literals, subjects outside the id space, an instance typed in two graphs, events with dates of mixed precision,
    and a graph the statistics must leave out."""
    rng = random.Random(seed)
    store = ox.Store()
    nodes: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(f"{BASE}id/thing/{i}") for i in range(30)]
    nodes += [ox.NamedNode(f"http://elsewhere.example/{i}") for i in range(5)] + [
        ox.BlankNode(f"b{i}") for i in range(5)
    ]
    classes = [ox.NamedNode(f"{AG}{name}") for name in ("Distinction", "City", "Practice")] + [ox.BlankNode("c")]
    graphs = [ox.NamedNode(f"{BASE}graph/{i}") for i in range(8)] + [ox.NamedNode(EXCLUDED)]
    dates = [
        ox.Literal(d, datatype=ox.NamedNode(f"http://www.w3.org/2001/XMLSchema#{t}"))
        for d, t in (("2014-05", "gYearMonth"), ("2015-05-17", "date"), ("2013-03-01", "date"), ("2016", "gYear"))
    ]
    for _ in range(400):
        s, g = rng.choice(nodes), rng.choice(graphs)
        kind = rng.randrange(5)
        if kind == 0:
            store.add(ox.Quad(s, RDF_TYPE, rng.choice(classes if rng.random() < 0.5 else classes[1:3]), g))
        elif kind == 1:
            store.add(ox.Quad(s, ox.NamedNode(f"{AG}p{rng.randrange(4)}"), rng.choice(nodes), g))
        elif kind == 2:
            store.add(ox.Quad(s, ox.NamedNode(f"{AG}label"), ox.Literal(f"x{rng.randrange(20)}", language="pl"), g))
        else:
            store.add(ox.Quad(s, rng.choice((START, END)), rng.choice(dates), g))
    return store


@pytest.mark.parametrize("seed", range(12))
def test_statistics_equal_a_count_in_python(seed: int) -> None:
    store = random_store(seed)
    assert figures(compute_stats(store, BASE, exclude={EXCLUDED})) == figures(expected(store, {EXCLUDED}))


def test_no_distinction_and_no_event() -> None:
    store = ox.Store()
    g = ox.NamedNode(f"{BASE}graph/a")
    store.add(ox.Quad(ox.NamedNode(f"{BASE}id/z"), RDF_TYPE, ox.NamedNode(f"{AG}City"), g))
    store.add(ox.Quad(ox.NamedNode(f"{BASE}id/y"), ox.NamedNode(f"{AG}p"), ox.Literal("1"), g))
    stats = compute_stats(store, BASE, exclude=set())
    assert stats.example == f"{BASE}id/z"  # /y is first, but only typed things are examples
    assert stats.period is None
    assert (stats.triples, stats.graphs, stats.entities, stats.distinct_objects) == (2, 1, 2, 2)


def test_an_excluded_graph_alone_counts_nothing() -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(f"{BASE}id/a"), RDF_TYPE, ox.NamedNode(f"{AG}Distinction"), ox.NamedNode(EXCLUDED)))
    stats = compute_stats(store, BASE, exclude={EXCLUDED})
    assert (stats.triples, stats.graphs, stats.entities, stats.example, stats.classes) == (0, 0, 0, None, {})


def test_mini_fixture_statistics() -> None:
    loaded = load(MINI_DATA, BASE)
    found = compute_stats(loaded.store, BASE, exclude={EXCLUDED})
    assert figures(found) == figures(expected(loaded.store, {EXCLUDED}))
    assert found.triples == 7
