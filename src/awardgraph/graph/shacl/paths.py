"""SHACL property paths as SPARQL property paths (SHACL 2.3.1 maps one to one onto SPARQL 1.1 paths)."""

from __future__ import annotations

from rdflib import BNode, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from awardgraph.graph.shacl.model import Shapes, UnsupportedShape
from awardgraph.graph.terms import sparql_iri

_UNARY = {SH.inversePath: "^{}", SH.zeroOrMorePath: "{}*", SH.oneOrMorePath: "{}+", SH.zeroOrOnePath: "{}?"}


def sparql_path(shapes: Shapes, path: Node) -> str:
    """The SPARQL spelling of a SHACL path: an IRI, ``^p``, ``(a/b)``, ``(a|b)``, ``p*``, ``p+`` or ``p?``.

    >>> from rdflib import Graph
    >>> g = Graph().parse(data="@prefix sh: <http://www.w3.org/ns/shacl#> . "
    ...     "<s> sh:path ( [ sh:inversePath <p> ] [ sh:alternativePath ( <q> <r> ) ] ) .", format="turtle",
    ...     publicID="http://e/")
    >>> sparql_path(Shapes(g), g.value(URIRef("http://e/s"), SH.path))
    '(^<http://e/p>/(<http://e/q>|<http://e/r>))'
    """
    if isinstance(path, URIRef):
        return sparql_iri(str(path))
    if not isinstance(path, BNode):
        raise UnsupportedShape(f"{path!r} is not a SHACL property path")
    graph = shapes.graph
    if graph.value(path, RDF.first) is not None:
        members = shapes.items(path)
        if len(members) < 2:
            raise UnsupportedShape("a sequence path needs at least two members")
        return "(" + "/".join(sparql_path(shapes, m) for m in members) + ")"
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        members = shapes.items(alternatives)
        if len(members) < 2:
            raise UnsupportedShape("an alternative path needs at least two members")
        return "(" + "|".join(sparql_path(shapes, m) for m in members) + ")"
    for predicate, form in _UNARY.items():
        inner = graph.value(path, predicate)
        if inner is not None:
            text = sparql_path(shapes, inner)
            return form.format(text if isinstance(inner, URIRef) or text.startswith("(") else f"({text})")
    raise UnsupportedShape(f"the blank node {path} is not a SHACL property path")


def result_path(path: Node | None) -> str | None:
    """The path as findings carry it: the IRI of a predicate path, ``None`` for other paths (as for pyshacl's)."""
    return str(path) if isinstance(path, URIRef) else None
