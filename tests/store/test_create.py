"""A build's disk store holds exactly the quads of its N-Quads file (the named graphs) and the triples of its
N-Triples file (the default graph), however the files are sliced for loading."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from awardgraph.store import oxigraph

QUADS = "".join(
    f'<https://e.org/id/{i}> <https://e.org/p> "{"é" * (i % 7)} line {i}\\nnext"@pl <https://e.org/graph/{i % 3}> .\n'
    for i in range(40)
)


TRIPLES = "".join(line.rsplit(" ", 2)[0] + " .\n" for line in QUADS.splitlines(keepends=True)[:10])


def _files(tmp_path: Path, quads: str, triples: str) -> tuple[Path, Path]:
    (tmp_path / "quads.nq").write_text(quads, encoding="utf-8")
    (tmp_path / "default.nt").write_text(triples, encoding="utf-8")
    return tmp_path / "quads.nq", tmp_path / "default.nt"


@pytest.mark.parametrize("slice_bytes", [1, 200, 10**9])
def test_sliced_loading_keeps_every_quad(tmp_path: Path, slice_bytes: int) -> None:
    store = oxigraph.create(tmp_path, *_files(tmp_path, QUADS, TRIPLES), slice_bytes=slice_bytes)
    default = {
        ox.Quad(t.subject, t.predicate, t.object) for t in ox.parse(TRIPLES.encode(), format=ox.RdfFormat.N_TRIPLES)
    }
    assert set(store) == set(ox.parse(QUADS.encode(), format=ox.RdfFormat.N_QUADS)) | default
    assert len(store) == 50 and len(default) == 10


def test_a_file_without_a_final_line_break(tmp_path: Path) -> None:
    files = _files(tmp_path, QUADS.rstrip("\n"), TRIPLES.rstrip("\n"))
    assert len(oxigraph.create(tmp_path, *files, slice_bytes=500)) == 50


def test_an_empty_file(tmp_path: Path) -> None:
    assert len(oxigraph.create(tmp_path, *_files(tmp_path, "", ""))) == 0
