"""A remote store: any SPARQL 1.1 Query + Update endpoint, optionally with the Graph Store HTTP Protocol.

Results come back as the embedded store's: ``QuerySolutions`` and ``QueryBoolean`` parsed by pyoxigraph from
SPARQL JSON results, ``QueryTriples`` from the store's N-Triples (or Turtle, RDF/XML) answer. Differences between
stores are handled here, not by callers:

- **Default graph.** awardgraph's default graph is a copy of the graphs the project vouches for
  (:mod:`awardgraph.graph.defaultgraph`), which ``publish`` writes as the graph :func:`default_graph_iri`
  (``{base}graph/default``). ``default_graph="store"`` is for a store whose default graph is a graph of its own
  (Oxigraph server *without* ``--union-default-graph``, Fuseki/TDB2 without ``unionDefaultGraph``): ``publish``
  moves the copy into the store's default graph, and queries go as they are. ``default_graph="listed"`` is for a
  store whose default graph is every graph (Virtuoso, GraphDB) or that holds other data: the copy stays a named
  graph, and every query that names no dataset gets ``FROM <{base}graph/default>`` and a ``FROM NAMED`` clause
  per graph under ``scope`` (the base IRI); the list is read from the store and kept for
  :data:`GRAPH_LIST_SECONDS` (or until :meth:`RemoteStore.forget_graphs`).
- **Datasets** given with a query (``default_graphs``, ``named_graphs``, or the query's own ``FROM`` clauses) are
  sent as the protocol's ``default-graph-uri``/``named-graph-uri``, whole: an empty list becomes one graph that
  does not exist (:data:`EMPTY_GRAPH`), because Virtuoso reads a missing ``named-graph-uri`` as "all graphs",
  and the query's ``FROM`` clauses are taken out of its text, because Virtuoso adds them to the parameters
  (and Oxigraph server started with ``--union-default-graph`` ignores them). ``GRAPH`` patterns are rewritten
  to read the dataset's named graphs only (:func:`~awardgraph.store.sparqltext.restrict_graphs`): Virtuoso reads
  a constant graph whatever the dataset says, and the graph standing for an empty list is a graph to the store.
- **A final VALUES** clause is moved into the query's pattern (Virtuoso refuses it outside ``SELECT`` and applies
  it after ``LIMIT``).
- **Syntax.** Every query is parsed by pyoxigraph before it is sent, so a query that is not SPARQL fails with the
  embedded store's own message (line and column), whichever store is behind.
- **DESCRIBE** is answered as the embedded store answers it, the concise bounded description
  (:mod:`awardgraph.store.describing`), whatever the store's own ``DESCRIBE`` does.
- **Answers** are read whole, blank node labels as the store wrote them (Virtuoso's ``nodeID://b10000`` made
  acceptable to pyoxigraph), and re-written by pyoxigraph in whatever format the caller wants
  (:mod:`awardgraph.store.answers`): a format the store cannot write is no limit.
- **Options** the protocol has no parameter for (``base_iri``, ``prefixes``, ``substitutions``) are written into
  the query text (:mod:`awardgraph.store.sparqltext`).
- **Errors**: a 4xx answer to a query is :class:`~awardgraph.store.base.QueryRefused` with the store's words
  (Virtuoso's echo of the query cut off); connection failures and 502/503/504 are
  :class:`~awardgraph.store.base.StoreUnavailable`.
- **The client.** Queries and updates go through SPARQLWrapper (:mod:`awardgraph.store.sparqlclient`) or through
  a requests session (:mod:`awardgraph.store.http`, which also sends Graph Store ``PUT``s): the same requests,
  timeouts, retries and errors; ``client`` chooses (see ``docs/performance.md`` for why serving keeps requests).
- **Writes** are written and sent by one :class:`~awardgraph.store.writing.UpdateWriter` (:attr:`RemoteStore.writer`).
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal, Protocol

import pyoxigraph as ox

from awardgraph.config import Settings
from awardgraph.store import answers, describing, sparqltext
from awardgraph.store.base import (
    Answer,
    QueryRefused,
    QueryResult,
    StoreError,
    StoreUnavailable,
    Term,
    UserQuery,
    answer_here,
)
from awardgraph.store.http import Client, Credentials, Reply
from awardgraph.store.sandbox.executor import PARSE_ONLY
from awardgraph.store.sandbox.pool import Job, QueryPool
from awardgraph.store.sparqlclient import SparqlClient
from awardgraph.store.writing import UpdateWriter

DefaultGraphMode = Literal["store", "listed"]
ClientKind = Literal["sparqlwrapper", "requests"]
GRAPH_LIST_SECONDS = 30.0
EMPTY_GRAPH = "urn:awardgraph:empty"  # stands for an empty list of graphs: no store holds it
Form = list[tuple[str, str]]


@dataclasses.dataclass(frozen=True)
class Dataset:
    """The graphs a query is sent with; ``in_text``: the project's own graphs (``listed`` mode), which may be
    written into the query as ``FROM`` clauses."""

    default: tuple[str, ...]
    named: tuple[str, ...]
    in_text: bool = False


class SparqlTransport(Protocol):
    """What the store needs of a SPARQL protocol client (:class:`SparqlClient` or :class:`Client`)."""

    def query(self, endpoint: str, text: str, *, accept: str, form: Sequence[tuple[str, str]] = ()) -> Reply: ...

    def update(self, endpoint: str, text: str, *, timeout: float | None = None) -> None: ...

    def close(self) -> None: ...


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
        default_graph: DefaultGraphMode = "store",
        scope: str | None = None,
        client: ClientKind = "sparqlwrapper",
        pool: QueryPool | None = None,
    ) -> None:
        self.endpoint, self.pool = endpoint, pool
        self.update_endpoint = update_endpoint or endpoint
        self.graph_store = graph_store
        self.default_graph, self.scope = default_graph, scope
        self._update_timeout = update_timeout
        self._http = Client(credentials, timeout=timeout, retries=retries)  # Graph Store PUTs, and "requests"
        self._sparql: SparqlTransport = (
            self._http if client == "requests" else SparqlClient(credentials, timeout=timeout, retries=retries)
        )
        self.writer = UpdateWriter(self._update, self._put if graph_store else None)
        self._graph_list: tuple[float, list[str]] | None = None
        self._parser = ox.Store()  # always empty: parses queries to fail as the embedded store fails

    # -- reading -------------------------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
        base_iri: str | None = None,
        substitutions: Mapping[str, Term] | None = None,
        prefixes: Mapping[str, str] | None = None,
    ) -> QueryResult:
        """Run a query and return pyoxigraph's result objects, as :class:`EmbeddedStore` does (the same dataset
        semantics, the same syntax errors, the same ``DESCRIBE``)."""
        self._parse(sparql, base_iri=base_iri, prefixes=prefixes, substitutions=substitutions)
        dataset = self._dataset(sparql, default_graphs, named_graphs, base_iri, prefixes)

        def send(text: str, accept: str) -> QueryResult:
            text, form = self._prepare(text, dataset, base_iri=base_iri, prefixes=prefixes, substitutions=substitutions)
            return answers.parse_reply(self._send_query(text, accept, form))

        kind = sparqltext.query_form(sparql)
        if kind == "DESCRIBE":
            found = describing.describe(
                sparql,
                lambda t: answers.solutions(send(t, answers.RESULTS_ACCEPT)),
                lambda t: answers.triples(send(t, answers.RDF_ACCEPT)),
            )
            return answers.as_result(found)
        return send(sparql, answers.RDF_ACCEPT if kind == "CONSTRUCT" else answers.RESULTS_ACCEPT)

    def forget_graphs(self) -> None:
        """Read the list of graphs again on the next query (``listed`` mode), e.g. after a publish."""
        self._graph_list = None

    def _parse(
        self,
        sparql: str,
        *,
        base_iri: str | None,
        prefixes: Mapping[str, str] | None,
        substitutions: Mapping[str, Term] | None,
    ) -> None:
        """Raise pyoxigraph's ``SyntaxError`` for a query that is not SPARQL, before anything is sent.

        The query runs on an empty in-memory store: ``SELECT`` and ``CONSTRUCT`` are lazy, so nothing is
        evaluated; an ``ASK`` is, so one with ``SERVICE`` (which would call out) is left to the store."""
        if sparqltext.query_form(sparql) == "ASK" and sparqltext.mentions(sparql, "SERVICE"):
            return
        self._parser.query(
            sparql,
            base_iri=base_iri,
            prefixes=dict(prefixes) if prefixes else None,
            substitutions={ox.Variable(k): v for k, v in substitutions.items()} if substitutions else None,
        )

    def _dataset(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None,
        named_graphs: Sequence[str] | None,
        base_iri: str | None,
        prefixes: Mapping[str, str] | None,
    ) -> Dataset | None:
        """The dataset that gives the query what the embedded store would give it (``None``: the store's own)."""
        listed = self.default_graph == "listed" and self.scope is not None
        if default_graphs is None and named_graphs is None:
            own = sparqltext.dataset_clauses(sparql, base_iri=base_iri, prefixes=prefixes)
            if own is not None:
                return Dataset(own.default, own.named)
            if not listed:
                return None
            return Dataset((self._default_iri(),), tuple(self.graphs()), in_text=True)
        if default_graphs is None:  # the project's default graph: only a listed one can be named
            default_graphs = (self._default_iri(),) if listed else ()
        return Dataset(tuple(default_graphs), tuple(self.graphs() if named_graphs is None else named_graphs))

    def _default_iri(self) -> str:
        assert self.scope is not None
        return default_graph_iri(self.scope)

    def _prepare(
        self,
        sparql: str,
        dataset: Dataset | None,
        *,
        base_iri: str | None,
        prefixes: Mapping[str, str] | None,
        substitutions: Mapping[str, Term] | None,
    ) -> tuple[str, Form]:
        """The text to send and the dataset parameters to send with it.

        A final ``VALUES`` moves inside the pattern; the project's graphs (``listed``) are written as ``FROM``
        clauses (Virtuoso answers one header per protocol graph, and HTTP clients refuse more than 100 headers);
        any other dataset goes as protocol parameters, the query's own ``FROM`` taken out (Virtuoso would add the
        two). An empty list of graphs is sent as :data:`EMPTY_GRAPH` (for Virtuoso, no ``named-graph-uri`` means
        all graphs). Then the options are written in (:mod:`sparqltext`)."""
        text, form = sparqltext.inline_values(sparql), []
        if dataset is not None:
            default, named = dataset.default or (EMPTY_GRAPH,), dataset.named or (EMPTY_GRAPH,)
            written = None
            if dataset.in_text:  # a query without GRAPH needs no named graphs: half the clauses for the store
                written = sparqltext.with_dataset(text, default, named if sparqltext.mentions(text, "GRAPH") else ())
            if written is not None:
                text = written
            else:
                text = sparqltext.without_dataset(text)
                form = [("default-graph-uri", g) for g in default] + [("named-graph-uri", g) for g in named]
            if sparqltext.mentions(text, "GRAPH"):  # GRAPH reads only the dataset's named graphs, on every store
                try:
                    text = sparqltext.restrict_graphs(
                        text, named, empty=EMPTY_GRAPH, base_iri=base_iri, prefixes=prefixes
                    )
                except sparqltext.UnsupportedQuery as exc:
                    raise QueryRefused(f"the query cannot be sent to a remote store: {exc}", detail=str(exc)) from None
        try:
            text = sparqltext.prepare(text, base_iri=base_iri, prefixes=prefixes, substitutions=substitutions)
        except sparqltext.UnsupportedQuery as exc:
            raise QueryRefused(f"the query cannot be sent to a remote store: {exc}", detail=str(exc)) from None
        return text, form

    def _send_query(self, text: str, accept: str, form: Form) -> Reply:
        try:
            return self._sparql.query(self.endpoint, text, accept=accept, form=form)
        except StoreUnavailable:
            raise
        except StoreError as exc:
            words = answers.store_words(exc.detail)
            if exc.status is not None and 400 <= exc.status < 500 and exc.status not in (401, 403, 407):
                raise QueryRefused(f"the store refused the query: {words}", status=exc.status, detail=words) from None
            raise StoreError(str(exc), status=exc.status, detail=words) from None

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
        copy = default_graph_iri(self.scope) if self.scope else None  # the default graph, not a graph of its own
        found = sorted(
            row["g"]["value"] for row in rows if row.get("g", {}).get("type") == "uri" and row["g"]["value"] != copy
        )
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

    def answer(self, request: UserQuery, *, timeout: float) -> Answer:
        """A user's query, run by the store within its HTTP timeout and written here. With a pool, its parse and plan
        (seconds for some queries of a few KiB) are done first in a query process, where they can be killed at
        ``timeout``."""
        if self.pool is not None:
            self.pool.run(Job.of(request, PARSE_ONLY, parse_only=True), timeout=timeout)
        return answer_here(self, request)

    def check_default_graph(self) -> None:
        """Raise :class:`DefaultGraphMismatch`, with the fix, when the store's default graph, read the way
        :attr:`default_graph` says, is not the project's: empty while the named graphs under the scope hold the
        data (every document would be a 404), or holding the dataset description, which the project's default
        graph never does (the store's default graph is the union of its graphs). Nothing to say about a store that
        holds no data under the scope (``serve`` warns about that itself)."""
        assert self.scope is not None
        base, copy = self.scope, default_graph_iri(self.scope)
        listed = self.default_graph == "listed"
        scoped = f"FILTER(STRSTARTS(STR(?g), {_string(base)}) && ?g != {ox.NamedNode(copy)})"
        if not self._select(f"SELECT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {scoped} }} LIMIT 1"):
            return
        setting = "AWARDGRAPH_DEFAULT_GRAPH"
        if _truth(self.query(f"ASK {{ {ox.NamedNode(f'{base}dataset')} ?p ?o }}")):
            if listed:
                raise DefaultGraphMismatch(
                    f"the store ignores FROM: a query with FROM <{copy}> (how {setting}=listed reads the project's "
                    "default graph) sees every graph, the dataset description included. Oxigraph server does this "
                    "when started with --union-default-graph: restart it without the flag"
                )
            raise DefaultGraphMismatch(
                "the store's default graph is the union of its graphs (it holds the dataset description, which "
                "the project's default graph never does), so every page would mix in the outside claims, the "
                f"shapes and the description. On Oxigraph server, restart it without --union-default-graph and "
                f"publish again; on a store that cannot do otherwise (Virtuoso, GraphDB), publish and serve with "
                f"{setting}=listed"
            )
        if _truth(self.query(f"ASK {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), {_string(base)})) }}")):
            return  # the project's statements are about its own things (its ontology, its graphs at least)
        if listed:
            own = f"SELECT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), {_string(base)})) }} LIMIT 1"
            every = f"SELECT ?p WHERE {{ {ox.NamedNode(f'{base}dataset')} ?p ?o }} LIMIT 1"
            if self._select(own) and not self._select(every):  # a default graph of its own holds the project's
                raise DefaultGraphMismatch(
                    f"the graph <{copy}> that {setting}=listed reads as the project's default graph is empty, and "
                    f"the store's own default graph holds statements: the data was published with {setting}=store, "
                    f"and every document would be a 404. Serve it with {setting}=store (what it was published "
                    f"with), or publish again with {setting}=listed"
                )
            raise DefaultGraphMismatch(
                f"the graph <{copy}> that {setting}=listed reads as the project's default graph is empty while the "
                f"named graphs under <{base}> hold the data, so every document would be a 404. Publish again "
                f"with 'awardgraph publish' and {setting}=listed (a store loaded by other means lacks that graph)"
            )
        if self.graph_counts([copy]).get(copy):
            raise DefaultGraphMismatch(
                f"the store's default graph holds none of the project's statements, and the project's default "
                f"graph is the named graph <{copy}>: "
                f"the data was published with {setting}=listed, and every document would be a 404. Serve it with "
                f"{setting}=listed (what it was published with), or publish again with {setting}=store, which "
                "moves it into the store's default graph"
            )
        raise DefaultGraphMismatch(
            f"the store's default graph holds none of the project's statements while the named graphs under "
            f"<{base}> hold the data, so every "
            f"document would be a 404. Publish again with 'awardgraph publish' and {setting}=store (the default), "
            "which writes the project's default graph into the store's (a store loaded by other means, e.g. from "
            "the N-Quads dump, lacks it)"
        )

    def default_count(self) -> int:
        """Triples in the store's own default graph (``store`` mode: the project's default graph)."""
        rows = self._select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(rows[0]["n"]["value"]) if rows else 0

    def count(self) -> int:
        """Quads in the named graphs under the store's scope (all named graphs when it has none), the copy that
        is the default graph left out."""
        where = ""
        if self.scope:
            copy = ox.NamedNode(default_graph_iri(self.scope))
            where = f"FILTER(STRSTARTS(STR(?g), {_string(self.scope)}) && ?g != {copy})"
        rows = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {where} }}")
        return int(rows[0]["n"]["value"]) if rows else 0

    def close(self) -> None:
        self._sparql.close()
        self._http.close()

    # -- writing -------------------------------------------------------------------------------------------------

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        """Make ``graph`` hold exactly ``triples``: one Graph Store ``PUT``, or one Update request."""
        self.writer.replace(graph, triples)

    def _update(self, sparql: str) -> None:
        """Send one SPARQL Update request (never retried once it may have reached the store)."""
        try:
            self._sparql.update(self.update_endpoint, sparql, timeout=self._update_timeout)
        finally:
            self._graph_list = None

    def _put(self, graph: str, ntriples: bytes) -> None:
        """Replace ``graph`` with N-Triples through the Graph Store Protocol (``PUT``, retried when safe)."""
        assert self.graph_store is not None
        try:
            self._http.send(
                "PUT",
                self.graph_store,
                params=[("graph", graph)],
                data=ntriples,
                headers={"Content-Type": "application/n-triples"},
                idempotent=True,
                timeout=self._update_timeout,
            )
        finally:
            self._graph_list = None

    # -- helpers -------------------------------------------------------------------------------------------------

    def _select(self, sparql: str) -> list[dict[str, Any]]:
        """Bindings of a SELECT as plain SPARQL JSON (for the store's own bookkeeping queries)."""
        reply = self._sparql.query(self.endpoint, sparql, accept="application/sparql-results+json")
        try:
            return list(json.loads(reply.body)["results"]["bindings"])
        except (ValueError, KeyError, TypeError):
            raise StoreError(f"the store did not answer with SPARQL JSON results ({reply.media_type})") from None


class DefaultGraphMismatch(StoreError):
    """The store's default graph, as ``AWARDGRAPH_DEFAULT_GRAPH`` reads it, is not the project's; the message says
    why and what fixes it."""


def _truth(result: QueryResult) -> bool:
    return bool(result) if isinstance(result, ox.QueryBoolean) else False


def open_remote(
    settings: Settings,
    endpoint: str | None = None,
    *,
    client: ClientKind = "sparqlwrapper",
    pool: QueryPool | None = None,
) -> RemoteStore:
    """The remote store the settings describe (``endpoint`` overrides ``settings.endpoint``), spoken to with
    ``client``; users' queries are parsed in ``pool``'s processes first, when there is one."""
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
        default_graph=settings.default_graph,  # type: ignore[arg-type]  # validated by Settings
        scope=settings.base_iri,
        client=client,
        pool=pool,
    )


def default_graph_iri(base_iri: str) -> str:
    """The graph ``publish`` writes the project's default graph as (``listed`` mode keeps it under this name)."""
    return f"{base_iri}graph/default"


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid SPARQL string literal
