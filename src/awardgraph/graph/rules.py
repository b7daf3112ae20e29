"""The validator's own rules beside the shapes, and one report line per mistake rather than one per consequence.

The rules (each in its module): known classes (:mod:`vocabulary`), well-formed literals, a distinction's date within
its edition's, dates agreeing with their Polish labels (:mod:`datechecks`), and stated quotes found in the archived
source texts (:mod:`quotes`). They read the loaded store with SPARQL and compare in Python, so both SHACL engines get
the same findings from them.

Follow-ons: a class typo makes the shapes also say "needs a known type" about the thing and "no distinction names
this practice" about everything pointing at it; a malformed date also fails its shape's ``sh:datatype``. Those
findings are left out, and the finding of the mistake says how many were.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Iterator

from rdflib.namespace import RDF
from rdflib.term import Node

from awardgraph.graph import datechecks, quotes, vocabulary
from awardgraph.graph.findings import Finding
from awardgraph.graph.load import Loaded
from awardgraph.graph.provenance import Provenance

_OWN_RULES = "awardgraph:"


def content_findings(loaded: Loaded, base_iri: str) -> list[Finding]:
    """Every finding of the validator's own rules on the loaded data."""
    store = loaded.store
    provenance = Provenance.read(store, base_iri)
    folders = quotes.source_folders(loaded.paths, loaded.files)
    return [
        *vocabulary.unknown_class_findings(store, base_iri),
        *datechecks.literal_findings(store, base_iri),
        *datechecks.edition_findings(store, base_iri, provenance),
        *datechecks.label_findings(store, base_iri, provenance),
        *quotes.quote_findings(provenance, base_iri, folders),
    ]


def without_follow_ons(findings: list[Finding]) -> list[Finding]:
    """``findings`` without the shapes' findings that only repeat a class typo or a malformed literal."""
    typos: dict[Node, int] = {f.focus: 0 for f in findings if f.rule == vocabulary.RULE and f.focus is not None}
    malformed = {(f.focus, f.path, f.value): 0 for f in findings if f.rule == datechecks.LITERALS_RULE}
    kept: list[Finding] = []
    for f in findings:
        if f.rule.startswith(_OWN_RULES):
            kept.append(f)
        elif (f.focus, f.path, f.value) in malformed:
            malformed[(f.focus, f.path, f.value)] += 1
        elif f.focus in typos and f.path == str(RDF.type):
            typos[f.focus] += 1
        elif f.value in typos and f.value != f.focus:
            typos[f.value] += 1
        else:
            kept.append(f)
    noted: set[Node | None] = set()
    result = []
    for f in kept:
        own = f.rule == vocabulary.RULE and f.focus is not None and f.focus not in noted
        left_out = typos.get(f.focus, 0) if own and f.focus is not None else 0
        if left_out:
            noted.add(f.focus)
            more = "finding that follows" if left_out == 1 else "findings that follow"
            f = dataclasses.replace(f, message=f"{f.message} ({left_out} {more} from it are left out.)")
        result.append(f)
    return result


class _LexicalFormNoise(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to convert Literal lexical form")


@contextlib.contextmanager
def quiet_literal_conversions() -> Iterator[None]:
    """Silence rdflib's traceback for each literal it cannot convert (``"2015-02-30"^^xsd:date``) while validating:
    :mod:`datechecks` reports every such literal as a finding, with file, line and a reason."""
    logger, noise = logging.getLogger("rdflib.term"), _LexicalFormNoise()
    logger.addFilter(noise)
    try:
        yield
    finally:
        logger.removeFilter(noise)
