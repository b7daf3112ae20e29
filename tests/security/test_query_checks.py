"""The checks a user query meets before any parser sees it: size, nesting, SERVICE, ``file:`` IRIs, and the graphs
its dataset names (those not held are read as empty). Pure functions; the hostile queries are the ones the
real-server tests send."""

from __future__ import annotations

import time
from collections.abc import Callable

import pyoxigraph as ox
import pytest
from hostile import BASE, dataset_graphs, dataset_parameters, dataset_queries, file_queries, service_queries

from awardgraph.queries import lexer
from awardgraph.web.endpoint import query_checks as checks

CLOSED = "http://127.0.0.1:9/"  # Oxigraph refuses this port itself: a SERVICE to it fails without any traffic
LOCAL = {f"{BASE}graph/site/f01", "urn:x-local:graph"}


def outbound(federation: tuple[str, ...] = ()) -> checks.Outbound:
    return checks.Outbound(base_iri=BASE, prefixes={"ag": f"{BASE}ontology#"}, federation=federation)


def refused(call: Callable[[], object]) -> checks.Refused:
    with pytest.raises(checks.Refused) as caught:
        call()
    return caught.value


# --- the disguises are real queries ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "query"), service_queries(CLOSED).items())
def test_every_disguised_service_is_a_query_oxigraph_would_run(name: str, query: str) -> None:
    # Oxigraph parses it (and, where the rest of the query leaves something to join, tries the call to a port it
    # refuses itself), so the checks are what stands in the way
    try:
        result = ox.Store().query(query)
        list(result) if not isinstance(result, ox.QueryBoolean) else bool(result)
    except SyntaxError:
        pytest.fail(f"{name}: not a query Oxigraph would run")
    except (OSError, RuntimeError) as exc:  # the refused port, or (SERVICE ?e) no endpoint at all
        assert "port 9" in str(exc) or "service name is unbound" in str(exc), name


@pytest.mark.parametrize(("name", "query"), dataset_queries(CLOSED).items())
def test_every_dataset_disguise_parses(name: str, query: str) -> None:
    result = ox.Store().query(query)
    assert result is not None, name


# --- SERVICE ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "query"), service_queries(CLOSED).items())
def test_service_is_refused_however_written(name: str, query: str) -> None:
    problem = refused(lambda: outbound().check_query(query))
    assert problem.status == 400 and "SERVICE" in problem.message, name


@pytest.mark.parametrize(
    "query",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://example.org/>" }',
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://example.org/> { }",
        "SELECT ?service WHERE { ?service ?p ?o }",
        "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
        "PREFIX service: <http://example.org/> SELECT * WHERE { ?s service:x ?o . ?s ag:SERVICE ?o }",
        "SELECT * WHERE { ?s ?p '''\nSERVICE <http://example.org/> { }\n''' }",
        "SELECT * WHERE { ?s ?p _:service }",
    ],
)
def test_the_word_service_elsewhere_is_not_a_call(query: str) -> None:
    outbound().check_query(query)


def test_federation_allows_only_the_listed_endpoints() -> None:
    allowed = "https://query.wikidata.org/sparql"
    check = outbound((allowed,))
    check.check_query(f"SELECT * WHERE {{ SERVICE <{allowed}> {{ ?s ?p ?o }} }}")
    check.check_query("PREFIX wd: <https://query.wikidata.org/> SELECT * { SERVICE SILENT wd:sparql { } }")
    for query in service_queries(CLOSED).values():
        assert refused(lambda q=query: check.check_query(q)).status == 400  # type: ignore[misc]
    by_variable = f"SELECT * WHERE {{ VALUES ?e {{ <{allowed}> }} SERVICE ?e {{ ?s ?p ?o }} }}"
    assert "variable" in refused(lambda: check.check_query(by_variable)).message


# --- graphs and files ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "query"), dataset_queries(CLOSED).items())
def test_graphs_not_held_are_read_not_refused(name: str, query: str) -> None:
    dataset = outbound().check_query(query)
    assert dataset is not None, name
    graph = dataset_graphs(CLOSED)[name]
    assert graph in (*dataset.default, *dataset.named), name
    found = checks.held(dataset, lambda: LOCAL)
    assert found.unknown == (graph,) and found.dataset == checks.Dataset((), ()), name  # nothing left to send


@pytest.mark.parametrize(("name", "query"), file_queries().items())
def test_files_elsewhere_in_the_query_are_refused(name: str, query: str) -> None:
    problem = refused(lambda: outbound().check_query(query))
    assert problem.status == 400 and "file:" in problem.message, name


@pytest.mark.parametrize(
    ("query", "default", "named"),
    [
        (f"SELECT * FROM <{BASE}graph/site/f01> WHERE {{ ?s ?p ?o }}", [f"{BASE}graph/site/f01"], []),
        ("SELECT * FROM NAMED <graph/site/f01> WHERE { GRAPH ?g { ?s ?p ?o } }", [], [f"{BASE}graph/site/f01"]),
        (
            f"PREFIX g: <{BASE}graph/> SELECT * FROM g:nothing-yet WHERE {{ ?s ?p ?o }}",
            [f"{BASE}graph/nothing-yet"],
            [],
        ),
        (
            "SELECT * FROM <urn:x-local:graph> FROM NAMED ag:x WHERE { ?s ?p ?o }",
            ["urn:x-local:graph"],
            [f"{BASE}ontology#x"],
        ),
        ("BASE <http://e.org/a/> SELECT * FROM <b> WHERE { ?s ?p ?o }", ["http://e.org/a/b"], []),
    ],
)
def test_the_query_dataset_is_resolved_as_the_parser_would(query: str, default: list[str], named: list[str]) -> None:
    assert outbound().check_query(query) == checks.Dataset(tuple(default), tuple(named))
    assert ox.Store().query(query, base_iri=BASE, prefixes={"ag": f"{BASE}ontology#"}) is not None  # it parses


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o }",
        "SELECT ?from WHERE { ?from ?p 'FROM <x>' } # FROM <y>",
        "SELECT * FROM undeclared:g WHERE { ?s ?p ?o }",  # the parser refuses it: no dataset to read
    ],
)
def test_no_dataset(query: str) -> None:
    assert outbound().check_query(query) is None


@pytest.mark.parametrize(("name", "params"), dataset_parameters(CLOSED).items())
def test_dataset_parameters_naming_graphs_not_held_are_empty(name: str, params: dict[str, str]) -> None:
    default = tuple(v for k, v in params.items() if k == "default-graph-uri")
    named = tuple(v for k, v in params.items() if k == "named-graph-uri")
    found = checks.held(checks.Dataset(default, named), lambda: LOCAL)
    assert found.dataset == checks.Dataset((), ()) and found.unknown == (*default, *named), name
    kept = checks.held(checks.Dataset((f"{BASE}graph/site/f01", *default), ("urn:x-local:graph",)), lambda: LOCAL)
    assert kept.dataset == checks.Dataset((f"{BASE}graph/site/f01",), ("urn:x-local:graph",))


def test_a_file_graph_replaced_by_the_protocol_dataset_is_never_looked_at() -> None:
    query = lexer.without_dataset("SELECT * FROM <file:///etc/passwd> FROM NAMED <fil\\u0065:///x> { ?s ?p ?o }")
    assert outbound().check_query(query) is None


def test_the_graph_list_is_only_read_when_a_graph_is_named() -> None:
    def graphs() -> set[str]:
        raise AssertionError("an empty dataset names no graph to look up")

    assert checks.held(checks.Dataset((), ()), graphs) == checks.Held(checks.Dataset((), ()), ())


# --- size and nesting ------------------------------------------------------------------------------------------


def test_size_counts_bytes() -> None:
    checks.check_size("a" * 32768, max_bytes=32768)
    problem = refused(lambda: checks.check_size("ą" * 16385, max_bytes=32768))  # two bytes each
    assert problem.status == 413 and "32,770 bytes" in problem.message


@pytest.mark.parametrize(
    ("query", "depth"),
    [
        ("ASK {}", 1),
        ("SELECT * { { { ?s ?p ?o } } }", 3),
        ("SELECT * { ?s ?p [ ?q ( 1 ( 2 ) ) ] }", 4),
        ("SELECT * { FILTER(!!!true) }", 5),
        ("SELECT * { FILTER(!(!(true))) }", 4),
        ('SELECT * { ?s ?p "{{{{{{{{" } # ((((((((', 1),
        ("SELECT * { ?s ?p <http://e/(((((> }", 1),
        ("SELECT * { ?s ?p ?o } }}}}}} {", 1),  # unbalanced: the parser's business
    ],
)
def test_nesting_depth(query: str, depth: int) -> None:
    assert checks.nesting_depth(query) == depth


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000,  # crashes Oxigraph's process
        "SELECT * WHERE { FILTER(" + "(" * 10000 + "1" + ")" * 10000 + ") }",
        "SELECT * WHERE { FILTER(" + "!" * 10000 + "true) }",  # crashes it too
        "SELECT * WHERE { ?s ?p " + "[ ?p " * 65 + "1" + " ]" * 65 + " }",
        "SELECT * WHERE { ?s ?p " + "(" * 65 + "1" + ")" * 65 + " }",
    ],
)
def test_deep_nesting_is_refused_before_parsing(query: str) -> None:
    problem = refused(lambda: checks.check_depth(query, max_depth=64))
    assert problem.status == 400 and "at most 64" in problem.message


# a generous bound, and the reason for a timed test: the scanner runs before the deadline does (its own cost is
# not covered by the kill), so it must stay linear. Measured: under 0.2 s for the worst of these on 2 cores.
SCAN_SECONDS = 3.0


@pytest.mark.parametrize(
    "text",
    [
        "a." * 16384,
        "ex:" + "a." * 16000,
        "<" * 32768,
        "<a" * 16384,
        '"' * 32768,
        '"""' + "a" * 32768,
        "'''" * 10922,
        "ex:a" + "%4" * 16000,
        "ex:" + "\\" * 32000,
        "_:a" + "." * 32000,
        "?" * 32768,
        "1." * 16384,
        "@a-" * 10922,
        "{" * 32768,
        "ab:" * 10922,
    ],
)
def test_scanning_stays_linear(text: str) -> None:
    started = time.perf_counter()
    checks.nesting_depth(text)
    outbound().check_query(text)
    lexer.update_keyword(text)
    assert time.perf_counter() - started < SCAN_SECONDS


# --- the tokens ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ex:p\\#x ?o", [("pname", "ex:p\\#x"), ("var", "?o")]),
        ("ex:a.b. _:b1.", [("pname", "ex:a.b"), ("punct", "."), ("bnode", "_:b1"), ("punct", ".")]),
        ("true.SERVICE", [("word", "true"), ("punct", "."), ("word", "SERVICE")]),
        ('"a # b" # c', [("string", '"a # b"'), ("comment", "# c")]),
        ("<http://e/#x>", [("iri", "<http://e/#x>")]),
        ("?a<=?b", [("var", "?a"), ("punct", "<="), ("var", "?b")]),
        ("'it''s'", [("string", "'it'"), ("string", "'s'")]),
        ("1.5e3 .5", [("number", "1.5e3"), ("number", ".5")]),
    ],
)
def test_tokens(text: str, expected: list[tuple[str, str]]) -> None:
    assert [(t.kind, t.text) for t in lexer.tokens(text)] == expected


def test_iri_escapes_are_decoded() -> None:
    (token,) = lexer.tokens("<fil\\u0065:///etc/\\U00000070asswd>")
    assert token.iri == "file:///etc/passwd"
