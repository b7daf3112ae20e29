"""A remote store: any SPARQL 1.1 Query + Update endpoint, optionally with the Graph Store HTTP Protocol.

Results come back as the embedded store's: ``QuerySolutions`` and ``QueryBoolean`` parsed by pyoxigraph from
SPARQL JSON results, ``QueryTriples`` from the store's N-Triples (or Turtle, RDF/XML) answer. Differences between
stores are handled here, not by callers:

- **Default graph.** awardgraph's default graph is the union of the named graphs. ``union="store"`` relies on the
  store for that (Oxigraph server started with ``--union-default-graph``; Virtuoso, whose default graph is every
  graph when the request names none; GraphDB; Fuseki with ``tdb2:unionDefaultGraph``). ``union="listed"`` names
  the graphs under ``scope`` (the base IRI) as ``default-graph-uri`` on every query, for stores whose default
  graph is a graph of its own (Oxigraph server without the flag) or holds other data (Virtuoso's system graphs,
  other projects); the list is read from the store and kept for :data:`GRAPH_LIST_SECONDS`.
- **Blank node labels** that pyoxigraph does not accept (Virtuoso's ``nodeID://b10000``) are renamed.
- **Options** the protocol has no parameter for (``base_iri``, ``prefixes``, ``substitutions``) are written into
  the query text (:mod:`awardgraph.store.sparqltext`).
- **Blank nodes in updates**: Virtuoso refuses them in ``INSERT DATA``, so triples with blank nodes are sent as
  ``INSERT { … } WHERE { }`` (standard SPARQL, one fresh node per label and request).
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import pyoxigraph as ox

from awardgraph.config import Settings
from awardgraph.store import sparqltext
from awardgraph.store.base import QueryResult, StoreError, Term
from awardgraph.store.http import Client, Credentials, Reply

UnionMode = Literal["store", "listed"]
GRAPH_LIST_SECONDS = 30.0
EMPTY_GRAPH = "urn:awardgraph:empty"

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


class RemoteStore:
    """A SPARQL 1.1 store over HTTP. ``endpoint`` answers queries; writes go to ``update_endpoint`` (default:
    ``endpoint``) and, for whole graphs, to ``graph_store`` (Graph Store Protocol) when it is given."""

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        graph_store: str | None = None,
        credentials: Credentials | None = None,
        timeout: float = 30.0,
        update_timeout: float = 600.0,
        retries: int = 2,
        union: UnionMode = "store",
        scope: str | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or endpoint
        self.graph_store = graph_store
        self.union, self.scope = union, scope
        self._update_timeout = update_timeout
        self._client = Client(credentials, timeout=timeout, retries=retries)
        self._graph_list: tuple[float, list[str]] | None = None

    # -- reading -------------------------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
        union_default_graph: bool = True,
        substitutions: Mapping[str, Term] | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> QueryResult:
        """Run a query and return pyoxigraph's result objects, as :class:`EmbeddedStore` does."""
        form = sparqltext.query_form(sparql)
        accept = RDF_ACCEPT if form in ("CONSTRUCT", "DESCRIBE") else RESULTS_ACCEPT
        reply = self.query_raw(
            sparql,
            accept=accept,
            default_graphs=default_graphs,
            named_graphs=named_graphs,
            base_iri=base_iri,
            union_default_graph=union_default_graph,
            substitutions=substitutions,
            prefixes=prefixes,
        )
        return parse_reply(reply)

    def query_raw(
        self,
        sparql: str,
        *,
        accept: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
        union_default_graph: bool = True,
        substitutions: Mapping[str, Term] | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> Reply:
        """Run a query and return the store's answer as it came (for a passthrough that keeps the format)."""
        try:
            text = sparqltext.prepare(sparql, base_iri=base_iri, prefixes=prefixes, substitutions=substitutions)
        except sparqltext.UnsupportedQuery as exc:
            raise StoreError(str(exc)) from None
        form: list[tuple[str, str]] = [("query", text)]
        if default_graphs is not None:
            form += [("default-graph-uri", g) for g in default_graphs]
            if named_graphs is None and self.union == "listed":
                form += [("named-graph-uri", g) for g in self.graphs()]
        elif union_default_graph and self.union == "listed":
            form += [("default-graph-uri", g) for g in self.graphs() or [EMPTY_GRAPH]]
        if named_graphs is not None:
            form += [("named-graph-uri", g) for g in named_graphs]
        return self._client.send("POST", self.endpoint, data=form, headers={"Accept": accept}, idempotent=True)

    def graphs(self, prefix: str | None = None, *, fresh: bool = False) -> list[str]:
        """The named graphs whose IRI starts with ``prefix`` (default: the store's scope), sorted.

        Without a prefix of its own the list is cached for :data:`GRAPH_LIST_SECONDS` (it serves ``listed`` mode).
        """
        cached = prefix is None and not fresh
        if cached and self._graph_list and time.monotonic() - self._graph_list[0] < GRAPH_LIST_SECONDS:
            return self._graph_list[1]
        start = prefix if prefix is not None else self.scope
        where = f"FILTER(STRSTARTS(STR(?g), {_string(start)}))" if start else ""
        rows = self._select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {where} }}")
        found = sorted(row["g"]["value"] for row in rows if row.get("g", {}).get("type") == "uri")
        if prefix is None:
            self._graph_list = (time.monotonic(), found)
        return found

    def graph_counts(self, graphs: Sequence[str]) -> dict[str, int]:
        """Triples in each of ``graphs`` (a graph the store does not have is left out)."""
        counts: dict[str, int] = {}
        for start in range(0, len(graphs), 500):
            values = " ".join(str(ox.NamedNode(g)) for g in graphs[start : start + 500])
            rows = self._select(
                f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
            )
            counts.update({row["g"]["value"]: int(row["n"]["value"]) for row in rows if "g" in row})
        return counts

    def count(self) -> int:
        """Quads in the named graphs under the store's scope (all named graphs when it has none)."""
        where = f"FILTER(STRSTARTS(STR(?g), {_string(self.scope)}))" if self.scope else ""
        rows = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {where} }}")
        return int(rows[0]["n"]["value"]) if rows else 0

    def close(self) -> None:
        self._client.close()

    # -- writing -------------------------------------------------------------------------------------------------

    def update(self, sparql: str) -> None:
        """Run one SPARQL Update request (never retried once it may have reached the store)."""
        self._client.send(
            "POST",
            self.update_endpoint,
            data=sparql.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            idempotent=False,
            timeout=self._update_timeout,
        )
        self._graph_list = None

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace ``graph`` with N-Triples through the Graph Store Protocol (``PUT``, retried when safe)."""
        if not self.graph_store:
            raise StoreError("no Graph Store Protocol URL is configured (AWARDGRAPH_GRAPH_STORE)")
        self._client.send(
            "PUT",
            self.graph_store,
            params=[("graph", graph)],
            data=ntriples,
            headers={"Content-Type": "application/n-triples"},
            idempotent=True,
            timeout=self._update_timeout,
        )
        self._graph_list = None

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        """Make ``graph`` hold exactly ``triples``: one Graph Store ``PUT``, or one Update request."""
        listed = list(triples)
        if self.graph_store and listed:
            self.put_graph(graph, ntriples(listed))
            return
        drop = f"DROP SILENT GRAPH {ox.NamedNode(graph)}"
        self.update(f"{drop} ;\n{insert_text({graph: listed})}" if listed else drop)

    # -- helpers -------------------------------------------------------------------------------------------------

    def _select(self, sparql: str) -> list[dict[str, Any]]:
        """Bindings of a SELECT as plain SPARQL JSON (for the store's own bookkeeping queries)."""
        reply = self._client.send(
            "POST",
            self.endpoint,
            data=[("query", sparql)],
            headers={"Accept": "application/sparql-results+json"},
            idempotent=True,
        )
        try:
            return list(json.loads(reply.body)["results"]["bindings"])
        except (ValueError, KeyError, TypeError):
            raise StoreError(f"the store did not answer with SPARQL JSON results ({reply.media_type})") from None


def open_remote(settings: Settings, endpoint: str | None = None) -> RemoteStore:
    """The remote store the settings describe (``endpoint`` overrides ``settings.endpoint``)."""
    url = endpoint or settings.endpoint
    if not url:
        raise StoreError("no SPARQL endpoint is configured (AWARDGRAPH_ENDPOINT or --endpoint)")
    credentials = Credentials(
        user=settings.auth_user,
        password=settings.auth_password,
        token=settings.auth_token,
        scheme=settings.auth_scheme,  # type: ignore[arg-type]  # validated by Settings
    )
    return RemoteStore(
        url,
        update_endpoint=settings.update_endpoint,
        graph_store=settings.graph_store,
        credentials=credentials,
        timeout=settings.remote_timeout,
        update_timeout=settings.update_timeout,
        retries=settings.remote_retries,
        union=settings.union_graphs,  # type: ignore[arg-type]  # validated by Settings
        scope=settings.base_iri,
    )


def parse_reply(reply: Reply) -> QueryResult:
    """A query answer as pyoxigraph results: solutions or a boolean from SPARQL results, triples from RDF."""
    results_format = _RESULTS_FORMATS.get(reply.media_type)
    if results_format is not None:
        try:
            return ox.parse_query_results(reply.body, format=results_format)
        except SyntaxError as exc:
            if results_format != ox.QueryResultsFormat.JSON or "blank node" not in str(exc).lower():
                raise StoreError(f"the store's results do not parse: {exc}") from None
        return ox.parse_query_results(_rename_blank_nodes(reply.body), format=results_format)
    rdf_format = _RDF_FORMATS.get(reply.media_type)
    if rdf_format is None:
        raise StoreError(f"the store answered with {reply.media_type or 'no media type'}, which awardgraph cannot read")
    graph = ox.Store()
    try:
        graph.load(reply.body, format=rdf_format)
    except SyntaxError as exc:
        raise StoreError(f"the store's triples do not parse: {exc}") from None
    return graph.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


def ntriples(triples: Iterable[ox.Triple]) -> bytes:
    """N-Triples of ``triples`` (blank node labels kept)."""
    return "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples).encode("utf-8")


def insert_text(graphs: Mapping[str, Sequence[ox.Triple]]) -> str:
    """One Update request adding ``graphs``' triples.

    ``INSERT DATA`` when there are no blank nodes; otherwise one ``INSERT { GRAPH <g> { … } } WHERE { }``
    operation per graph (Virtuoso refuses blank nodes in ``INSERT DATA``, and fails on a template with blank
    nodes in more than one ``GRAPH`` block).
    """
    blank = any(_has_blank(t) for triples in graphs.values() for t in triples)
    blocks = [f"GRAPH {ox.NamedNode(graph)} {{\n{ntriples(triples).decode()}}}" for graph, triples in graphs.items()]
    if blank:
        return " ;\n".join(f"INSERT {{\n{block}\n}} WHERE {{ }}" for block in blocks)
    return "INSERT DATA {\n" + "\n".join(blocks) + "\n}"


def _has_blank(t: ox.Triple) -> bool:
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid SPARQL string literal


_BAD_LABEL = re.compile(r"[^A-Za-z0-9_]")


def _rename_blank_nodes(body: bytes) -> bytes:
    """SPARQL JSON results with blank node labels pyoxigraph accepts (``nodeID://b1`` -> ``nodeID___b1``)."""
    data = json.loads(body)
    for binding in data.get("results", {}).get("bindings", []):
        for term in binding.values():
            if isinstance(term, dict) and term.get("type") == "bnode":
                term["value"] = "b" + _BAD_LABEL.sub("_", str(term["value"]))
    return json.dumps(data).encode("utf-8")
