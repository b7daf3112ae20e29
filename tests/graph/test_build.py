"""A build writes a complete store, dumps and description, and only a complete build is ever made current."""

from __future__ import annotations

import gzip
import hashlib
import threading
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from tests.conftest import FIXTURES, MINI_SHAPES

from awardgraph import builds
from awardgraph.builds import Dump
from awardgraph.config import Settings
from awardgraph.graph.build import SHAPES_FILE, ValidationFailed, build, read_manifest
from awardgraph.graph.load import LoadError
from awardgraph.store.oxigraph import EmbeddedStore


def _snapshot(root: Path) -> dict[str, bytes]:
    """Every file under the store directory with its bytes, plus where ``current`` points."""
    files = {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}
    files["current ->"] = str((root / "current").resolve()).encode()
    return files


def test_build_becomes_current_with_every_dump(mini_settings: Settings) -> None:
    result = build(mini_settings)
    assert builds.current_build(mini_settings.store) == result.path
    manifest = read_manifest(result.path)
    for dump in Dump:
        path = result.path / "dumps" / dump.filename
        data = path.read_bytes()
        assert manifest["dumps"][dump.filename] == {  # type: ignore[index]
            "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        text = gzip.decompress(data) if dump.compressed else data
        parsed = Dataset() if dump.quads else Graph()
        fmt = {
            "TURTLE": "turtle",
            "NTRIPLES_GZ": "nt",
            "NQUADS_GZ": "nquads",
            "TRIG": "trig",
            "JSONLD": "json-ld",
            "RDFXML": "xml",
        }[dump.name]
        parsed.parse(data=text, format=fmt)
        triples = {(s, p, o) for s, p, o, *_ in (parsed.quads() if dump.quads else parsed)}
        assert len(triples) == 7, dump  # the 7 triples of mini.trig, in every syntax


def test_build_keeps_the_shapes_it_was_validated_with(mini_settings: Settings) -> None:
    result = build(mini_settings)
    kept = Graph().parse(result.path / SHAPES_FILE, format="turtle")
    original = Graph().parse(MINI_SHAPES[0], format="turtle", publicID=mini_settings.base_iri)
    assert len(kept) == len(original) > 0


def test_store_answers_queries_over_the_union_of_graphs(mini_settings: Settings) -> None:
    result = build(mini_settings)
    store = EmbeddedStore(result.path)
    rows = list(
        store.query(
            "SELECT ?label WHERE { ?city a <http://schema.org/City> ; "
            '<http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(lang(?label) = "pl") }'
        )
    )
    assert [r["label"].value for r in rows] == ["Lublin"]


def test_failed_validation_leaves_the_store_exactly_as_it_was(mini_settings: Settings) -> None:
    build(mini_settings)
    before = _snapshot(mini_settings.store)
    bad = mini_settings.replace(data=(*mini_settings.data, FIXTURES / "build" / "bad-label.trig"))
    with pytest.raises(ValidationFailed):
        build(bad)
    assert _snapshot(mini_settings.store) == before


def test_a_file_that_does_not_parse_leaves_the_store_as_it_was(mini_settings: Settings, tmp_path: Path) -> None:
    build(mini_settings)
    before = _snapshot(mini_settings.store)
    broken = tmp_path / "broken.trig"
    broken.write_text("<graph/x> { <id/a> <id/b> }", encoding="utf-8")
    with pytest.raises(LoadError):
        build(mini_settings.replace(data=(broken,)))
    assert _snapshot(mini_settings.store) == before


def test_a_second_build_at_the_same_time_is_refused(mini_settings: Settings) -> None:
    held, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        with builds.build_lock(mini_settings.store):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert held.wait(10)
        with pytest.raises(builds.StoreDirError, match="another build is running"):
            build(mini_settings)
    finally:
        release.set()
        holder.join()
    assert build(mini_settings).path.is_dir()


def test_old_builds_are_pruned_and_partials_cleared(mini_settings: Settings) -> None:
    leftover = mini_settings.store / "builds" / "20000101T000000Z-1.partial"
    leftover.mkdir(parents=True)
    paths = []
    for _ in range(5):
        paths.append(build(mini_settings).path)
    remaining = sorted(p.name for p in (mini_settings.store / "builds").iterdir())
    assert not leftover.exists()
    assert len(remaining) == 3
    assert paths[-1].name in remaining
