"""The shapes documenter on its own: SHACL paths written as SPARQL property paths, lists, nesting, which subjects
count as node shapes."""

from __future__ import annotations

import pyoxigraph as ox

from awardgraph.namespaces import prefixes
from awardgraph.web.catalogue.shapedoc import Documenter
from awardgraph.web.documents import present

BASE = "https://example.org/b/"
SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix schema: <http://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<shapes#S> a sh:NodeShape ;
    sh:targetClass schema:Event ;
    sh:property [ sh:path [ sh:zeroOrMorePath schema:superEvent ] ; sh:maxCount 3 ] ,
        [ sh:path [ sh:oneOrMorePath [ sh:inversePath schema:subEvent ] ] ; sh:in ( schema:A schema:B ) ] ,
        [ sh:path ( schema:location [ sh:zeroOrOnePath schema:containedInPlace ] ) ; sh:nodeKind sh:IRI ] ,
        [ sh:path [ sh:alternativePath ( schema:name ( schema:about rdfs:label ) ) ] ; sh:minCount 1 ] ,
        [ sh:path [ sh:inversePath ( schema:about [ sh:zeroOrMorePath schema:hasPart ] ) ] ] ,
        [ sh:path [ sh:zeroOrMorePath [ sh:oneOrMorePath schema:hasPart ] ] ] .
<shapes#Untyped> sh:targetNode <id/x> ; sh:message "Nie."@pl, "No."@en, "Nope."@de .
<shapes#Property> sh:path schema:name ; sh:targetClass schema:Thing .
"""


def documenter() -> Documenter:
    triples = [q.triple for q in ox.parse(SHAPES.encode(), format=ox.RdfFormat.TURTLE, base_iri=BASE)]
    p = present.Presenter(base_iri=BASE, lang="en", labels={}, prefixes=prefixes(BASE))
    return Documenter(triples, p)


def test_paths() -> None:
    (shape, _) = documenter().node_shapes()
    paths = sorted("".join(n.text for n in ps.path) for ps in shape.properties)
    assert paths == sorted(
        [
            "schema:superEvent*",
            "(^schema:subEvent)+",
            "schema:location/schema:containedInPlace?",
            "(schema:name|schema:about/rdfs:label)",
            "^(schema:about/schema:hasPart*)",
            "(schema:hasPart+)*",
        ]
    )
    links = {n.href for ps in shape.properties for n in ps.path if n.kind == "iri"}
    assert "http://schema.org/superEvent" in links and None not in links


def test_lists_and_targets() -> None:
    shape = documenter().node_shapes()[0]
    assert [(c.name.text, [v.node.text for v in c.values if v.node]) for c in shape.targets] == [
        ("sh:targetClass", ["schema:Event"])
    ]
    listed = next(c for ps in shape.properties for c in ps.constraints if c.name.text == "sh:in")
    (value,) = listed.values
    assert value.kind == "list" and [i.node.text for i in value.items if i.node] == ["schema:A", "schema:B"]


def test_node_shapes_are_typed_or_targeted_and_have_no_path() -> None:
    shapes = documenter().node_shapes()
    assert [s.anchor for s in shapes] == ["S", "Untyped"]  # <shapes#Property> has a path: a property shape
    untyped = shapes[1]
    assert [(m.lang, m.text) for m in untyped.messages] == [("pl", "Nie."), ("en", "No."), ("de", "Nope.")]
    assert untyped.targets[0].values[0].node is not None
    assert untyped.targets[0].values[0].node.href == "/doc/x"
