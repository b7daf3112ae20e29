"""The build a server process is serving, reopened when ``awardgraph build`` switches a new one in.

Every request asks :meth:`Served.current`, which reads the ``current`` symlink (one ``readlink``, microseconds)
and opens the store again only when the link points somewhere new. A process keeps answering from the build it
has open until then; builds are never modified after they are finished, so there is nothing to lock but the
swap itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from awardgraph.graph.build import DESCRIPTION_FILE, MANIFEST_FILE, SHAPES_FILE
from awardgraph.store.base import Store
from awardgraph.store.oxigraph import EmbeddedStore

T = TypeVar("T")


class NoBuild(Exception):
    """The store directory holds no finished build (yet)."""


@dataclasses.dataclass
class Build:
    """One finished build, opened: its store, its manifest, and a memo of what pages compute once per build."""

    id: str
    path: Path
    store: Store
    manifest: dict[str, object]
    built: dt.datetime
    _memo: dict[str, object] = dataclasses.field(default_factory=dict)
    _lock: threading.RLock = dataclasses.field(default_factory=threading.RLock)

    @property
    def description_file(self) -> Path:
        return self.path / DESCRIPTION_FILE

    @property
    def shapes_file(self) -> Path:
        """The SHACL shapes the build was validated with (builds made before it was kept have none)."""
        return self.path / SHAPES_FILE

    @property
    def dumps(self) -> Path:
        return self.path / "dumps"

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per build and process (for labels, counts and the like)."""
        with self._lock:
            if key not in self._memo:
                self._memo[key] = compute()
            return self._memo[key]  # type: ignore[return-value]


def open_build(path: Path) -> Build:
    """Open the finished build in ``path`` read-only."""
    manifest = json.loads((path / MANIFEST_FILE).read_text(encoding="utf-8"))
    built_text = str(manifest.get("built", ""))
    try:
        built = dt.datetime.strptime(built_text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        built = dt.datetime.fromtimestamp((path / MANIFEST_FILE).stat().st_mtime, dt.UTC)
    build_id = str(manifest.get("build", path.name))
    return Build(build_id, path, EmbeddedStore(path), manifest, built.replace(microsecond=0))


class Served:
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
