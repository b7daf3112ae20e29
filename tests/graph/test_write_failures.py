"""A build that fails while writing (a full disk, an error in the store's loader) leaves the served build as it was:
the dumps and the disk store are written in threads and from a scratch file, and none of that may leak out."""

from __future__ import annotations

import errno
from collections.abc import Callable
from pathlib import Path

import pytest

from awardgraph import builds
from awardgraph.config import Settings
from awardgraph.graph import dumps
from awardgraph.graph.build import build
from awardgraph.store import oxigraph
from awardgraph.store.oxigraph import EmbeddedStore


def _served(root: Path) -> dict[str, bytes]:
    """What is served: where ``current`` points and every file of that build."""
    current = (root / "current").resolve()
    files = {str(p.relative_to(current)): p.read_bytes() for p in current.rglob("*") if p.is_file()}
    files["current ->"] = str(current).encode()
    return files


def disk_full(allowed: int) -> Callable[[dumps._Output, bytes], int]:
    """Stands in for the dumps' file writes: the first ``allowed`` bytes go through, then ENOSPC."""
    left = [allowed]

    def write(output: dumps._Output, data: bytes) -> int:
        if len(data) > left[0]:
            raise OSError(errno.ENOSPC, "No space left on device")
        left[0] -= len(data)
        output._file.write(data)
        output.hash.update(data)
        output.size += len(data)
        return len(data)

    return write


@pytest.mark.parametrize("allowed", [0, 64, 400])
def test_a_full_disk_while_writing_dumps_changes_nothing_served(
    mini_settings: Settings, monkeypatch: pytest.MonkeyPatch, allowed: int
) -> None:
    first = build(mini_settings)
    before = _served(mini_settings.store)
    monkeypatch.setattr(dumps._Output, "write", disk_full(allowed))
    with pytest.raises(OSError, match="No space left"):
        build(mini_settings)
    assert _served(mini_settings.store) == before
    assert builds.current_build(mini_settings.store) == first.path
    assert EmbeddedStore(first.path).count() == first.quads + _extra_quads(first.path)


def test_a_failing_store_loader_changes_nothing_served(
    mini_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(mini_settings)
    before = _served(mini_settings.store)

    def broken(build_dir: Path, nquads: Path, default: Path, *, slice_bytes: int = 0) -> None:
        assert nquads.is_file() and nquads.stat().st_size > 0  # the validated quads were written for it
        assert default.is_file() and default.stat().st_size > 0  # and the default graph's triples
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(oxigraph, "create", broken)
    with pytest.raises(OSError, match="Input/output error"):
        build(mini_settings)
    assert _served(mini_settings.store) == before
    # the next build clears what the failed one left and becomes current
    monkeypatch.undo()
    second = build(mini_settings)
    assert builds.current_build(mini_settings.store) == second.path
    assert not list((mini_settings.store / "builds").glob(f"*{builds.PARTIAL}"))
    assert not list(second.path.rglob("*.scratch")) and not (second.path / "quads.nq").exists()


def _extra_quads(build_dir: Path) -> int:
    """Quads the build adds to its store beyond the data: the description and the shapes graphs."""
    store = EmbeddedStore(build_dir)
    rows = store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRENDS(STR(?g), 'dataset') || "
        "STRENDS(STR(?g), 'shapes')) }"
    )
    return int(next(iter(rows))["n"].value)  # type: ignore[call-overload]
