"""``/sparql``: the SPARQL 1.1 Protocol query operation, the service description, and the query page.

The protocol rules live in :mod:`awardgraph.web.protocol`; this module only reads the request and answers.
"""

from __future__ import annotations

import dataclasses
import itertools

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from awardgraph import queries
from awardgraph.namespaces import prefixes
from awardgraph.store.base import QueryResult
from awardgraph.web import conneg, present, protocol, respond, service
from awardgraph.web.errors import Problem
from awardgraph.web.site import served, settings
from awardgraph.web.state import Build

bp = Blueprint("sparql", __name__)

HTML_ROWS = 2000
OFFERED = {"graph": conneg.GRAPH_RESULTS, "table": conneg.TABLE_RESULTS, "boolean": conneg.BOOLEAN_RESULTS}
VARY = "Accept, Accept-Language"


@bp.route("/sparql", methods=["GET", "POST"])
@bp.route("/sparql/", methods=["GET", "POST"])
def endpoint() -> Response:
    """One query operation (GET or POST), or the service description / query page for a bare GET."""
    build = served()
    parsed = _parse()
    if parsed is None:
        return _service(build)
    varies = (
        request.query_string.decode("latin-1"),
        *(request.headers.get(h, "") for h in ("Accept", "Accept-Language")),
    )
    etag = respond.etag_for(build, *varies)
    if request.method == "GET" and (cached := respond.conditional(build, etag, vary=VARY, max_age=0)):
        return cached
    result = _run(build, parsed)
    fmt = _result_format(OFFERED[protocol.kind(result)])
    response = current_app.response_class(_render(result, fmt, parsed.query), content_type=fmt.content_type)
    if request.method != "GET":
        response.headers["Vary"] = VARY
        return response
    return respond.finish(response, build, etag=etag, vary=VARY, max_age=0)


def _parse() -> protocol.QueryRequest | None:
    direct = request.mimetype == protocol.DIRECT
    try:
        return protocol.parse_request(
            request.method,
            request.mimetype or None,
            request.mimetype_params.get("charset"),
            request.args.to_dict(flat=False),
            request.form.to_dict(flat=False) if not direct else {},
            request.get_data(cache=True) if direct else b"",
        )
    except protocol.ProtocolError as exc:
        raise Problem(exc.status, exc.message, detail=exc.detail) from None


def _result_format(offered: tuple[conneg.Format, ...]) -> conneg.Format:
    """``format=`` if it names an offered format (other values are ignored, as clients send their own), else Accept."""
    name = request.values.get("format")
    fmt = (conneg.by_name(name, offered) if name else None) or conneg.negotiate(request.headers.get("Accept"), offered)
    if fmt is None:
        available = ", ".join(f.media_type for f in offered)
        raise Problem(406, f"No acceptable format for this result. Available: {available}.")
    return fmt


def _run(build: Build, parsed: protocol.QueryRequest) -> QueryResult:
    base = settings().base_iri
    try:
        return protocol.execute(build.store, parsed, base_iri=base, prefixes=prefixes(base))
    except protocol.ProtocolError as exc:
        raise Problem(exc.status, exc.message, detail=exc.detail) from None


def _render(result: QueryResult, fmt: conneg.Format, query: str) -> bytes | str:
    """The whole answer, serialized before anything is sent (an evaluation error is a 400, not a cut body)."""
    try:
        if fmt is conneg.HTML:
            return respond.html("sparql.html", query=query, results=_table(result), formats=_result_formats())
        if isinstance(result, ox.QueryTriples):
            return respond.rdf_bytes(list(result), fmt, prefixes(settings().base_iri))
        assert fmt.results is not None
        return result.serialize(format=fmt.results) or b""
    except (RuntimeError, ValueError) as exc:
        raise Problem(400, f"The query failed while it was evaluated: {exc}") from None


@dataclasses.dataclass(frozen=True)
class Table:
    """Results as the HTML page shows them."""

    columns: tuple[str, ...]
    rows: tuple[tuple[present.Node | None, ...], ...]
    boolean: bool | None = None
    truncated: bool = False


def _table(result: QueryResult) -> Table:
    p = present.Presenter(
        base_iri=settings().base_iri, lang=respond.page_lang(), labels={}, prefixes=prefixes(settings().base_iri)
    )
    if isinstance(result, ox.QueryBoolean):
        return Table((), (), boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        columns: tuple[str, ...] = ("subject", "predicate", "object")
        source = ((t.subject, t.predicate, t.object) for t in result)
    else:
        columns = tuple(v.value for v in result.variables)
        source = (tuple(row[c] for c in columns) for row in result)
    rows = list(itertools.islice(source, HTML_ROWS + 1))
    shown = tuple(tuple(p.node(term) if term is not None else None for term in row) for row in rows[:HTML_ROWS])
    return Table(columns, shown, truncated=len(rows) > HTML_ROWS)


def _result_formats() -> list[conneg.Format]:
    return [f for f in (*conneg.TABLE_RESULTS, *conneg.GRAPH_RESULTS) if f is not conneg.HTML]


def _service(build: Build) -> Response:
    """Bare GET: the service description (RDF) to machines, the query page to browsers."""
    fmt = respond.pick_format(conneg.SERVICE)
    if fmt is conneg.HTML:
        example = queries.text("example")
        body: str | bytes = respond.html("sparql.html", query=example, results=None, formats=_result_formats())
    else:
        triples = service.description(build, settings().base_iri)
        body = respond.rdf_bytes(triples, fmt, prefixes(settings().base_iri))
    response = current_app.response_class(body, content_type=fmt.content_type)
    response.headers["Vary"] = VARY
    return response
