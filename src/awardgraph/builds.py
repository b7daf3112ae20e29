"""The store directory: finished builds side by side, and a ``current`` symlink switched atomically.

Layout of ``--store DIR``::

    DIR/builds/20261127T051500.123456Z-4242/     one finished build: oxigraph/, dumps/, dataset.ttl, manifest.json
    DIR/builds/20261127T060000.654321Z-4343.partial/  a build in progress (or killed): never served, removed later
    DIR/current -> builds/20261127T051500.123456Z-4242  what ``serve`` and ``query`` read
    DIR/.lock                              held by the one build that may run at a time

A build writes only inside its ``.partial`` folder, renames it when complete, then replaces ``current`` with
``rename(2)``, which is atomic: a reader sees the old build or the new one, never a mix. A build killed at any
moment leaves ``current`` pointing at the last good build.
"""

from __future__ import annotations

import contextlib
import enum
import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

PARTIAL = ".partial"
# What a finished build holds beside its store and dumps; the web app reads them without importing the build code
# (and rdflib and pyshacl with it), which keeps a server's start short.
DESCRIPTION_FILE = "dataset.ttl"
SHAPES_FILE = "shapes.ttl"  # the shapes this build was validated with, served at {base}shapes
MANIFEST_FILE = "manifest.json"
DUMPS_FOLDER = "dumps"
STORE_FOLDER = "oxigraph"  # the build's Oxigraph store (awardgraph.store.oxigraph)
NQUADS_DUMP = "awardgraph.nq.gz"  # the dumps the server's in-memory copy is loaded from (sandbox.zygote): the named
NTRIPLES_DUMP = "awardgraph.nt.gz"  # graphs, and the default graph


class Dump(enum.Enum):
    """Each dump in a build's :data:`DUMPS_FOLDER`: file name, media type, EU file-type code, whether it keeps the
    named graphs. Written by :mod:`awardgraph.graph.dumps`, listed by the web app's ``/dumps/`` and ``/dataset``."""

    TURTLE = ("awardgraph.ttl", "text/turtle", "RDF_TURTLE", False)
    NTRIPLES_GZ = (NTRIPLES_DUMP, "application/n-triples", "RDF_N_TRIPLES", False)
    NQUADS_GZ = (NQUADS_DUMP, "application/n-quads", "RDF_N_QUADS", True)
    TRIG = ("awardgraph.trig", "application/trig", "RDF_TRIG", True)
    JSONLD = ("awardgraph.jsonld", "application/ld+json", "JSON_LD", True)
    RDFXML = ("awardgraph.rdf", "application/rdf+xml", "RDF_XML", False)

    def __init__(self, filename: str, media_type: str, eu_file_type: str, quads: bool) -> None:
        self.filename, self.media_type, self.eu_file_type, self.quads = (
            filename,
            media_type,
            eu_file_type,
            quads,
        )

    @property
    def compressed(self) -> bool:
        return self.filename.endswith(".gz")


def description_graph(base_iri: str) -> str:
    """The named graph the build adds to the store with the dataset description (not part of the dumps)."""
    return f"{base_iri}dataset"


def shapes_graph(base_iri: str) -> str:
    """The named graph the build adds to the store with the SHACL shapes it validated with (not in the dumps)."""
    return f"{base_iri}shapes"


class StoreDirError(Exception):
    """The store directory is unusable, busy, or holds no build yet; the message says which."""


def current_build(root: Path) -> Path | None:
    """The folder of the build being served, or ``None`` before the first successful build."""
    link = root / "current"
    if not link.is_symlink():
        return None
    target = (root / link.readlink()).resolve()
    return target if target.is_dir() else None


def require_current_build(root: Path) -> Path:
    build = current_build(root)
    if build is None:
        raise StoreDirError(f"{root} holds no finished build yet; run 'awardgraph build --store {root}' first")
    return build


@contextlib.contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold the store's build lock; a second concurrent build fails at once instead of racing."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreDirError(f"another build is running on {root}; wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def partial_build(root: Path) -> Iterator[Path]:
    """:func:`new_partial`, removed again if the block fails (after a full disk its space is wanted back at once;
    only a killed build leaves one, which the next build clears)."""
    partial = new_partial(root)
    try:
        yield partial
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise


def new_partial(root: Path) -> Path:
    """A fresh, empty folder for a build in progress, after clearing what killed builds left behind."""
    builds = root / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    for leftover in builds.glob(f"*{PARTIAL}"):
        shutil.rmtree(leftover, ignore_errors=True)
    now = time.time()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + f".{int(now * 1e6) % 1_000_000:06d}Z"
    partial = builds / f"{stamp}-{os.getpid()}{PARTIAL}"
    partial.mkdir()
    return partial


def finish(root: Path, partial: Path, *, keep: int = 3) -> Path:
    """Seal ``partial`` as a finished build and make it current atomically; prune builds beyond ``keep``."""
    _fsync_tree(partial)
    final = partial.with_name(partial.name.removesuffix(PARTIAL))
    partial.rename(final)
    _fsync_dir(final.parent)
    link, tmp = root / "current", root / f".current-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    tmp.symlink_to(Path("builds") / final.name)
    tmp.replace(link)
    _fsync_dir(root)
    _prune(root / "builds", keep=keep, current=final)
    return final


def _prune(builds: Path, *, keep: int, current: Path) -> None:
    # Earlier builds stay a while: a server that has one open keeps reading it until it notices the switch.
    finished = sorted((p for p in builds.iterdir() if p.is_dir() and not p.name.endswith(PARTIAL)), reverse=True)
    for old in finished[keep:]:
        if old != current:
            shutil.rmtree(old, ignore_errors=True)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        if path.is_file():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    for path in [folder, *(p for p in folder.rglob("*") if p.is_dir())]:
        _fsync_dir(path)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
