"""The VoID statistics equal a plain count of the store's quads, whatever the queries behind them
(``queries/stats-*.rq``) do."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest
from tests.conftest import MINI_DATA

from awardgraph.builds import STORE_FOLDER, description_graph, shapes_graph
from awardgraph.config import DEFAULT_BASE_IRI, Settings
from awardgraph.graph.build import BuildResult
from awardgraph.graph.describe import Stats, compute_stats
from awardgraph.graph.load import load

BASE = "https://example.org/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
AG = f"{BASE}ontology#"
START = ox.NamedNode("http://schema.org/startDate")
END = ox.NamedNode("http://schema.org/endDate")
XSD_GYEAR = "http://www.w3.org/2001/XMLSchema#gYear"
EXCLUDED = {description_graph(BASE)}  # what a build adds beside the data by the time it counts


def expected(store: ox.Store, exclude: set[str], base: str = BASE) -> Stats:
    """The figures counted in Python, quad by quad (the definition the queries must meet): the quads of the named
    graphs but those in ``exclude``, the ids under ``base``."""
    quads = [q for q in store if not isinstance(q.graph_name, ox.DefaultGraph) and q.graph_name.value not in exclude]
    properties: dict[str, int] = {}
    classes: dict[str, set[ox.NamedNode | ox.BlankNode]] = {}
    for q in quads:
        properties[q.predicate.value] = properties.get(q.predicate.value, 0) + 1
        if q.predicate == RDF_TYPE:
            classes.setdefault(str(q.object.value), set()).add(q.subject)  # type: ignore[arg-type]
    subjects = {q.subject for q in quads}
    in_id_space = sorted(s.value for s in subjects if isinstance(s, ox.NamedNode) and s.value.startswith(f"{base}id/"))
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
    and graphs the statistics must leave out (the description, the default graph)."""
    rng = random.Random(seed)
    store = ox.Store()
    nodes: list[ox.NamedNode | ox.BlankNode] = [ox.NamedNode(f"{BASE}id/thing/{i}") for i in range(30)]
    nodes += [ox.NamedNode(f"http://elsewhere.example/{i}") for i in range(5)] + [
        ox.BlankNode(f"b{i}") for i in range(5)
    ]
    classes = [ox.NamedNode(f"{AG}{name}") for name in ("Distinction", "City", "Practice")] + [ox.BlankNode("c")]
    classes.append(ox.NamedNode("http://elsewhere.example/vocab#Distinction"))  # a second class of distinctions
    graphs: list[ox.NamedNode | ox.DefaultGraph] = [ox.NamedNode(f"{BASE}graph/{i}") for i in range(8)]
    graphs += [ox.NamedNode(description_graph(BASE)), ox.DefaultGraph()]  # the default graph: not data
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
    assert figures(compute_stats(store, BASE)) == figures(expected(store, EXCLUDED))


def test_no_distinction_and_no_event() -> None:
    store = ox.Store()
    g = ox.NamedNode(f"{BASE}graph/a")
    store.add(ox.Quad(ox.NamedNode(f"{BASE}id/z"), RDF_TYPE, ox.NamedNode(f"{AG}City"), g))
    store.add(ox.Quad(ox.NamedNode(f"{BASE}id/y"), ox.NamedNode(f"{AG}p"), ox.Literal("1"), g))
    stats = compute_stats(store, BASE)
    assert stats.example == f"{BASE}id/z"  # /y is first, but only typed things are examples
    assert stats.period is None
    assert (stats.triples, stats.graphs, stats.entities, stats.distinct_objects) == (2, 1, 2, 2)


def test_the_description_alone_counts_nothing() -> None:
    store = ox.Store()
    for g in EXCLUDED:
        store.add(ox.Quad(ox.NamedNode(f"{BASE}id/a"), RDF_TYPE, ox.NamedNode(f"{AG}Distinction"), ox.NamedNode(g)))
        store.add(
            ox.Quad(
                ox.NamedNode(f"{BASE}id/a"),
                START,
                ox.Literal("2015", datatype=ox.NamedNode(XSD_GYEAR)),
                ox.NamedNode(g),
            )
        )
    stats = compute_stats(store, BASE)
    assert (stats.triples, stats.graphs, stats.entities, stats.example, stats.classes) == (0, 0, 0, None, {})
    assert (stats.distinct_subjects, stats.distinct_objects, stats.period) == (0, 0, None)


def test_distinctions_outside_the_id_space_fall_back_to_any_thing() -> None:
    store = ox.Store()
    g = ox.NamedNode(f"{BASE}graph/a")
    store.add(ox.Quad(ox.NamedNode("http://elsewhere.example/d"), RDF_TYPE, ox.NamedNode(f"{AG}Distinction"), g))
    store.add(ox.Quad(ox.NamedNode(f"{BASE}id/b"), RDF_TYPE, ox.NamedNode(f"{AG}City"), g))
    store.add(ox.Quad(ox.NamedNode(f"{BASE}id/c"), RDF_TYPE, ox.NamedNode(f"{AG}Practice"), g))
    assert compute_stats(store, BASE).example == f"{BASE}id/b"


def test_the_ids_are_under_the_base_the_queries_run_with() -> None:
    store = ox.Store()
    g = ox.NamedNode("https://other.example/graph/a")
    store.add(ox.Quad(ox.NamedNode(f"{BASE}id/a"), RDF_TYPE, ox.NamedNode(f"{AG}Distinction"), g))
    store.add(ox.Quad(ox.NamedNode("https://other.example/id/b"), RDF_TYPE, ox.NamedNode(f"{AG}Distinction"), g))
    stats = compute_stats(store, "https://other.example/")
    assert (stats.entities, stats.example) == (1, "https://other.example/id/b")
    assert compute_stats(store, BASE).example == f"{BASE}id/a"


def test_mini_fixture_statistics() -> None:
    loaded = load(MINI_DATA, BASE)
    found = compute_stats(loaded.store, BASE)
    assert figures(found) == figures(expected(loaded.store, EXCLUDED))
    assert found.triples == 7


def test_project_statistics(project_build: BuildResult) -> None:
    """The project's data: the build's figures are a count in Python of its finished store's data graphs (the store
    also holds the default graph, the description and the shapes), and the same again on the data loaded afresh."""
    store = ox.Store.read_only(str(project_build.path / STORE_FOLDER))
    added = {description_graph(DEFAULT_BASE_IRI), shapes_graph(DEFAULT_BASE_IRI)}
    assert {g.value for g in store.named_graphs()} >= added
    assert figures(project_build.stats) == figures(expected(store, added, DEFAULT_BASE_IRI))
    loaded = load(Settings().data_paths, DEFAULT_BASE_IRI)  # what project_build built
    assert figures(compute_stats(loaded.store, DEFAULT_BASE_IRI)) == figures(project_build.stats)
