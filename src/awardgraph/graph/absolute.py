"""Write the ontology, data and shapes with every IRI absolute, for SHACL tools outside awardgraph.

Why: the curated files use relative IRIs and no ``@base``, so a tool that reads them as they sit resolves
``<id/place/lublin>`` against each file's own location (``file:///…/data/id/place/lublin``), and the ontology's,
the data's and the shapes' IRIs no longer meet: plain pyshacl reported 247 violations of correct data. The copies
written here resolve against the base IRI as the loader does, keep each file's prefixes and named graphs, and
keep the folder layout, so any SHACL processor can validate them (see docs/build.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from awardgraph.graph.load import FORMATS, QUAD_FORMATS, LoadError, rdf_files


def write_absolute(inputs: Iterable[Path], base_iri: str, out: Path) -> list[Path]:
    """Each RDF file under ``inputs`` rewritten under ``out`` (``out/{input name}/…``) with absolute IRIs: Turtle
    for triple files, TriG for quad files. Returns the files written."""
    written: list[Path] = []
    for given in inputs:
        root = given if given.is_dir() else given.parent
        for path in rdf_files([given]):
            target = out / given.name / path.relative_to(root) if given.is_dir() else out / path.name
            written.append(_rewrite(path, base_iri, target))
    return written


def _rewrite(path: Path, base_iri: str, target: Path) -> Path:
    fmt = FORMATS[path.suffix.lower()]
    quads = fmt in QUAD_FORMATS
    target = target.with_suffix(".trig" if quads else ".ttl")
    try:
        parser = ox.parse(path=path, format=fmt, base_iri=base_iri)
        statements = list(parser)
    except SyntaxError as exc:
        raise LoadError(path, f"does not parse as RDF: {' '.join(str(exc).split())[:300]}", exc.lineno) from None
    except OSError as exc:
        raise LoadError(path, f"cannot read: {exc.strerror or exc}") from None
    prefixes = {p: ns if "://" in ns else base_iri + ns for p, ns in parser.prefixes.items()}
    target.parent.mkdir(parents=True, exist_ok=True)
    if quads:
        ox.serialize(statements, output=target, format=ox.RdfFormat.TRIG, prefixes=prefixes)
    else:
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in statements]
        ox.serialize(triples, output=target, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return target
