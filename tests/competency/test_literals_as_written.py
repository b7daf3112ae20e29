"""Every literal of the curated files comes back from the build exactly as the file writes it.

Oxigraph stores literals by value: ``"4"^^xsd:positiveInteger`` (any type derived from xsd:integer) is stored as
the integer 4 and read back as ``"4"^^xsd:integer``, and ``"+4"`` as ``"4"`` (its storage encoding,
``EncodedTerm::from(LiteralRef)`` in oxigraph's ``storage/numeric_encoder.rs``; oxigraph/oxigraph#526). So a file
that writes a derived datatype or a non-canonical form publishes something else than it says. The data therefore
writes whole numbers as plain ``xsd:integer`` (``ag:editionOrdinal 4``), which the ontology's range
``xsd:positiveInteger`` still holds (4 is in its value space) and the shapes check with ``sh:minInclusive 1``.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Literal

from awardgraph.config import DEFAULT_BASE_IRI
from awardgraph.graph.build import BuildResult
from awardgraph.resources import resource_dir
from awardgraph.store.oxigraph import EmbeddedStore

Key = tuple[str, str, str]  # lexical form, datatype, language


def _file_literals(path: Path) -> set[Key]:
    dataset = Dataset()
    dataset.parse(path, format="trig" if path.suffix == ".trig" else "turtle", publicID=DEFAULT_BASE_IRI)
    return {
        (str(o), str(o.datatype or ""), o.language or "")
        for _, _, o, _ in dataset.quads((None, None, None, None))
        if isinstance(o, Literal)
    }


def _key(term: ox.Literal) -> Key:
    datatype = "" if term.language else term.datatype.value
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        datatype = ""
    return (term.value, datatype, term.language or "")


def test_the_build_serves_every_literal_as_the_files_write_it(project_build: BuildResult) -> None:
    files = sorted(resource_dir("data").glob("*.trig")) + sorted(resource_dir("ontology").glob("*.ttl"))
    assert len(files) >= 6
    result = EmbeddedStore(project_build.path).query("SELECT DISTINCT ?o WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert isinstance(result, ox.QuerySolutions)
    served = {_key(row["o"]) for row in result if isinstance(row["o"], ox.Literal)}
    for path in files:
        written = {(lex, "" if dt.endswith("#string") else dt, lang) for lex, dt, lang in _file_literals(path)}
        assert sorted(written - served) == [], f"{path.name}: literals the store does not serve as written"


def test_edition_ordinals_are_plain_integers(project_build: BuildResult) -> None:
    query = f"""SELECT DISTINCT (DATATYPE(?n) AS ?type) WHERE {{
        GRAPH ?g {{ ?edition <{DEFAULT_BASE_IRI}ontology#editionOrdinal> ?n }} }}"""
    result = EmbeddedStore(project_build.path).query(query)
    assert isinstance(result, ox.QuerySolutions)
    assert {row["type"].value for row in result} == {"http://www.w3.org/2001/XMLSchema#integer"}
