"""A build's disk store holds exactly the quads of its N-Quads file, however the file is sliced for loading."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from awardgraph.store import oxigraph

QUADS = "".join(
    f'<https://e.org/id/{i}> <https://e.org/p> "{"é" * (i % 7)} line {i}\\nnext"@pl <https://e.org/graph/{i % 3}> .\n'
    for i in range(40)
)


@pytest.mark.parametrize("slice_bytes", [1, 200, 10**9])
def test_sliced_loading_keeps_every_quad(tmp_path: Path, slice_bytes: int) -> None:
    source = tmp_path / "quads.nq"
    source.write_text(QUADS, encoding="utf-8")
    store = oxigraph.create(tmp_path, source, slice_bytes=slice_bytes)
    assert set(store) == set(ox.parse(QUADS.encode(), format=ox.RdfFormat.N_QUADS))
    assert len(store) == 40


def test_a_file_without_a_final_line_break(tmp_path: Path) -> None:
    source = tmp_path / "quads.nq"
    source.write_text(QUADS.rstrip("\n"), encoding="utf-8")
    assert len(oxigraph.create(tmp_path, source, slice_bytes=500)) == 40


def test_an_empty_file(tmp_path: Path) -> None:
    source = tmp_path / "quads.nq"
    source.write_bytes(b"")
    assert len(oxigraph.create(tmp_path, source)) == 0
