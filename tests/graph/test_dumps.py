"""Every dump holds exactly the data (every quad where the syntax keeps graphs, the default graph's triples
elsewhere), whatever shortcut wrote it, and the same data gives the same bytes."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import to_canonical_graph
from rdflib.term import Node

from awardgraph.builds import Dump
from awardgraph.config import DEFAULT_BASE_IRI
from awardgraph.graph import defaultgraph
from awardgraph.graph.build import BuildResult
from awardgraph.graph.dumps import compact_jsonld, write_dumps
from awardgraph.graph.load import load
from awardgraph.namespaces import prefixes
from awardgraph.resources import resource_dir

RDFLIB_FORMAT = {
    Dump.TURTLE: "turtle",
    Dump.NTRIPLES_GZ: "nt",
    Dump.NQUADS_GZ: "nquads",
    Dump.TRIG: "trig",
    Dump.JSONLD: "json-ld",
    Dump.RDFXML: "xml",
}
TRICKY = """
@prefix schema: <http://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/awardgraph/graph/a> {
    <https://w3id.org/awardgraph/id/place/x> schema:name "}\\n<g> {\\n}" , "http://schema.org/Person" ;
        schema:url "http://schema.org/x"^^xsd:anyURI ;
        <http://schema.org/odd/local#part> <http://schema.org/Thing> .
}
<https://w3id.org/awardgraph/graph/b> {
    <https://w3id.org/awardgraph/id/place/x> a schema:City ; schema:sameAs <https://sws.geonames.org/1/> .
}
"""


Canonical = dict[Node | None, frozenset[tuple[Node, Node, Node]]]


def canonical(quads: Iterable[tuple[Node, Node, Node, Node | None]], *, keep_graphs: bool) -> Canonical:
    """Triples per graph (or all under ``None``) with blank nodes relabelled canonically, for comparison."""
    graphs: dict[Node | None, Graph] = {}
    for s, p, o, g in quads:
        graphs.setdefault(g if keep_graphs else None, Graph()).add((s, p, o))
    return {g: frozenset(to_canonical_graph(graph)) for g, graph in graphs.items()}


def parsed(path: Path, dump: Dump) -> Canonical:
    data = gzip.decompress(path.read_bytes()) if dump.compressed else path.read_bytes()
    if dump.quads:
        dataset = Dataset()
        dataset.parse(data=data, format=RDFLIB_FORMAT[dump])
        return canonical((q for q in dataset.quads() if q[3] is not None), keep_graphs=True)
    return canonical(
        ((s, p, o, None) for s, p, o in Graph().parse(data=data, format=RDFLIB_FORMAT[dump])), keep_graphs=False
    )


def expected(store: ox.Store, default_graphs: frozenset[str]) -> tuple[Canonical, Canonical]:
    dataset = Dataset()
    dataset.parse(data=store.dump(format=ox.RdfFormat.N_QUADS), format="nquads")
    quads = [q for q in dataset.quads() if q[3] is not None]
    in_default = [q for q in quads if str(q[3]) in default_graphs]
    return canonical(quads, keep_graphs=True), canonical(in_default, keep_graphs=False)


def all_graphs(store: ox.Store) -> frozenset[str]:
    return frozenset(str(g.value) for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def assert_dumps_hold(store: ox.Store, folder: Path, default_graphs: frozenset[str]) -> None:
    quads, triples = expected(store, default_graphs)
    assert triples  # the cases below have a default graph
    for written in write_dumps(store, folder, prefixes(DEFAULT_BASE_IRI), default_graphs):
        assert parsed(written.path, written.dump) == (quads if written.dump.quads else triples), written.dump


def test_every_dump_of_the_project_data_holds_exactly_its_quads(tmp_path: Path) -> None:
    loaded = load([resource_dir("ontology"), resource_dir("data")], DEFAULT_BASE_IRI)
    default_graphs = defaultgraph.graphs(loaded.store, DEFAULT_BASE_IRI)
    assert f"{DEFAULT_BASE_IRI}graph/lublin-eu-miasta-otwarte-2015/f12" in default_graphs
    assert not any("/graph/external/" in g for g in default_graphs)
    assert_dumps_hold(loaded.store, tmp_path, default_graphs)


def test_literals_that_look_like_syntax_survive_every_dump(tmp_path: Path) -> None:
    store = ox.Store()
    store.load(TRICKY.encode(), format=ox.RdfFormat.TRIG)
    assert_dumps_hold(store, tmp_path, all_graphs(store))


def test_triple_dumps_hold_only_the_default_graphs(tmp_path: Path) -> None:
    store = ox.Store()
    store.load(TRICKY.encode(), format=ox.RdfFormat.TRIG)
    assert_dumps_hold(store, tmp_path, frozenset({f"{DEFAULT_BASE_IRI}graph/b"}))


def test_json_ld_is_compacted_with_the_prefixes_it_uses(tmp_path: Path) -> None:
    store = ox.Store()
    store.load(TRICKY.encode(), format=ox.RdfFormat.TRIG)
    written = {w.dump: w for w in write_dumps(store, tmp_path, prefixes(DEFAULT_BASE_IRI), all_graphs(store))}
    document = json.loads(written[Dump.JSONLD].path.read_bytes())
    assert document["@context"]["schema"] == "http://schema.org/"
    text = json.dumps(document["@graph"])
    assert '"schema:name"' in text and '"http://schema.org/Person"' in text  # keys compacted, literals intact


def test_compaction_leaves_escaped_quotes_alone() -> None:
    expanded = b'[{"@id":"http://e/a","http://e/p":[{"@value":"x\\",\\"http://e/q"}]}]'
    compacted = json.loads(compact_jsonld(expanded, {"e": "http://e/"}))
    assert compacted["@graph"] == [{"@id": "e:a", "e:p": [{"@value": 'x","http://e/q'}]}]


@pytest.mark.parametrize("dump", list(Dump))
def test_the_same_data_gives_the_same_bytes(dump: Dump, tmp_path: Path) -> None:
    runs = []
    for name in ("one", "two"):  # data/ holds no blank node (their labels are drawn anew at each parse)
        loaded = load([resource_dir("data")], DEFAULT_BASE_IRI)
        graphs = defaultgraph.graphs(loaded.store, DEFAULT_BASE_IRI)
        runs.append((tmp_path / name / dump.filename, write_dumps(loaded.store, tmp_path / name, {}, graphs)))
    assert runs[0][0].read_bytes() == runs[1][0].read_bytes()


def test_the_build_publishes_its_dumps_from_the_validated_quads(project_build: BuildResult) -> None:
    folder = project_build.path / "dumps"
    quads = parsed(folder / Dump.NQUADS_GZ.filename, Dump.NQUADS_GZ)
    assert sum(len(triples) for triples in quads.values()) == project_build.stats.triples
    assert parsed(folder / Dump.JSONLD.filename, Dump.JSONLD) == quads


@pytest.mark.parametrize("block", [1, 7, 64, 1000])
def test_dumps_do_not_depend_on_the_blocks_they_are_streamed_in(
    block: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files are read back and transformed in blocks (cut at line ends, or before a ``{`` in JSON-LD): the bytes
    must be those of one block for the whole file, wherever the cuts fall."""
    store = ox.Store()
    store.load(TRICKY.encode(), format=ox.RdfFormat.TRIG)
    graphs = all_graphs(store)
    whole = {w.dump: w for w in write_dumps(store, tmp_path / "whole", prefixes(DEFAULT_BASE_IRI), graphs)}
    monkeypatch.setattr("awardgraph.graph.dumps.BLOCK", block)
    for written in write_dumps(store, tmp_path / "blocks", prefixes(DEFAULT_BASE_IRI), graphs):
        expected_dump = whole[written.dump]
        assert written.path.read_bytes() == expected_dump.path.read_bytes(), written.dump
        assert (written.byte_size, written.sha256) == (expected_dump.byte_size, expected_dump.sha256)
    assert sorted(p.name for p in (tmp_path / "blocks").iterdir()) == sorted(d.filename for d in Dump)


def test_dumps_of_an_empty_store(tmp_path: Path) -> None:
    written = {w.dump: w for w in write_dumps(ox.Store(), tmp_path, prefixes(DEFAULT_BASE_IRI), frozenset())}
    assert json.loads(written[Dump.JSONLD].path.read_bytes())["@graph"] == []
    assert gzip.decompress(written[Dump.NQUADS_GZ].path.read_bytes()) == b""
    assert all(w.byte_size == w.path.stat().st_size for w in written.values())
