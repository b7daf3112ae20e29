"""``/sparql``: the SPARQL 1.1 Protocol query operation, the service description, and the query page.

The protocol rules live in :mod:`awardgraph.web.endpoint.protocol`, the defences and the run in
:mod:`awardgraph.web.endpoint.querying`; this module only reads the request and answers.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from awardgraph import queries
from awardgraph.namespaces import prefixes
from awardgraph.store import results
from awardgraph.store.base import Answer
from awardgraph.web import conneg, respond
from awardgraph.web.documents import present
from awardgraph.web.endpoint import protocol, querying, service
from awardgraph.web.errors import Problem
from awardgraph.web.site import served, settings
from awardgraph.web.state import Build

bp = Blueprint("sparql", __name__)

HTML_ROWS = 2000
VARY = "Accept, Accept-Language"
SAFE = ("GET", "HEAD")  # HEAD answers as GET does, without the body
# the format an HTML page's results travel in from the query process
HTML_CARRIERS = {"table": conneg.SPARQL_JSON, "boolean": conneg.SPARQL_JSON, "graph": conneg.NTRIPLES}


@bp.route("/sparql", methods=["GET", "POST"])
@bp.route("/sparql/", methods=["GET", "POST"])
def endpoint() -> Response:
    """One query operation (GET or POST), or the service description / query page for a bare GET.

    HEAD is a GET without the body: a query is run to know what GET would answer (status, type, length, ETag)."""
    build = served()
    parsed = _parse()
    if parsed is None:
        return _service(build)
    varies = (
        request.query_string.decode("latin-1"),
        *(request.headers.get(h, "") for h in ("Accept", "Accept-Language")),
    )
    etag = respond.etag_for(build, *varies)
    if request.method in SAFE and (cached := respond.conditional(build, etag, vary=VARY, max_age=0)):
        return cached
    chosen = {kind: _result_format(offered) for kind, offered in querying.OFFERED.items()}
    answered = querying.answer(build, parsed, _carriers(chosen), _limits(chosen))
    answer = answered.answer
    fmt = chosen[answer.kind]
    assert fmt is not None
    if fmt is conneg.HTML:
        response = current_app.response_class(_page(answer, parsed.query), content_type=fmt.content_type)
        answer.payload.close()
    else:  # sent in pieces from the worker's copy (memory, or a temporary file for a large answer)
        response = current_app.response_class(answer.payload.pieces(), content_type=fmt.content_type)
        response.content_length = answer.payload.size
        response.call_on_close(answer.payload.close)  # also when the body is never sent (HEAD, a client gone)
    if answer.truncated:
        limit = f"triples={answer.count}" if answer.kind == "graph" else f"rows={answer.count}"
        response.headers[querying.TRUNCATED] = limit
    if answered.unknown_graphs:  # read as empty graphs: say so
        response.headers[querying.UNKNOWN_GRAPHS] = querying.unknown_graphs_header(answered.unknown_graphs)
    if request.method not in SAFE:
        response.headers["Vary"] = VARY
        return response
    return respond.finish(response, build, etag=etag, vary=VARY, max_age=0)


def _parse() -> protocol.QueryRequest | None:
    direct = request.mimetype == protocol.DIRECT
    try:
        return protocol.parse_request(
            "GET" if request.method == "HEAD" else request.method,
            request.mimetype or None,
            request.mimetype_params.get("charset"),
            request.args.to_dict(flat=False),
            request.form.to_dict(flat=False) if not direct else {},
            request.get_data(cache=True) if direct else b"",
        )
    except protocol.ProtocolError as exc:
        raise Problem(exc.status, exc.message, detail=exc.detail) from None


def _result_format(offered: tuple[conneg.Format, ...]) -> conneg.Format | None:
    """``format=`` if it names an offered format (other values are ignored, as clients send their own), else Accept."""
    name = request.values.get("format")
    return (conneg.by_name(name, offered) if name else None) or conneg.negotiate(request.headers.get("Accept"), offered)


def _carriers(chosen: dict[str, conneg.Format | None]) -> results.Formats:
    """The media type each kind of result is written in by the query process (HTML pages get data to render)."""
    media = {k: (HTML_CARRIERS[k] if f is conneg.HTML else f).media_type if f else None for k, f in chosen.items()}
    return results.Formats(**media)


def _limits(chosen: dict[str, conneg.Format | None]) -> results.Limits:
    rows = settings().max_rows if chosen["table"] is not conneg.HTML else min(settings().max_rows, HTML_ROWS)
    triples = settings().max_triples if chosen["graph"] is not conneg.HTML else min(settings().max_triples, HTML_ROWS)
    return results.Limits(rows=rows, triples=triples)


def _page(answer: Answer, query: str) -> str:
    """The query page with the answer as a table."""
    if answer.kind == "graph":
        quads = ox.parse(answer.body, format=ox.RdfFormat.N_TRIPLES)
        table = _table([ox.Triple(q.subject, q.predicate, q.object) for q in quads], answer.truncated)
    else:
        table = _table(ox.parse_query_results(answer.body, format=ox.QueryResultsFormat.JSON), answer.truncated)
    return respond.html("sparql.html", query=query, results=table, formats=_result_formats())


@dataclasses.dataclass(frozen=True)
class Table:
    """Results as the HTML page shows them."""

    columns: tuple[str, ...]
    rows: tuple[tuple[present.Node | None, ...], ...]
    boolean: bool | None = None
    truncated: bool = False


def _table(result: ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple], truncated: bool) -> Table:
    p = present.Presenter(
        base_iri=settings().base_iri, lang=respond.page_lang(), labels={}, prefixes=prefixes(settings().base_iri)
    )
    if isinstance(result, ox.QueryBoolean):
        return Table((), (), boolean=bool(result))
    source: Iterable[tuple[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None, ...]]
    if isinstance(result, list):
        columns: tuple[str, ...] = ("subject", "predicate", "object")
        source = ((t.subject, t.predicate, t.object) for t in result)
    else:
        columns = tuple(v.value for v in result.variables)
        source = (tuple(row[c] for c in columns) for row in result)
    rows = list(itertools.islice(source, HTML_ROWS))
    shown = tuple(tuple(p.node(term) if term is not None else None for term in row) for row in rows)
    return Table(columns, shown, truncated=truncated)


def _result_formats() -> list[conneg.Format]:
    return [f for f in (*conneg.TABLE_RESULTS, *conneg.GRAPH_RESULTS) if f is not conneg.HTML]


def _service(build: Build) -> Response:
    """Bare GET: the service description (RDF; Turtle when no media type is named) to machines, the query page to
    browsers."""
    fmt = respond.pick_format(conneg.SERVICE, default=conneg.TURTLE)
    if fmt is conneg.HTML:
        example = queries.text("example")
        body: str | bytes = respond.html("sparql.html", query=example, results=None, formats=_result_formats())
    else:
        triples = service.description(build, settings().base_iri)
        body = respond.rdf_bytes(triples, fmt, prefixes(settings().base_iri))
    response = current_app.response_class(body, content_type=fmt.content_type)
    response.headers["Vary"] = VARY
    # the description's other formats, which rdflib follows for JSON-LD when its Accept got another one
    response.headers["Link"] = respond.link_header(
        {f.key: f"/sparql?format={f.names[0]}" for f in conneg.shown(conneg.SERVICE) if f is not conneg.HTML}
    )
    return response
