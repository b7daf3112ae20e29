"""What a server process serves, and where it comes from: the *site source*.

Pages need a store to query and a few things a store does not say by itself: which build it holds (for
``ETag`` and ``Last-Modified``), its figures, the dataset description as published, the shapes, the dumps. A
source gives them as one :class:`Build`, whichever store is behind:

- :class:`LocalSource` follows a store directory (``awardgraph build``): every request reads the ``current``
  symlink (one ``readlink``, microseconds) and opens the build again only when the link points somewhere new; the
  artefacts are the build's files (``manifest.json``, ``dataset.ttl``, ``shapes.ttl``, ``dumps/``).
- :class:`~awardgraph.web.published.RemoteSource` follows a remote SPARQL store (``awardgraph publish``): the
  store's own graphs say what is published (the dataset description ``{base}dataset`` and the shapes
  ``{base}shapes``), and there are no dump files.

Builds are never modified after they are finished, so there is nothing to lock but the swap itself. Views get the
build from :func:`awardgraph.web.site.served` and use only what :class:`Build` offers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

from awardgraph.builds import DESCRIPTION_FILE, DUMPS_FOLDER, MANIFEST_FILE, SHAPES_FILE
from awardgraph.store.base import Store
from awardgraph.store.oxigraph import EmbeddedStore

T = TypeVar("T")


class NoBuild(Exception):
    """There is nothing to serve (yet): no finished build, or a store holding no published data."""


@dataclasses.dataclass(kw_only=True)
class Build:
    """The data being served: its store, identity and figures, its artefacts, and a memo of what pages compute
    once per build.

    ``manifest`` has the keys of a build's ``manifest.json`` that pages show (``build``, ``built``, ``triples``,
    ``quads``, ``graphs``, ``dumps``).
    """

    id: str
    store: Store
    manifest: dict[str, object]
    built: dt.datetime
    _memo: dict[str, object] = dataclasses.field(default_factory=dict)
    _lock: threading.RLock = dataclasses.field(default_factory=threading.RLock)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per build and process (for labels, counts and the like)."""
        with self._lock:
            if key not in self._memo:
                self._memo[key] = compute()
            return self._memo[key]  # type: ignore[return-value]

    def description_turtle(self) -> bytes:
        """The dataset description (DCAT-AP and VoID) in Turtle."""
        raise NotImplementedError

    def shapes_turtle(self) -> bytes | None:
        """The SHACL shapes the data was validated with, in Turtle; ``None`` when they were not kept."""
        raise NotImplementedError

    @property
    def dumps(self) -> Path | None:
        """The folder of dump files; ``None`` when the data is served without dumps."""
        return None


@dataclasses.dataclass(kw_only=True)
class LocalBuild(Build):
    """One finished build of a store directory, opened read-only; its artefacts are its files."""

    path: Path

    def description_turtle(self) -> bytes:
        return (self.path / DESCRIPTION_FILE).read_bytes()

    def shapes_turtle(self) -> bytes | None:
        file = self.path / SHAPES_FILE  # builds made before the shapes were kept have none
        return file.read_bytes() if file.is_file() else None

    @property
    def dumps(self) -> Path | None:
        return self.path / DUMPS_FOLDER


def open_build(path: Path, open_store: Callable[[Path], EmbeddedStore] = EmbeddedStore) -> LocalBuild:
    """Open the finished build in ``path`` read-only (its store with ``open_store``: a server worker's opener)."""
    manifest = json.loads((path / MANIFEST_FILE).read_text(encoding="utf-8"))
    built_text = str(manifest.get("built", ""))
    try:
        built = dt.datetime.strptime(built_text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        built = dt.datetime.fromtimestamp((path / MANIFEST_FILE).stat().st_mtime, dt.UTC)
    build_id = str(manifest.get("build", path.name))
    return LocalBuild(
        id=build_id, path=path, store=open_store(path), manifest=manifest, built=built.replace(microsecond=0)
    )


class Source(Protocol):
    """Where the served data comes from."""

    def current(self) -> Build:
        """The build to answer this request from; :class:`NoBuild` when there is none, a
        :class:`~awardgraph.store.base.StoreError` when the store cannot say."""
        ...


class LocalSource:
    """The current build of a store directory, followed across switches."""

    def __init__(self, root: Path, opener: Callable[[Path], Build] = open_build) -> None:
        self.root = root
        self._opener = opener
        self._target: str | None = None
        self._build: Build | None = None
        self._lock = threading.Lock()

    def current(self) -> Build:
        """The build ``current`` points at now; :class:`NoBuild` before the first build."""
        try:
            target = str((self.root / "current").readlink())
        except OSError:
            raise NoBuild(f"{self.root} holds no finished build yet") from None
        build = self._build
        if build is not None and target == self._target:
            return build
        with self._lock:
            if self._build is None or target != self._target:
                path = (self.root / target).resolve()
                if not path.is_dir():
                    raise NoBuild(f"{self.root / 'current'} points at a missing build")
                self._build, self._target = self._opener(path), target
            return self._build
