"""Each SHACL feature the SPARQL engine compiles, on small shapes and data: the findings it must report, the same
as pyshacl's (checked in every case), and the features it refuses at compile time instead of skipping them."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from awardgraph.graph.findings import Finding, Severity
from awardgraph.graph.load import Loaded
from awardgraph.graph.shacl import UnsupportedShape, compile_shapes
from awardgraph.graph.validate import ShapesError, pyshacl_findings, sparql_findings, validate

EX = "http://example.org/"
PREFIXES = f"""
@prefix ex: <{EX}> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def short(node: object) -> str | None:
    if node is None:
        return None
    if isinstance(node, URIRef):
        return str(node).replace(EX, "ex:")
    if isinstance(node, Literal):
        suffix = f"@{node.language}" if node.language else ""
        if node.datatype is not None:
            suffix = "^^" + str(node.datatype).replace("http://www.w3.org/2001/XMLSchema#", "xsd:")
        return f'"{node}"{suffix}'
    return "_:"


def key(f: Finding) -> tuple[str | None, ...]:
    mark = "" if f.severity is Severity.VIOLATION else f"({f.severity.value})"
    return (short(URIRef(f.rule)) + mark, short(f.focus), short(URIRef(f.path)) if f.path else None, short(f.value))  # type: ignore[operator]


def run(shapes_ttl: str, data: str) -> set[tuple[str | None, ...]]:
    """The findings of both engines, which must be the same, as (rule, focus, path, value) in short form."""
    shapes = Graph().parse(data=PREFIXES + shapes_ttl, format="turtle")
    store = ox.Store()
    store.load((PREFIXES + f"ex:g {{ {data} }}").encode(), format=ox.RdfFormat.TRIG)
    loaded = Loaded(store, [], EX)
    fast = {key(f) for f in sparql_findings(loaded, shapes)}
    assert fast == {key(f) for f in pyshacl_findings(loaded, shapes)}
    return fast


CASES = {
    "class, following rdfs:subClassOf in the data, for targets and values": (
        "ex:S sh:targetClass ex:Thing ; sh:property [ sh:path ex:p ; sh:class ex:Animal ] .",
        "ex:Dog rdfs:subClassOf ex:Animal . ex:SubThing rdfs:subClassOf ex:Thing . "
        "ex:dog a ex:Dog . ex:rock a ex:Rock ."
        'ex:a a ex:Thing ; ex:p ex:dog , ex:rock , "text" . ex:b a ex:SubThing ; ex:p ex:rock .',
        {("ex:S", "ex:a", "ex:p", "ex:rock"), ("ex:S", "ex:a", "ex:p", '"text"'), ("ex:S", "ex:b", "ex:p", "ex:rock")},
    ),
    "datatype, with ill-typed literals and language strings": (
        "ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:n ; sh:datatype xsd:integer ] , "
        "[ sh:path ex:d ; sh:datatype xsd:date ] , [ sh:path ex:s ; sh:datatype xsd:string ] , "
        "[ sh:path ex:l ; sh:datatype rdf:langString ] .",
        'ex:a ex:n 1 , "x"^^xsd:integer , 1.5 ; ex:d "2015-05-14"^^xsd:date , "2015-13-45"^^xsd:date ; '
        'ex:s "plain" , "tagged"@en ; ex:l "tagged"@en , "plain" .',
        {
            ("ex:S", "ex:a", "ex:n", '"x"^^xsd:integer'),
            ("ex:S", "ex:a", "ex:n", '"1.5"^^xsd:decimal'),
            ("ex:S", "ex:a", "ex:d", '"2015-13-45"^^xsd:date'),
            ("ex:S", "ex:a", "ex:s", '"tagged"@en'),
            ("ex:S", "ex:a", "ex:l", '"plain"'),
        },
    ),
    "nodeKind on values and on the focus node": (
        "ex:S sh:targetSubjectsOf ex:p ; sh:nodeKind sh:IRI ; "
        "sh:property [ sh:path ex:p ; sh:nodeKind sh:BlankNodeOrIRI ] .",
        'ex:a ex:p ex:b , "lit" , [ ex:q 1 ] . [] ex:p ex:c .',
        {("ex:S", "ex:a", "ex:p", '"lit"'), ("ex:S", "_:", None, "_:")},
    ),
    "pattern with flags; a blank node never matches": (
        'ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:pattern "^ab+c$" ; sh:flags "i" ] .',
        'ex:a ex:p "ABBC" , "abd" , ex:abc , [ ex:q 1 ] .',
        {("ex:S", "ex:a", "ex:p", '"abd"'), ("ex:S", "ex:a", "ex:p", "ex:abc"), ("ex:S", "ex:a", "ex:p", "_:")},
    ),
    "languageIn matches language ranges; uniqueLang reports the focus node": (
        'ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:languageIn ( "en" "pl" ) ; sh:uniqueLang true ] .',
        'ex:a ex:p "colour"@en-GB , "color"@en , "kolor"@pl , "Farbe"@de , "none" .',
        # "colour"@en-GB and "color"@en carry different tags, so uniqueLang holds
        {("ex:S", "ex:a", "ex:p", '"Farbe"@de'), ("ex:S", "ex:a", "ex:p", '"none"')},
    ),
    "in and hasValue, on a property and on the focus node": (
        'ex:S sh:targetClass ex:C ; sh:in ( ex:a ex:b ) ; sh:property [ sh:path ex:p ; sh:in ( ex:x "y" 1 ) ] , '
        "[ sh:path ex:q ; sh:hasValue ex:must ] . ex:T sh:targetClass ex:C ; sh:hasValue ex:a .",
        'ex:a a ex:C ; ex:p ex:x , "y" , 2 ; ex:q ex:must . ex:c a ex:C ; ex:p "Y" .',
        {
            ("ex:S", "ex:a", "ex:p", '"2"^^xsd:integer'),
            ("ex:S", "ex:c", None, "ex:c"),
            ("ex:S", "ex:c", "ex:p", '"Y"'),
            ("ex:S", "ex:c", "ex:q", None),
            ("ex:T", "ex:c", None, None),
        },
    ),
    "minCount and maxCount above one": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 2 ; sh:maxCount 3 ] .",
        "ex:a a ex:C ; ex:p 1 . ex:b a ex:C ; ex:p 1 , 2 . ex:c a ex:C ; ex:p 1 , 2 , 3 , 4 . ex:d a ex:C .",
        {("ex:S", "ex:a", "ex:p", None), ("ex:S", "ex:c", "ex:p", None), ("ex:S", "ex:d", "ex:p", None)},
    ),
    "qualified counts": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:K ] ; "
        "sh:qualifiedMinCount 1 ; sh:qualifiedMaxCount 2 ] .",
        "ex:k1 a ex:K . ex:k2 a ex:K . ex:k3 a ex:K . ex:a a ex:C ; ex:p ex:k1 , ex:other . "
        "ex:b a ex:C ; ex:p ex:other . ex:c a ex:C ; ex:p ex:k1 , ex:k2 , ex:k3 .",
        {("ex:S", "ex:b", "ex:p", None), ("ex:S", "ex:c", "ex:p", None)},
    ),
    "value ranges and lengths; incomparable values fail": (
        "ex:S sh:targetNode ex:a ; sh:property [ sh:path ex:n ; sh:minInclusive 1 ; sh:maxExclusive 10 ] , "
        "[ sh:path ex:s ; sh:minLength 2 ; sh:maxLength 3 ] , [ sh:path ex:d ; sh:minExclusive "
        '"2015-01-01"^^xsd:date ; sh:maxInclusive "2016-01-01"^^xsd:date ] .',
        'ex:a ex:n 0 , 1 , 9.5 , 10 , "five" ; ex:s "a" , "ab" , "abcd" , ex:xy ; '
        'ex:d "2015-01-01"^^xsd:date , "2015-06-01"^^xsd:date , "2017-01-01"^^xsd:date .',
        {
            ("ex:S", "ex:a", "ex:n", '"0"^^xsd:integer'),
            ("ex:S", "ex:a", "ex:n", '"10"^^xsd:integer'),
            ("ex:S", "ex:a", "ex:n", '"five"'),
            ("ex:S", "ex:a", "ex:s", '"a"'),
            ("ex:S", "ex:a", "ex:s", '"abcd"'),
            ("ex:S", "ex:a", "ex:s", "ex:xy"),
            ("ex:S", "ex:a", "ex:d", '"2015-01-01"^^xsd:date'),
            ("ex:S", "ex:a", "ex:d", '"2017-01-01"^^xsd:date'),
        },
    ),
    "node, or, and, not, xone, with a property shape inside": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:node ex:N ] , "
        "[ sh:path ex:q ; sh:or ( [ sh:class ex:K ] [ sh:path ex:r ; sh:minCount 1 ] ) ] , "
        "[ sh:path ex:s ; sh:not [ sh:class ex:K ] ] , "
        "[ sh:path ex:t ; sh:xone ( [ sh:class ex:K ] [ sh:class ex:L ] ) ] , "
        "[ sh:path ex:u ; sh:and ( [ sh:class ex:K ] [ sh:class ex:L ] ) ] . "
        "ex:N sh:property [ sh:path ex:name ; sh:minCount 1 ] .",
        "ex:kl a ex:K , ex:L . ex:k a ex:K . ex:l a ex:L . ex:named ex:name 1 . ex:withr ex:r 1 . "
        "ex:a a ex:C ; ex:p ex:named , ex:nameless ; ex:q ex:k , ex:withr , ex:neither ; ex:s ex:l , ex:k ; "
        "ex:t ex:k , ex:kl , ex:neither ; ex:u ex:kl , ex:k .",
        {
            ("ex:S", "ex:a", "ex:p", "ex:nameless"),
            ("ex:S", "ex:a", "ex:q", "ex:neither"),
            ("ex:S", "ex:a", "ex:s", "ex:k"),
            ("ex:S", "ex:a", "ex:t", "ex:kl"),
            ("ex:S", "ex:a", "ex:t", "ex:neither"),
            ("ex:S", "ex:a", "ex:u", "ex:k"),
        },
    ),
    "equals and disjoint": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:equals ex:q ] , "
        "[ sh:path ex:r ; sh:disjoint ex:p ] .",
        "ex:a a ex:C ; ex:p 1 , 2 ; ex:q 2 , 3 ; ex:r 1 , 5 .",
        {
            ("ex:S", "ex:a", "ex:p", '"1"^^xsd:integer'),
            ("ex:S", "ex:a", "ex:p", '"3"^^xsd:integer'),
            ("ex:S", "ex:a", "ex:r", '"1"^^xsd:integer'),
        },
    ),
    "inverse, sequence, alternative and zero-or-more paths": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path [ sh:inversePath ex:in ] ; sh:minCount 1 ] , "
        "[ sh:path ( ex:p ex:q ) ; sh:class ex:K ] , "
        "[ sh:path [ sh:alternativePath ( ex:r ex:s ) ] ; sh:maxCount 1 ] , "
        "[ sh:path [ sh:zeroOrMorePath ex:parent ] ; sh:class ex:C ] .",
        "ex:a a ex:C ; ex:p ex:m ; ex:r 1 ; ex:s 2 ; ex:parent ex:b . ex:m ex:q ex:notk . "
        "ex:b a ex:C ; ex:parent ex:c . ex:x ex:in ex:b .",
        {
            ("ex:S", "ex:a", None, None),  # nothing points to ex:a with ex:in
            ("ex:S", "ex:a", None, "ex:notk"),
            ("ex:S", "ex:a", None, "ex:c"),  # ex:c is reached by ex:parent* but is no ex:C
            ("ex:S", "ex:b", None, "ex:c"),
        },
    ),
    "targets: node (even if absent), subjects and objects of a property, implicit class": (
        "ex:S sh:targetNode ex:ghost ; sh:targetObjectsOf ex:link ; sh:property [ sh:path ex:p ; sh:minCount 1 ] . "
        "ex:Cls a rdfs:Class , sh:NodeShape ; sh:property [ sh:path ex:q ; sh:minCount 1 ] .",
        "ex:a ex:link ex:b . ex:c ex:link ex:d . ex:d ex:p 1 . ex:e a ex:Cls .",
        {("ex:S", "ex:ghost", "ex:p", None), ("ex:S", "ex:b", "ex:p", None), ("ex:Cls", "ex:e", "ex:q", None)},
    ),
    "severity, deactivated shapes and constraints": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:severity sh:Warning ] , "
        "[ sh:path ex:q ; sh:minCount 1 ; sh:deactivated true ] . "
        "ex:T sh:targetClass ex:C ; sh:deactivated true ; sh:property [ sh:path ex:r ; sh:minCount 1 ] .",
        "ex:a a ex:C .",
        {("ex:S(Warning)", "ex:a", "ex:p", None)},
    ),
    "a property shape inside a property shape validates the values": (
        "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:property [ sh:path ex:name ; sh:minCount 1 ] ] .",
        "ex:a a ex:C ; ex:p ex:named , ex:nameless . ex:named ex:name 1 .",
        {("ex:S", "ex:nameless", "ex:name", None)},
    ),
    "SPARQL target and constraint: $this, $currentShape, $PATH, sh:prefixes, message templates": (
        'ex:P sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] . '
        "ex:S sh:target [ a sh:SPARQLTarget ; sh:prefixes ex:P ; "
        '  sh:select "SELECT ?this WHERE { ?this ex:kind ex:Special }" ] ; '
        'sh:sparql [ sh:prefixes ex:P ; sh:message "{$this} has {?value} under {?shape}"@en ; '
        '  sh:select "SELECT $this ?value ?shape WHERE { $this ex:bad ?value BIND($currentShape AS ?shape) }" ] ; '
        'sh:property [ sh:path ex:size ; sh:message "too big" ; sh:sparql [ sh:prefixes ex:P ; '
        '  sh:select "SELECT ?value WHERE { $this $PATH ?value FILTER (?value > 10) }" ] ] .',
        "ex:a ex:kind ex:Special ; ex:bad ex:x ; ex:size 5 , 11 . ex:b ex:bad ex:y ; ex:size 12 .",
        {("ex:S", "ex:a", None, "ex:x"), ("ex:S", "ex:a", "ex:size", '"11"^^xsd:integer')},
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_each_feature_reports_what_shacl_says(name: str) -> None:
    shapes, data, expected = CASES[name]
    assert run(shapes, data) == expected


def test_unique_lang_reports_each_focus_node_with_a_repeated_language() -> None:
    found = run(
        "ex:S sh:targetSubjectsOf ex:p ; sh:property [ sh:path ex:p ; sh:uniqueLang true ] .",
        'ex:a ex:p "one"@en , "two"@EN , "jeden"@pl . ex:b ex:p "one"@en , "jeden"@pl , "x" , "y" .',
    )
    assert found == {("ex:S", "ex:a", "ex:p", None)}


def test_message_templates_are_filled_from_the_solution() -> None:
    shapes = Graph().parse(
        data=PREFIXES + 'ex:S sh:targetNode ex:a ; sh:sparql [ sh:message "{$this} has {?value}"@en , '
        '"{$this} ma {?value}"@pl ; sh:select "SELECT $this ?value WHERE { $this <http://example.org/p> ?value }" ] .',
        format="turtle",
    )
    store = ox.Store()
    store.load(f"<{EX}g> {{ <{EX}a> <{EX}p> <{EX}b> }}".encode(), format=ox.RdfFormat.TRIG)
    [finding] = sparql_findings(Loaded(store, [], EX), shapes)
    assert finding.message == f"{EX}a has {EX}b"
    assert finding.rule == f"{EX}S"


SPARQL = 'ex:S sh:targetClass ex:C ; sh:sparql [ sh:select "{}" ] .'


@pytest.mark.parametrize(
    ("shapes", "complaint"),
    [
        ("ex:S sh:targetClass ex:C ; sh:closed true .", "sh:closed"),
        ("ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:lessThan ex:q ] .", "sh:lessThan"),
        ('ex:S sh:targetClass ex:C ; sh:sparql [ sh:ask "ASK { $this ?p ?o }" ] .', "sh:ask"),
        (
            SPARQL.format("SELECT $this WHERE { ?a ?b ?c MINUS { $this ?p ?o } }"),
            "MINUS",
        ),
        (
            SPARQL.format("SELECT $this WHERE { $this ?p ?o } GROUP BY $this"),
            "GROUP",
        ),
        (
            SPARQL.format("SELECT $this WHERE { GRAPH $shapesGraph { ?a ?b ?c } }"),
            "$shapesGraph",
        ),
        (
            SPARQL.format("SELECT $this WHERE { { ?x ?p ?o FILTER (?x = $this) } }"),
            "nested group",
        ),
        (SPARQL.format("SELECT $this WHERE { $this ex:p ?o }"), "prefix ex:"),
        ("ex:S sh:targetClass ex:C ; sh:node ex:S .", "recursive"),
        (
            "ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:K ] ; "
            "sh:qualifiedMinCount 1 ; sh:qualifiedValueShapesDisjoint true ] .",
            "qualifiedValueShapesDisjoint",
        ),
        ('ex:S sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:pattern "(?<=a)b" ] .', "sh:pattern"),
        ("ex:S sh:targetClass ex:C ; sh:in ( [ ex:p 1 ] ) .", "blank node"),
        ("ex:S sh:targetClass ex:C ; sh:minCount 1 .", "node shape"),
    ],
)
def test_unsupported_features_are_refused_at_compile_time(shapes: str, complaint: str) -> None:
    with pytest.raises(UnsupportedShape, match=complaint.replace("$", r"\$")):
        compile_shapes(Graph().parse(data=PREFIXES + shapes, format="turtle"))


def test_validate_names_the_other_engine_when_the_shapes_cannot_be_compiled() -> None:
    shapes = Graph().parse(data=PREFIXES + "ex:S sh:targetClass ex:C ; sh:closed true .", format="turtle")
    loaded = Loaded(ox.Store(), [], EX)
    with pytest.raises(ShapesError, match="--engine pyshacl"):
        validate(loaded, shapes, EX)
    assert validate(loaded, shapes, EX, engine="pyshacl").conforms
