"""Hostile requests, in one place, for the unit, test-client and real-server tests. Each outbound case is a query
Oxigraph would run (``test_query_checks`` proves it), disguised the ways the issue lists: nested in OPTIONAL,
FILTER EXISTS, subqueries, mixed case, comments, prefixed names, escapes."""

from __future__ import annotations

BASE = "https://example.org/awards/"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
# runs for as long as it is let: a three-way cross join of every statement (about 3e9 rows on the fixture)
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# every statement, as a digest of the data: compared before and after hostile requests
EVERYTHING = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o"


def service_queries(url: str) -> dict[str, str]:
    """``SERVICE`` calls to ``url`` (an ``http://host:port/`` URL), plain and disguised."""
    http_escaped = url.replace("http:", "http\\u003a", 1)
    return {
        "service": f"SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}",
        "lower case": f"select * where {{ service <{url}sparql> {{ ?s ?p ?o }} }}",
        "mixed case after a comment": f"SELECT * WHERE {{ # }} SERVICE\n sErViCe <{url}> {{ ?s ?p ?o }} }}",
        "silent": f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "in optional": f"SELECT * WHERE {{ ?s a ?t OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "in filter exists": f"SELECT * WHERE {{ ?s a ?t FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "in filter not exists": f"ASK {{ ?s a ?t FILTER NOT EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "in a subquery": f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        "in union": f"SELECT * WHERE {{ {{ ?s a ?t }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "in minus": f"SELECT * WHERE {{ ?s a ?t MINUS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        "in construct": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "by prefixed name": f"PREFIX remote: <{url}> SELECT * WHERE {{ SERVICE remote:sparql {{ ?s ?p ?o }} }}",
        "by variable": f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        "escaped iri": f"SELECT * WHERE {{ SERVICE <{http_escaped}> {{ ?s ?p ?o }} }}",
        "after an escaped #": (
            f"PREFIX ex: <{BASE}> SELECT * WHERE {{ ?s ex:p\\# ?o . SERVICE <{url}> {{ ?s ?p ?o }} }}"
        ),
        "after a keyword and a dot": f"SELECT * WHERE {{ ?s ?p true.SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "in a long string's neighbour": f'SELECT * WHERE {{ BIND("""x""" AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }}',
    }


def dataset_queries(url: str) -> dict[str, str]:
    """Queries whose dataset names graphs this dataset does not hold (at ``url``, or files): read as empty graphs,
    never fetched, never an error; the answer names them (``Awardgraph-Unknown-Graphs``)."""
    return {
        "from": f"SELECT * FROM <{url}graph> WHERE {{ ?s ?p ?o }}",
        "from named": f"SELECT * FROM NAMED <{url}graph> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "from lower case": f"select * from <{url}graph> where {{ ?s ?p ?o }}",
        "from by prefixed name": f"PREFIX r: <{url}> SELECT * FROM r:graph WHERE {{ ?s ?p ?o }}",
        "from a file": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "from an escaped file": "SELECT * FROM <fil\\u0065:///etc/passwd> WHERE { ?s ?p ?o }",
        "construct from": f"CONSTRUCT {{ ?s ?p ?o }} FROM <{url}g> WHERE {{ ?s ?p ?o }}",
    }


def dataset_graphs(url: str) -> dict[str, str]:
    """The graph each of :func:`dataset_queries` names, as the answer's header names it."""
    return {
        "from": f"{url}graph",
        "from named": f"{url}graph",
        "from lower case": f"{url}graph",
        "from by prefixed name": f"{url}graph",
        "from a file": "file:///etc/passwd",
        "from an escaped file": "file:///etc/passwd",
        "construct from": f"{url}g",
    }


def file_queries() -> dict[str, str]:
    """Queries with a ``file:`` IRI where it is not the name of a graph in their dataset: refused (400)."""
    return {
        "from a file by base": "BASE <file:///etc/> SELECT * FROM <passwd> WHERE { ?s ?p ?o }",
        "a file by prefix": "PREFIX f: <file:///etc/> SELECT * WHERE { f:passwd ?p ?o }",
        "a file as a term": "SELECT * WHERE { <file:///etc/passwd> ?p ?o }",
        "a file in a graph pattern": "SELECT * WHERE { GRAPH <file:///etc/passwd> { ?s ?p ?o } }",
    }


def dataset_parameters(url: str) -> dict[str, dict[str, str]]:
    """Protocol dataset parameters naming graphs this dataset does not hold, or files: read as empty graphs."""
    return {
        "default-graph-uri": {"default-graph-uri": f"{url}graph"},
        "named-graph-uri": {"named-graph-uri": f"{url}graph"},
        "default-graph-uri file": {"default-graph-uri": "file:///etc/passwd"},
    }


UPDATES: dict[str, tuple[str, dict[str, str] | bytes, str | None]] = {
    # name: (method, form fields or body, content type)
    "update parameter": ("POST", {"update": "CLEAR ALL"}, None),
    "sparql-update body": ("POST", b"DROP ALL", "application/sparql-update"),
    "insert as a query": ("POST", {"query": f"INSERT DATA {{ <{BASE}a> <{BASE}b> <{BASE}c> }}"}, None),
    "mixed case after a comment": ("POST", {"query": "# hello\n dElEtE WHERE { ?s ?p ?o }"}, None),
    "after a prologue": ("POST", {"query": f"PREFIX x: <{BASE}>\nBASE <{BASE}>\nINSERT DATA {{ x:a x:b x:c }}"}, None),
    "load": ("POST", {"query": "LOAD <http://127.0.0.1:9/data.ttl>"}, None),
    "clear as a direct query": ("POST", b"CLEAR ALL", "application/sparql-query"),
    "with": ("POST", {"query": f"WITH <{BASE}g> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}"}, None),
    "two operations": ("POST", {"query": f"ASK {{}} ; DROP GRAPH <{BASE}graph/site/f01>"}, None),
}
