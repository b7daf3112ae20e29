"""RDF terms between pyoxigraph (the store) and rdflib (findings, the shapes graph), and as SPARQL text.

>>> to_rdflib(ox.Literal("Lublin", language="pl"))
rdflib.term.Literal('Lublin', lang='pl')
>>> sparql_term(Literal("a \\"quoted\\" word", lang="en"))
'"a \\\\"quoted\\\\" word"@en'
"""

from __future__ import annotations

import functools

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from awardgraph.namespaces import prefixes

_XSD_STRING = str(XSD.string)
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def to_rdflib(term: object) -> Node | None:
    """An Oxigraph term as the rdflib term a parser of the same data would give (plain strings untyped)."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype))
    return None


def sparql_iri(iri: str) -> str:
    """``<iri>``; raises ValueError for characters an IRI reference cannot hold."""
    if any(c in iri for c in '<>"{}|^`\\') or any(ord(c) <= 0x20 for c in iri):
        raise ValueError(f"not usable as an IRI in SPARQL: {iri!r}")
    return f"<{iri}>"


def sparql_string(text: str) -> str:
    """A SPARQL string literal holding ``text`` exactly."""
    return '"' + "".join(_ESCAPES.get(c, c) for c in text) + '"'


def sparql_term(term: Node) -> str:
    """An IRI or literal of the shapes graph as SPARQL text; blank nodes have no SPARQL spelling (ValueError)."""
    if isinstance(term, URIRef):
        return sparql_iri(str(term))
    if isinstance(term, Literal):
        text = sparql_string(str(term))
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return f"{text}^^{sparql_iri(str(term.datatype))}"
        return text
    raise ValueError(f"a blank node ({term}) cannot be written into a SPARQL query")


def compact(iri: str, base_iri: str) -> str:
    """``prefix:local`` with the project's prefixes (the longest namespace that fits), else ``<iri>``.

    >>> compact("https://w3id.org/awardgraph/id/place/lublin", "https://w3id.org/awardgraph/")
    'id:place/lublin'
    """
    best = max((ns for ns in _namespaces(base_iri) if iri.startswith(ns)), key=len, default=None)
    if best is None or best == iri:
        return f"<{iri}>"
    return f"{_namespaces(base_iri)[best]}:{iri[len(best) :]}"


@functools.lru_cache(maxsize=8)
def _namespaces(base_iri: str) -> dict[str, str]:
    return {namespace: prefix for prefix, namespace in reversed(prefixes(base_iri).items())}
