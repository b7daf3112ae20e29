"""How the remote adapter rewrites queries so that any store answers as the embedded one: dataset clauses sent as
protocol parameters, a final ``VALUES`` moved into the pattern, ``DESCRIBE`` as ``SELECT`` + concise bounded
descriptions. Each rewrite is checked against pyoxigraph itself: the rewritten query gives the original's answer."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from awardgraph.store import describing, sparqltext

EX = "http://example.org/"
DATA = f"""
@prefix ex: <{EX}> .
<{EX}g1> {{
  ex:a ex:p ex:b ; ex:label "A"@en ; ex:room [ ex:name "R" ; ex:geo [ ex:lat 1 ; ex:more [ ex:deep true ] ] ] .
  ex:b ex:p ex:c .
  ex:list ex:items ( 1 2 3 4 5 6 7 8 9 10 11 12 ) .
}}
<{EX}g2> {{ ex:c ex:p ex:a . ex:b ex:label "B"@en . ex:b a ex:T . ex:c a ex:T . }}
"""


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    s.load(DATA.encode(), format=ox.RdfFormat.TRIG)
    return s


def _answer(result: object) -> object:
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QueryTriples):
        return _canonical(list(result))
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [tuple(str(row[n]) for n in names) for row in result]


def _canonical(triples: list[ox.Triple]) -> set[str]:
    d = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    d.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(q.triple) for q in d}


# --- FROM / FROM NAMED --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "default", "named"),
    [
        ("SELECT * FROM <http://e.org/g> WHERE { }", ("http://e.org/g",), ()),
        ("BASE <http://e.org/x/> SELECT * FROM <g> FROM NAMED <h> { }", ("http://e.org/x/g",), ("http://e.org/x/h",)),
        ("PREFIX g: <graph/> SELECT * FROM g:a { }", ("http://b.org/graph/a",), ()),
        ("SELECT * FROM ag:x FROM NAMED <y> # FROM <z>\n{ }", ("http://b.org/ontology#x",), ("http://b.org/y",)),
        ("SELECT * FROM\n  # a comment\n  <g> { }", ("http://b.org/g",), ()),
    ],
)
def test_dataset_clauses(query: str, default: tuple[str, ...], named: tuple[str, ...]) -> None:
    found = sparqltext.dataset_clauses(query, base_iri="http://b.org/", prefixes={"ag": "http://b.org/ontology#"})
    assert found == sparqltext.Dataset(default, named)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p 'FROM <x>' }",  # in a string
        "SELECT * FROM nowhere:g { }",  # an undeclared prefix: leave it to the store
        "SELECT ?from WHERE { ?from ?p ?o }",
    ],
)
def test_no_dataset_clauses(query: str) -> None:
    assert sparqltext.dataset_clauses(query, base_iri="http://b.org/", prefixes={}) is None


def test_without_dataset_keeps_positions_and_strings() -> None:
    query = 'SELECT * FROM <http://e.org/g>\nFROM NAMED e:h WHERE { ?s ?p "FROM <x>" }'
    out = sparqltext.without_dataset(query)
    assert len(out) == len(query) and out.count("\n") == 1
    assert "FROM <x>" in out and "e:h" not in out and "http://e.org/g" not in out


# --- a final VALUES -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        f"SELECT ?s ?o WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s LIMIT 1 VALUES (?s) {{ (<{EX}b>) (<{EX}c>) }}",
        f"SELECT ?s (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} GROUP BY ?s ORDER BY ?s VALUES ?s {{ <{EX}a> <{EX}b> }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o OPTIONAL {{ ?o ?q ?r }} }} VALUES (?s) {{ (<{EX}c>) }}",
        f"ASK {{ ?s <{EX}p> ?o }} VALUES (?s ?o) {{ (<{EX}a> <{EX}b>) }}",
    ],
)
def test_inline_values_means_the_same(store: ox.Store, query: str) -> None:
    moved = sparqltext.inline_values(query)
    assert moved != query and moved.rstrip().endswith(("LIMIT 1", "ORDER BY ?s", "}"))
    assert _answer(store.query(moved, use_default_graph_as_union=True)) == _answer(
        store.query(query, use_default_graph_as_union=True)
    )


@pytest.mark.parametrize(
    "query",
    [
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } VALUES ?s { <http://e.org/a> }",  # grouping, no GROUP BY
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p VALUES ?s { <http://e.org/a> }",  # not a key
        "SELECT * WHERE { ?s ?p ?o VALUES ?s { <http://e.org/a> } }",  # not final
        "SELECT * WHERE { ?s ?p 'VALUES ?s { }' }",
    ],
)
def test_values_that_stay(query: str) -> None:
    assert sparqltext.inline_values(query) == query


# --- DESCRIBE -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "select"),
    [
        ("DESCRIBE <http://e.org/a>", "SELECT (<http://e.org/a> AS ?awardgraph_described_0) WHERE {}"),
        ("DESCRIBE ?x WHERE { ?x a ?t }", "SELECT ?x WHERE { ?x a ?t }"),
        ("DESCRIBE * { ?x a ?t }", "SELECT * { ?x a ?t }"),
        ("DESCRIBE e:a FROM <g> LIMIT 1", "SELECT (e:a AS ?awardgraph_described_0) FROM <g> WHERE {} LIMIT 1"),
    ],
)
def test_describe_as_select(query: str, select: str) -> None:
    assert sparqltext.describe_as_select(query).select == select


@pytest.mark.parametrize(
    "query",
    [
        f"DESCRIBE <{EX}a>",
        f"DESCRIBE <{EX}list>",  # an RDF list of 12: deeper than the first try
        f"PREFIX ex: <{EX}> DESCRIBE ?x ex:a WHERE {{ ?x a ex:T }}",
        f"PREFIX ex: <{EX}> DESCRIBE * WHERE {{ ?x ex:p ?y }} ORDER BY ?x LIMIT 2",
        f"DESCRIBE <{EX}nothing>",
    ],
)
def test_describe_gives_what_oxigraph_gives(store: ox.Store, query: str) -> None:
    def run(text: str) -> ox.QuerySolutions | ox.QueryTriples:
        result = store.query(text, use_default_graph_as_union=True)
        assert isinstance(result, ox.QuerySolutions | ox.QueryTriples)
        return result

    emulated = describing.describe(query, run, run)  # type: ignore[arg-type]
    assert _canonical(emulated) == _answer(store.query(query, use_default_graph_as_union=True))


def test_a_cut_description_is_noticed() -> None:
    a, b1, b2 = ox.NamedNode(f"{EX}a"), ox.BlankNode("b1"), ox.BlankNode("b2")
    p = ox.NamedNode(f"{EX}p")
    assert describing.cut([ox.Triple(a, p, b1)], [a], 0)  # b1 is below the last level fetched
    assert not describing.cut([ox.Triple(a, p, b1), ox.Triple(b1, p, ox.Literal("x"))], [a], 1)
    assert describing.cut([ox.Triple(a, p, b1), ox.Triple(b1, p, b2)], [a], 1)
