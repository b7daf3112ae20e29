"""Reading a remote store's answers as pyoxigraph's result objects, as the embedded store gives them.

Answers are read whole before they are handed on (pyoxigraph parses lazily, and a store that fails half-way
through an answer must fail here, not in a page), and blank node labels are kept as the store wrote them, so the
same node has the same label in a ``SELECT`` and in a ``CONSTRUCT`` (Virtuoso's ``nodeID://b10001`` in SPARQL
JSON is ``_:b10001`` in its N-Triples: both become ``b10001``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

import pyoxigraph as ox

from awardgraph.store.base import QueryResult, StoreError
from awardgraph.store.http import Reply

RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.8"
RDF_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
_RESULTS_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}
_RDF_FORMATS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def parse_reply(reply: Reply) -> QueryResult:
    """A query answer as pyoxigraph results: solutions or a boolean from SPARQL results, triples from RDF."""
    results_format = _RESULTS_FORMATS.get(reply.media_type)
    if results_format is not None:
        body = reply.body
        try:  # pyoxigraph parses lazily: read it all once here, so that a bad answer fails here and not later
            _read_all(ox.parse_query_results(body, format=results_format))
        except SyntaxError as exc:
            if results_format != ox.QueryResultsFormat.JSON or "bnode" not in str(exc).lower().replace(" ", ""):
                raise StoreError(f"the store's results do not parse: {exc}") from None
            body = _rename_blank_nodes(body)
        return ox.parse_query_results(body, format=results_format)
    rdf_format = _RDF_FORMATS.get(reply.media_type)
    if rdf_format is None:
        raise StoreError(f"the store answered with {reply.media_type or 'no media type'}, which awardgraph cannot read")
    try:  # parsed, not loaded: loading would rename blank nodes, and the same answer should read the same
        triples = [quad.triple for quad in ox.parse(reply.body, format=rdf_format)]
    except SyntaxError as exc:
        raise StoreError(f"the store's triples do not parse: {exc}") from None
    return as_result(triples)


def _read_all(result: ox.QuerySolutions | ox.QueryBoolean) -> None:
    if isinstance(result, ox.QuerySolutions):
        for _ in result:
            pass


def as_result(triples: Iterable[ox.Triple]) -> ox.QueryTriples:
    """``triples`` as the result object the embedded store gives for ``CONSTRUCT`` and ``DESCRIBE``."""
    memory = ox.Store()  # added, not loaded: loading would rename blank nodes
    memory.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    result = memory.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert isinstance(result, ox.QueryTriples)
    return result


def store_words(detail: str | None) -> str:
    """What a store said about a failed query, without Virtuoso's echo of the whole query."""
    text = (detail or "no reason given").split(" SPARQL query:", 1)[0].strip()
    return text[:300]


def solutions(result: QueryResult) -> ox.QuerySolutions:
    if not isinstance(result, ox.QuerySolutions):
        raise StoreError("the store did not answer a SELECT with solutions")
    return result


def triples(result: QueryResult) -> ox.QueryTriples:
    if not isinstance(result, ox.QueryTriples):
        raise StoreError("the store did not answer a CONSTRUCT with triples")
    return result


_BAD_LABEL = re.compile(r"[^A-Za-z0-9_]")


def _rename_blank_nodes(body: bytes) -> bytes:
    """SPARQL JSON results with blank node labels pyoxigraph accepts: Virtuoso's ``nodeID://b10001`` becomes
    ``b10001``, the label the same node has in Virtuoso's N-Triples (so a node found by a SELECT is the same node
    in a CONSTRUCT's answer); other labels lose the characters a label cannot have."""
    data = json.loads(body)
    for binding in data.get("results", {}).get("bindings", []):
        for term in binding.values():
            if isinstance(term, dict) and term.get("type") == "bnode":
                label = _BAD_LABEL.sub("_", str(term["value"]).removeprefix("nodeID://"))
                term["value"] = label if label[:1].isalnum() else f"b{label}"
    return json.dumps(data).encode("utf-8")
