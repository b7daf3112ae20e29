"""One build: load -> validate -> new store -> dumps -> description -> atomic switch.

The data is parsed once, by Oxigraph, into an in-memory store; the shapes run there as SPARQL (the pyshacl engine
on request); then the store's quads are written once as an N-Quads file, which the build's on-disk store is
bulk-loaded from in a background thread while the dumps (from that file and the memory store) and the statistics
(from the memory store) are made beside it. No dump is held in memory; rdflib only serialises the small
description.

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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox

from awardgraph import __version__, builds

# the build's layout lives in awardgraph.builds (the web app reads it without this module); re-exported from here
from awardgraph.builds import DESCRIPTION_FILE as DESCRIPTION_FILE
from awardgraph.builds import MANIFEST_FILE as MANIFEST_FILE
from awardgraph.builds import SHAPES_FILE as SHAPES_FILE
from awardgraph.builds import description_graph as description_graph
from awardgraph.builds import shapes_graph as shapes_graph
from awardgraph.config import Settings
from awardgraph.graph import defaultgraph, describe, dumps, listindex, searchindex
from awardgraph.graph.findings import Severity
from awardgraph.graph.load import Loaded, load
from awardgraph.graph.validate import Validation, load_shapes, validate
from awardgraph.namespaces import prefixes
from awardgraph.store import oxigraph

Progress = Callable[[str], None]

NQUADS_SCRATCH = "quads.nq"  # the validated quads, read by the disk store's loader and the dumps; removed after
DEFAULT_SCRATCH = "default.nt"  # the default graph's triples (graph.defaultgraph), read the same way; removed after


class ValidationFailed(Exception):
    """The data does not conform; nothing was written. Carries what the report needs."""

    def __init__(self, validation: Validation, loaded: Loaded) -> None:
        self.validation, self.loaded = validation, loaded
        super().__init__("the data does not conform to the shapes")


@dataclasses.dataclass(frozen=True)
class BuildResult:
    path: Path
    build_id: str
    quads: int  # in the named graphs of the data (the default graph is a copy of some of them)
    stats: describe.Stats
    dumps: list[dumps.WrittenDump]
    validation: Validation
    seconds: float


def check(settings: Settings, progress: Progress = lambda _: None) -> tuple[Loaded, Validation]:
    """Load and validate, as ``awardgraph validate`` does; raises :class:`ValidationFailed` on violations."""
    started = time.perf_counter()
    loaded = load(settings.data_paths, settings.base_iri)
    progress(f"loaded {len(loaded.files)} files: {len(loaded)} quads ({time.perf_counter() - started:.1f} s)")
    shapes = load_shapes(settings.shapes_paths, settings.base_iri)
    started = time.perf_counter()
    validation = validate(loaded, shapes, settings.base_iri, engine=settings.shacl_engine)
    progress(
        f"validated ({settings.shacl_engine} engine) against {len(shapes)} shape triples: "
        f"{validation.count(Severity.VIOLATION)} violations, {validation.count(Severity.WARNING)} warnings "
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
    with builds.build_lock(root), builds.partial_build(root) as partial:
        build_id = partial.name.removesuffix(builds.PARTIAL)
        described = description_graph(settings.base_iri)
        nquads = dumps.write_nquads(loaded.store, partial / NQUADS_SCRATCH)
        default, in_default_graph = partial / DEFAULT_SCRATCH, defaultgraph.graphs(loaded.store, settings.base_iri)
        in_default = defaultgraph.write_ntriples(nquads, in_default_graph, default)
        progress(f"default graph: {in_default} triples of {len(in_default_graph)} graphs")
        with ThreadPoolExecutor(max_workers=2) as background:  # Oxigraph works without the GIL: use the cores
            stored = background.submit(_store, partial, nquads, default, progress)
            counted = background.submit(_stats, loaded, settings.base_iri, progress)
            step = time.perf_counter()
            written = dumps.write_dumps(
                loaded.store,
                partial / builds.DUMPS_FOLDER,
                prefixes(settings.base_iri),
                in_default_graph,
                nquads=nquads,
                default_graph=default,
            )
            sizes = ", ".join(f"{w.dump.filename} ({w.byte_size:,} B)" for w in written)
            progress(f"wrote dumps: {sizes} ({time.perf_counter() - step:.1f} s)")
            stats, (store, quads) = counted.result(), stored.result()
        nquads.unlink()
        default.unlink()
        if quads != len(loaded) + in_default:
            raise RuntimeError(f"store holds {quads} quads after loading {len(loaded)} and {in_default} triples")
        built = dt.datetime.now(dt.UTC)
        description = describe.describe(
            settings.base_iri,
            stats,
            written,
            build_id=build_id,
            version=__version__,
            built=built,
            content=_content(loaded, root, settings.base_iri, built),
            contact_email=settings.contact_email,
        )
        turtle = description.serialize(format="turtle", encoding="utf-8")
        (partial / DESCRIPTION_FILE).write_bytes(turtle)
        shapes = validation.shapes.serialize(format="turtle", encoding="utf-8")
        (partial / SHAPES_FILE).write_bytes(shapes)
        listindex.write(loaded.store, partial, settings.base_iri, in_default_graph)  # for list pages
        step = time.perf_counter()
        named = searchindex.write(loaded.store, partial, settings.base_iri)  # for /search
        progress(f"wrote the search index: {named:,} named things ({time.perf_counter() - step:.1f} s)")
        store.load(turtle, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(described))
        store.load(shapes, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(shapes_graph(settings.base_iri)))
        store.flush()
        del store
        gc.collect()  # release RocksDB's lock before the folder is sealed and opened read-only
        manifest = {
            "build": build_id,
            "awardgraph": __version__,
            "base_iri": settings.base_iri,
            "built": built.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "quads": quads - in_default,  # in the named graphs, besides the description and shapes added after
            "default_graph_triples": in_default,
            "triples": stats.triples,
            "graphs": stats.graphs,
            "dumps": {w.dump.filename: {"bytes": w.byte_size, "sha256": w.sha256} for w in written},
        }
        (partial / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        final = builds.finish(root, partial)
        progress(f"switched {root / 'current'} -> {final.name}")
    return BuildResult(final, build_id, quads - in_default, stats, written, validation, time.perf_counter() - started)


def to_nquads(loaded: Loaded) -> bytes:
    """The loaded quads as N-Quads (Oxigraph writes them: no rdflib on the way)."""
    return loaded.store.dump(format=ox.RdfFormat.N_QUADS) or b""


def _content(loaded: Loaded, root: Path, base_iri: str, built: dt.datetime) -> describe.Content:
    """The data's fingerprint, and when it last changed: the date the served build's description gives while the
    fingerprint is the same (docs/deployment.md, *Dates*)."""
    current = builds.current_build(root)
    store = describe.description_store(current / DESCRIPTION_FILE, base_iri) if current else None
    previous = describe.previous_content(store, base_iri) if store is not None else None
    return describe.content(describe.fingerprint(loaded.files, base_iri), previous, built)


def _stats(loaded: Loaded, base_iri: str, progress: Progress) -> describe.Stats:
    started = time.perf_counter()
    stats = describe.compute_stats(loaded.store, base_iri)
    progress(f"computed statistics ({time.perf_counter() - started:.1f} s)")
    return stats


def _store(partial: Path, nquads: Path, default: Path, progress: Progress) -> tuple[ox.Store, int]:
    """The build's on-disk store, bulk-loaded with the validated quads and the default graph's triples (Oxigraph's
    loader leaves the GIL free), and the number of quads it holds."""
    started = time.perf_counter()
    store = oxigraph.create(partial, nquads, default)
    quads = len(store)
    progress(f"stored {quads} quads in {partial.name} ({time.perf_counter() - started:.1f} s)")
    return store, quads


def read_manifest(build: Path) -> dict[str, object]:
    return json.loads((build / MANIFEST_FILE).read_text(encoding="utf-8"))  # type: ignore[no-any-return]
