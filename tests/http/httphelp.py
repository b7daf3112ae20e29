"""Helpers of the HTTP tests: parse RDF answers with rdflib and compare them as graphs, never as strings."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from awardgraph.config import Settings
from awardgraph.graph.build import BuildResult, build

RDFLIB_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/trig": "trig",
    "application/n-quads": "nquads",
}

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
CHROME_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7"
)


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip()


def parse(body: bytes, content_type: str | None) -> Graph:
    """The RDF graph of a response body (quads formats: the union of the graphs)."""
    fmt = RDFLIB_FORMATS[media_type(content_type)]
    if fmt in ("trig", "nquads"):
        ds = Dataset(default_union=True)
        ds.parse(data=body, format=fmt)
        g = Graph()
        for s, p, o, _ in ds.quads():
            g.add((s, p, o))
        return g
    return Graph().parse(data=body, format=fmt)


def same_graph(a: Graph, b: Graph) -> bool:
    return isomorphic(a, b)


FIXTURES = Path(__file__).parent / "fixtures"
BASE = "https://example.org/awards/"  # not the default base: proves nothing depends on it
CROWD = 520  # things pointing at id/place/lublin, more than a document lists


def write_crowd(path: Path, count: int = CROWD) -> Path:
    lines = ["<graph/crowd> {"]
    lines += [
        f"  <id/visitor/v{i:03d}> a <http://schema.org/Person> ; <http://schema.org/homeLocation> <id/place/lublin> ."
        for i in range(count)
    ]
    path.write_text("\n".join([*lines, "}", ""]), encoding="utf-8")
    return path


def site_settings(root: Path, *, crowd_size: int = CROWD, **changes: object) -> Settings:
    crowd = write_crowd(root / "crowd.trig", crowd_size)
    return Settings(
        base_iri=BASE,
        store=root / "store",
        data=(FIXTURES / "site.trig", crowd),
        shapes=(FIXTURES / "shapes.ttl",),
    ).replace(**changes)


def build_or_fail(settings: Settings, what: str) -> BuildResult:
    """Build ``settings``; a build that fails fails the test asking for it (never a skip, which would hide it)."""
    try:
        return build(settings)
    except Exception as exc:
        pytest.fail(f"{what} does not build: {type(exc).__name__}: {exc}")
