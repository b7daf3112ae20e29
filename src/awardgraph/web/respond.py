"""Helpers every view uses to answer: pick a format, check caches, serialize RDF, and set the linked-data headers.

A view parses the request, calls one function for the data, and hands the result to these helpers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from flask import Response, current_app, render_template, request

from awardgraph import namespaces
from awardgraph.store.results import used_prefixes
from awardgraph.web import conneg, i18n
from awardgraph.web.errors import Problem, not_acceptable
from awardgraph.web.state import Build

HTML_MAX_AGE = 300


def page_lang() -> str:
    """The reader's language for this request."""
    return i18n.choose(request.args.get("lang"), request.headers.get("Accept-Language"))


def pick_format(
    offered: Sequence[conneg.Format],
    *,
    fixed: conneg.Format | None = None,
    urls: Mapping[str, str] | None = None,
    default: conneg.Format | None = None,
) -> conneg.Format:
    """The format to answer in (suffix, then ``format=``, then ``Accept``), or a 406 :class:`Problem`; ``default``
    for a client that names no media type (see :func:`awardgraph.web.conneg.negotiate`)."""
    fmt = conneg.choose(
        offered, accept=request.headers.get("Accept"), name=request.args.get("format"), fixed=fixed, default=default
    )
    if fmt is None:
        raise not_acceptable(offered, urls)
    return fmt


def page_number(parameter: str) -> int:
    """The page a request asks for with ``?{parameter}=N`` (1 when absent); a 400 :class:`Problem` if not a page."""
    raw = request.args.get(parameter)
    if raw is None:
        return 1
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9 or int(raw) < 1:
        raise Problem(400, f"?{parameter}= must be a page number from 1, not {raw!r}.")
    return int(raw)


def suffix_rule(offered: Sequence[conneg.Format]) -> str:
    """The route part that takes the URL suffix of any of ``offered`` as ``suffix``.

    >>> suffix_rule((conneg.HTML, conneg.TURTLE, conneg.TRIX))
    "<any('.html', '.ttl'):suffix>"
    """
    return f"<any({', '.join(repr(s) for s in conneg.suffixes(offered))}):suffix>"


def alternates(base_path: str, formats: Iterable[conneg.Format], *, page: str = "") -> dict[str, str]:
    """Format key -> the URL of that format of a document at ``base_path`` (by suffix), ``page`` (a query string
    such as ``?page=2``, or nothing) appended."""
    return {f.key: f"{base_path}{f.suffix}{page}" for f in conneg.shown(tuple(formats)) if f.suffix}


def link_header(urls: Mapping[str, str], pages: Mapping[str, str] | None = None) -> str:
    """``Link`` header value: one ``rel="alternate"`` per format, then ``first``/``prev``/``next``/``last``."""
    links = [f'<{url}>; rel="alternate"; type="{conneg.FORMATS[key].media_type}"' for key, url in urls.items()]
    links += [f'<{url}>; rel="{rel}"' for rel, url in (pages or {}).items()]
    return ", ".join(links)


def etag_for(build: Build, *parts: str) -> str:
    """A strong validator for one representation of one build (the build id plus what varies)."""
    digest = hashlib.sha256("\x1f".join((build.id, request.path, *parts)).encode("utf-8")).hexdigest()[:20]
    return f"{build.id}-{digest}"


def not_modified(etag: str, built: dt.datetime) -> bool:
    """Whether the client's cached copy is still current (``If-None-Match``, else ``If-Modified-Since``).

    ``If-None-Match`` uses the weak comparison (RFC 9110, 13.1.2): a ``W/"..."`` validator, as proxies that
    compress answers send back, matches too."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return since is not None and built <= since


def parse_file(data: bytes, base_iri: str) -> list[ox.Triple]:
    """The triples of a build's Turtle file (its description, its shapes), with each blank node named by its place
    (``b0``, ``b1``, ...): the parser names them at random, and every worker must write the same bytes under one
    strong ``ETag``.

    >>> first, again = (parse_file(b"<s> <p> [ <q> 1 ], [ <q> 2 ] .", "http://e.org/") for _ in range(2))
    >>> first == again, sorted({str(t.subject) for t in first if isinstance(t.subject, ox.BlankNode)})
    (True, ['_:b0', '_:b1'])
    """
    names: dict[ox.BlankNode, ox.BlankNode] = {}

    def stable(term: ox.BlankNode) -> ox.BlankNode:
        return names.setdefault(term, ox.BlankNode(f"b{len(names)}"))

    triples = []
    for quad in ox.parse(data, format=ox.RdfFormat.TURTLE, base_iri=base_iri):
        s, p, o = quad.subject, quad.predicate, quad.object
        triples.append(
            ox.Triple(
                stable(s) if isinstance(s, ox.BlankNode) else s, p, stable(o) if isinstance(o, ox.BlankNode) else o
            )
        )
    return triples


def rdf_bytes(
    triples: Sequence[ox.Triple] | Sequence[ox.Quad], fmt: conneg.Format, prefixes: Mapping[str, str]
) -> bytes:
    """``triples`` (or quads, for a quad format) in an RDF format, by pyoxigraph's serializers, declaring only the
    prefixes they use (TriX: :func:`trix_bytes`)."""
    if fmt is conneg.TRIX:
        return trix_bytes(triples)
    assert fmt.rdf is not None
    return ox.serialize(triples, format=fmt.rdf, prefixes=used_prefixes(triples, prefixes)) or b""


TRIX_NS = "http://www.w3.org/2004/03/trix/trix-1/"


def trix_bytes(statements: Sequence[ox.Triple] | Sequence[ox.Quad]) -> bytes:
    """``statements`` as TriX (https://www.hpl.hp.com/techreports/2004/HPL-2004-56.html): triples in one unnamed
    graph, quads in one graph per graph name (the default graph unnamed). pyoxigraph has no TriX writer.

    >>> s, p = ox.NamedNode("http://e.org/s"), ox.NamedNode("http://e.org/p")
    >>> print(trix_bytes([ox.Triple(s, p, ox.Literal("<&>", language="pl"))]).decode())
    <?xml version="1.0" encoding="utf-8"?>
    <TriX xmlns="http://www.w3.org/2004/03/trix/trix-1/">
    <graph>
    <triple><uri>http://e.org/s</uri><uri>http://e.org/p</uri><plainLiteral xml:lang="pl">&lt;&amp;&gt;</plainLiteral></triple>
    </graph>
    </TriX>
    <BLANKLINE>
    """  # noqa: E501
    graphs: dict[str | None, list[ox.Triple]] = {}
    for statement in statements:
        if isinstance(statement, ox.Quad):
            graph = statement.graph_name
            key = graph.value if isinstance(graph, ox.NamedNode) else None
            graphs.setdefault(key, []).append(statement.triple)
        else:
            graphs.setdefault(None, []).append(statement)
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<TriX xmlns="{TRIX_NS}">']
    for name, triples in graphs.items():
        lines.append("<graph>" + (f"<uri>{escape(name)}</uri>" if name is not None else ""))
        lines += ["<triple>" + "".join(_trix_term(term) for term in triple) + "</triple>" for triple in triples]
        lines.append("</graph>")
    lines.append("</TriX>")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _trix_term(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<id>{escape(term.value)}</id>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<plainLiteral xml:lang={quoteattr(term.language)}>{escape(term.value)}</plainLiteral>"
        return f"<typedLiteral datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</typedLiteral>"
    raise ValueError(f"TriX has no way to write {term!r}")


def html(template: str, **context: object) -> str:
    """A rendered page; the language and the interface words are always in the context."""
    lang = str(context.pop("lang", None) or page_lang())
    return render_template(template, lang=lang, t=i18n.words(lang), **context)


def finish(
    response: Response,
    build: Build,
    *,
    etag: str,
    vary: str = "Accept, Accept-Language",
    content_location: str | None = None,
    links: Mapping[str, str] | None = None,
    pages: Mapping[str, str] | None = None,
    max_age: int = HTML_MAX_AGE,
) -> Response:
    """Set the caching and linked-data headers of a negotiated answer (``pages``: ``next`` and the like)."""
    response.set_etag(etag)
    response.last_modified = build.built
    response.headers["Vary"] = vary
    response.cache_control.public = True
    response.cache_control.max_age = max_age
    if content_location:
        response.headers["Content-Location"] = content_location
    if links or pages:
        response.headers["Link"] = link_header(links or {}, pages)
    return response


def conditional(build: Build, etag: str, **headers: object) -> Response | None:
    """A 304 answer when the client's copy is current, else ``None``."""
    if not not_modified(etag, build.built):
        return None
    response = current_app.response_class(status=304)
    return finish(response, build, etag=etag, **headers)  # type: ignore[arg-type]


@dataclasses.dataclass(frozen=True)
class Negotiated:
    """A catalogue document (``/dataset``, ``/ontology``, ``/shapes``) negotiated: its format and language, the
    ETag they make, and the URL of each format (its ``Content-Location`` and ``Link`` alternates)."""

    build: Build
    fmt: conneg.Format
    lang: str
    etag: str
    urls: dict[str, str]

    def not_modified(self) -> Response | None:
        """A 304 answer when the client's copy is current, else ``None``."""
        return conditional(self.build, self.etag, content_location=self.urls.get(self.fmt.key), links=self.urls)

    def rdf(self, triples: Sequence[ox.Triple], base_iri: str) -> bytes:
        """``triples`` in the negotiated RDF format, with the project's prefixes but ``id:`` and ``g:``."""
        shown = {k: v for k, v in namespaces.prefixes(base_iri).items() if k not in ("id", "g")}
        return rdf_bytes(triples, self.fmt, shown)

    def answer(self, body: str | bytes) -> Response:
        """``body`` in the negotiated format, with the caching and linked-data headers."""
        response = current_app.response_class(body, content_type=self.fmt.content_type)
        return finish(
            response, self.build, etag=self.etag, content_location=self.urls.get(self.fmt.key), links=self.urls
        )


def negotiate_document(build: Build, name: str, suffix: str, *, default: conneg.Format | None = None) -> Negotiated:
    """Negotiate the catalogue document ``/{name}`` (asked for as ``/{name}{suffix}``) in :data:`conneg.DOCUMENT`'s
    formats: the suffix, then ``format=``, then ``Accept`` (a 406 :class:`Problem` when none fits); ``default`` for
    a client that names no media type."""
    _, fixed = conneg.split_suffix(f"{name}{suffix}", conneg.DOCUMENT)
    urls = alternates(f"/{name}", conneg.DOCUMENT)
    fmt = pick_format(conneg.DOCUMENT, fixed=fixed, urls=urls, default=default)
    lang = page_lang()
    return Negotiated(build, fmt, lang, etag_for(build, fmt.key, lang if fmt is conneg.HTML else ""), urls)


def unknown(message: str) -> Problem:
    return Problem(404, message)
