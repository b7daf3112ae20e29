"""One build: load -> validate -> new store -> dumps -> description -> atomic switch.

Every write goes into a fresh ``.partial`` build folder; only the final rename and symlink switch (see
:mod:`awardgraph.builds`) make it visible, so a failed or killed build changes nothing that is served.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import json
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from awardgraph import __version__, builds
from awardgraph.config import Settings
from awardgraph.graph import describe, dumps
from awardgraph.graph.findings import Severity
from awardgraph.graph.load import Loaded, load
from awardgraph.graph.validate import Validation, load_shapes, validate
from awardgraph.namespaces import prefixes
from awardgraph.store import oxigraph

Progress = Callable[[str], None]

DESCRIPTION_FILE = "dataset.ttl"
SHAPES_FILE = "shapes.ttl"  # the shapes this build was validated with, served at {base}shapes
MANIFEST_FILE = "manifest.json"


def description_graph(base_iri: str) -> str:
    """The named graph the build adds to the store with the dataset description (not part of the dumps)."""
    return f"{base_iri}dataset"


class ValidationFailed(Exception):
    """The data does not conform; nothing was written. Carries what the report needs."""

    def __init__(self, validation: Validation, loaded: Loaded) -> None:
        self.validation, self.loaded = validation, loaded
        super().__init__("the data does not conform to the shapes")


@dataclasses.dataclass(frozen=True)
class BuildResult:
    path: Path
    build_id: str
    quads: int
    stats: describe.Stats
    dumps: list[dumps.WrittenDump]
    validation: Validation
    seconds: float


def check(settings: Settings, progress: Progress = lambda _: None) -> tuple[Loaded, Validation]:
    """Load and validate, as ``awardgraph validate`` does; raises :class:`ValidationFailed` on violations."""
    started = time.perf_counter()
    loaded = load(settings.data_paths, settings.base_iri)
    progress(f"loaded {len(loaded.files)} files: {len(loaded.dataset)} quads ({time.perf_counter() - started:.1f} s)")
    shapes = load_shapes(settings.shapes_paths, settings.base_iri)
    started = time.perf_counter()
    validation = validate(loaded, shapes, settings.base_iri)
    progress(
        f"validated against {len(shapes)} shape triples: {validation.count(Severity.VIOLATION)} violations "
        f"({time.perf_counter() - started:.1f} s)"
    )
    if not validation.conforms:
        raise ValidationFailed(validation, loaded)
    return loaded, validation


def build(settings: Settings, progress: Progress = lambda _: None) -> BuildResult:
    """Validate, then write a complete new build and make it current. Raises before writing on bad data."""
    started = time.perf_counter()
    loaded, validation = check(settings, progress)
    root = settings.store
    with builds.build_lock(root):
        partial = builds.new_partial(root)
        build_id = partial.name.removesuffix(builds.PARTIAL)
        nquads = to_nquads(loaded)
        store = oxigraph.create(partial, nquads)
        quads = len(store)
        if quads != len(loaded.dataset):
            raise RuntimeError(f"store holds {quads} quads after loading {len(loaded.dataset)}")
        progress(f"stored {quads} quads in {partial.name}")
        described = description_graph(settings.base_iri)
        written = dumps.write_dumps(store, partial / "dumps", prefixes(settings.base_iri), exclude={described})
        progress("wrote dumps: " + ", ".join(f"{w.dump.filename} ({w.byte_size:,} B)" for w in written))
        stats = describe.compute_stats(store, settings.base_iri, exclude={described})
        built = dt.datetime.now(dt.UTC)
        description = describe.describe(
            settings.base_iri, stats, written, build_id=build_id, version=__version__, built=built
        )
        turtle = description.serialize(format="turtle", encoding="utf-8")
        (partial / DESCRIPTION_FILE).write_bytes(turtle)
        (partial / SHAPES_FILE).write_bytes(validation.shapes.serialize(format="turtle", encoding="utf-8"))
        store.load(turtle, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(described))
        store.flush()
        del store
        gc.collect()  # release RocksDB's lock before the folder is sealed and opened read-only
        manifest = {
            "build": build_id,
            "awardgraph": __version__,
            "base_iri": settings.base_iri,
            "built": built.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "quads": quads,
            "triples": stats.triples,
            "graphs": stats.graphs,
            "dumps": {w.dump.filename: {"bytes": w.byte_size, "sha256": w.sha256} for w in written},
        }
        (partial / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        final = builds.finish(root, partial)
        progress(f"switched {root / 'current'} -> {final.name}")
    return BuildResult(final, build_id, quads, stats, written, validation, time.perf_counter() - started)


def to_nquads(loaded: Loaded) -> bytes:
    """The loaded quads as N-Quads for Oxigraph's bulk loader (rdflib's own writer uses deprecated API)."""
    lines = [f"{s.n3()} {p.n3()} {o.n3()} {g.n3()} .\n" for s, p, o, g in loaded.dataset.quads() if g is not None]
    return "".join(lines).encode("utf-8")


def read_manifest(build: Path) -> dict[str, object]:
    return json.loads((build / MANIFEST_FILE).read_text(encoding="utf-8"))  # type: ignore[no-any-return]
