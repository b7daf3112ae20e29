"""Content negotiation: one table of formats and pure functions over ``Accept`` headers. No Flask in here.

How a representation is chosen (the same everywhere; ``docs/http-api.md`` draws it)::

    URL suffix (.ttl .jsonld .rdf .nt .html)  ->  ?format=  ->  Accept (q-values)  ->  406
          fixes the format                  names or media types     most specific range wins,
                                                                     ties go to the server's order

Each view offers an ordered tuple of formats (:data:`DOCUMENT`, :data:`TABLE_RESULTS`, ...). For one offered
format the q-value is the one of the most specific media range that matches it (``text/turtle`` over ``text/*``
over ``*/*``); the highest q wins; equal q-values go to the earlier format in the offer, so ``*/*`` or no
``Accept`` at all gets the first one, unless the view names a ``default`` for a request that names no media type
(no ``Accept``, or ``*/*`` only): the dataset description gives such a client (a harvester) Turtle.

In the documents' offers N-Triples comes right after HTML: it is also Turtle, TriG, N3 and N-Quads, so a client
that lists several RDF types at the same q (rdflib sends every type it parses when asked for ``ntriples``,
``nquads`` or a media type) gets the one that most of them read. ``text/plain`` is N-Triples' historic media type
(rdflib's ``format="nt"`` asks for it): named, it gets N-Triples, answered as ``application/n-triples``; but it is
a weak name, which loses a tie to a format named by its own type (``text/html, text/plain``: the page).

>>> negotiate("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", DOCUMENT).key
'html'
>>> negotiate("application/rdf+xml;q=0.5, text/turtle", DOCUMENT).key
'turtle'
>>> negotiate("text/*;q=0.9, text/html;q=0", DOCUMENT).key
'turtle'
>>> negotiate("image/png", DOCUMENT) is None
True
>>> negotiate("text/plain, */*;q=0.1", DOCUMENT).key, negotiate("text/turtle, application/n-triples", DOCUMENT).key
('ntriples', 'ntriples')
>>> negotiate(None, DOCUMENT, default=TURTLE).key, negotiate("*/*", DOCUMENT, default=TURTLE).key
('turtle', 'turtle')
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence

import pyoxigraph as ox


@dataclasses.dataclass(frozen=True)
class Format:
    """One representation: its media type, URL suffix, ``format=`` names and the serializer behind it."""

    key: str
    media_type: str
    label: str
    suffix: str | None = None
    names: tuple[str, ...] = ()
    also: tuple[str, ...] = ()  # other media types a client may ask for to get this one
    rdf: ox.RdfFormat | None = None
    results: ox.QueryResultsFormat | None = None
    # media types that ask for this one only when named, and lose a tie to a format named by its own type
    weak: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header value: the registered media type, always with ``charset=utf-8``."""
        return f"{self.media_type}; charset=utf-8"

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.also, *self.weak)


HTML = Format("html", "text/html", "HTML", ".html", ("html", "text/html"), ("application/xhtml+xml",))
TURTLE = Format(
    "turtle",
    "text/turtle",
    "Turtle",
    ".ttl",
    ("turtle", "ttl", "n3", "text/turtle"),
    ("application/x-turtle", "text/n3"),
    rdf=ox.RdfFormat.TURTLE,
)
NTRIPLES = Format(
    "ntriples",
    "application/n-triples",
    "N-Triples",
    ".nt",
    ("nt", "ntriples", "n-triples", "application/n-triples"),
    rdf=ox.RdfFormat.N_TRIPLES,
    weak=("text/plain",),  # N-Triples' type before application/n-triples was registered; rdflib still asks for it
)
JSONLD = Format(
    "jsonld",
    "application/ld+json",
    "JSON-LD",
    ".jsonld",
    ("jsonld", "json-ld", "json", "application/ld+json"),
    ("application/json",),
    rdf=ox.RdfFormat.JSON_LD,
)
RDFXML = Format(
    "rdfxml",
    "application/rdf+xml",
    "RDF/XML",
    ".rdf",
    ("rdf", "rdfxml", "rdf+xml", "xml", "application/rdf+xml"),
    rdf=ox.RdfFormat.RDF_XML,
)
TRIG = Format("trig", "application/trig", "TriG", ".trig", ("trig", "application/trig"), rdf=ox.RdfFormat.TRIG)
NQUADS = Format(
    "nquads",
    "application/n-quads",
    "N-Quads",
    ".nq",
    ("nq", "nquads", "n-quads", "application/n-quads"),
    rdf=ox.RdfFormat.N_QUADS,
)
SPARQL_JSON = Format(
    "srj",
    "application/sparql-results+json",
    "SPARQL JSON",
    ".srj",
    ("json", "srj", "application/sparql-results+json"),
    ("application/json",),
    results=ox.QueryResultsFormat.JSON,
)
SPARQL_XML = Format(
    "srx",
    "application/sparql-results+xml",
    "SPARQL XML",
    ".srx",
    ("xml", "srx", "application/sparql-results+xml"),
    ("application/xml", "text/xml"),
    results=ox.QueryResultsFormat.XML,
)
CSV = Format("csv", "text/csv", "CSV", ".csv", ("csv", "text/csv"), results=ox.QueryResultsFormat.CSV)
TSV = Format(
    "tsv",
    "text/tab-separated-values",
    "TSV",
    ".tsv",
    ("tsv", "text/tab-separated-values"),
    results=ox.QueryResultsFormat.TSV,
)
#: TriX (an XML format of named graphs), written by :func:`awardgraph.web.respond.trix_bytes`: only by ``Accept`` or
#: ``format=`` (no URL suffix, so no link announces it), and with the triples of a document in one unnamed graph.
TRIX = Format("trix", "application/trix", "TriX", None, ("trix", "application/trix"))
JSON = Format("json", "application/json", "JSON", ".json", ("json", "application/json"))
TEXT = Format("text", "text/plain", "text", ".txt", ("text", "txt", "text/plain"))

#: Every format, for looking one up by key.
FORMATS: dict[str, Format] = {
    f.key: f
    for f in (HTML, TURTLE, NTRIPLES, JSONLD, RDFXML, TRIG, NQUADS, TRIX, SPARQL_JSON, SPARQL_XML, CSV, TSV, JSON, TEXT)
}
#: The formats of an RDF document (the triples of a document; the quad formats keep each statement's graph where
#: a document has them), in the order ties go: N-Triples first (see the module's documentation).
RDF_DOCUMENT = (NTRIPLES, TURTLE, JSONLD, RDFXML, TRIG, NQUADS, TRIX)

#: The order formats are listed in for people (links on pages, ``Link`` headers): Turtle before N-Triples.
SHOWN = (HTML, TURTLE, JSONLD, RDFXML, NTRIPLES, TRIG, NQUADS, TRIX)
#: A catalogue document (``/ontology``, ``/shapes``, ``/dataset``): HTML first, for ``*/*`` and browsers; the quad
#: formats hold its triples in the default graph (so that rdflib's ``format="trig"`` and the like read it).
DOCUMENT = (HTML, *RDF_DOCUMENT)
#: The document of a thing or a named graph (``/doc/...``, ``/graph/...``): the same formats; the quad formats keep
#: each statement in the named graph of its source.
RESOURCE = DOCUMENT
#: CONSTRUCT and DESCRIBE results: Turtle first; HTML only when asked for.
GRAPH_RESULTS = (TURTLE, NTRIPLES, JSONLD, RDFXML, TRIG, NQUADS, HTML)
#: SELECT and ASK results: SPARQL JSON first; HTML only when asked for.
TABLE_RESULTS = (SPARQL_JSON, SPARQL_XML, CSV, TSV, HTML)
#: ASK results: CSV and TSV do not define booleans.
BOOLEAN_RESULTS = (SPARQL_JSON, SPARQL_XML, HTML)
#: The bare endpoint: the service description to machines (Turtle when no media type is named), the query page to
#: browsers.
SERVICE = (*RDF_DOCUMENT, HTML)
#: A list page (``/list/{class}``): HTML first, then JSON and CSV.
LIST = (HTML, JSON, CSV)
#: Error bodies: plain text unless the client prefers HTML or JSON.
ERRORS = (TEXT, HTML, JSON)


@dataclasses.dataclass(frozen=True)
class MediaRange:
    """One element of an ``Accept`` header."""

    type: str
    subtype: str
    q: float

    def specificity(self, media_type: str) -> int:
        """3 for an exact match, 2 for ``type/*``, 1 for ``*/*``, 0 when the range does not match."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 1
        if self.type != main:
            return 0
        if self.subtype == "*":
            return 2
        return 3 if self.subtype == sub else 0


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; a missing or empty header accepts anything.

    Malformed elements are skipped; parameters other than ``q`` are ignored.

    >>> parse_accept("text/turtle;q=0.5, */*;q=0.1, nonsense, application/ld+json")[0]
    MediaRange(type='text', subtype='turtle', q=0.5)
    """
    if header is None or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = []
    for element in header.split(","):
        media, *params = (part.strip() for part in element.split(";"))
        media = "*/*" if media == "*" else media.lower()
        main, slash, sub = media.partition("/")
        if not slash or not main or not sub or (main == "*" and sub != "*"):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = -1.0
        if q >= 0:
            ranges.append(MediaRange(main, sub, q))
    return ranges


def score(ranges: Sequence[MediaRange], fmt: Format) -> tuple[float, bool]:
    """How much ``ranges`` want ``fmt``: the q-value of the most specific matching range (0 when none matches), and
    whether that came from one of its own media types rather than a weak one (:attr:`Format.weak`, which counts
    only when named: ``text/*`` does not ask for N-Triples as ``text/plain``). Higher scores win.

    >>> score(parse_accept("text/*"), NTRIPLES), score(parse_accept("text/plain"), NTRIPLES)
    ((0.0, False), (1.0, False))
    >>> score(parse_accept("text/html, text/plain"), HTML)
    (1.0, True)
    """
    best = (0, 0.0, False)
    for media_type in fmt.media_types:
        weak = media_type in fmt.weak
        for r in ranges:
            specificity = r.specificity(media_type)
            if specificity and not (weak and specificity < 3):
                best = max(best, (specificity, r.q, not weak))
    return best[1], best[2]


def quality(ranges: Sequence[MediaRange], fmt: Format) -> float:
    """The q-value ``ranges`` give ``fmt`` (see :func:`score`)."""
    return score(ranges, fmt)[0]


def names_nothing(ranges: Sequence[MediaRange]) -> bool:
    """Whether an ``Accept`` header (parsed) names no media type: absent, empty, or ``*/*`` only.

    >>> names_nothing(parse_accept(None)), names_nothing(parse_accept("*/*")), names_nothing(parse_accept("text/*"))
    (True, True, False)
    """
    return all(r.type == "*" for r in ranges) and any(r.q > 0 for r in ranges)


def negotiate(accept: str | None, offered: Sequence[Format], *, default: Format | None = None) -> Format | None:
    """The offered format the client prefers, or ``None`` if it accepts none of them (answer 406); ``default`` (if
    offered) for a client that names no media type (:func:`names_nothing`).

    Clients send a few ``Accept`` headers over and over: the choice for a short one is remembered (a bounded number
    of them: a long or ever-new header costs its own parse, never memory)."""
    if accept is not None and len(accept) > CACHED_ACCEPT:
        return _negotiate(accept, tuple(offered), default)
    return _remembered(accept, tuple(offered), default)


CACHED_ACCEPT = 256  # characters of an Accept header whose negotiation is remembered


def _negotiate(accept: str | None, offered: tuple[Format, ...], default: Format | None) -> Format | None:
    ranges = parse_accept(accept)
    if default is not None and default in offered and names_nothing(ranges):
        return default
    best: Format | None = None
    best_score = (0.0, True)
    for fmt in offered:
        scored = score(ranges, fmt)
        if scored[0] > 0 and (best is None or scored > best_score):
            best, best_score = fmt, scored
    return best


_remembered = functools.lru_cache(maxsize=512)(_negotiate)


def by_name(name: str, offered: Sequence[Format]) -> Format | None:
    """The offered format a ``format=`` value names (a short name such as ``ttl`` or a media type).

    >>> by_name("json", TABLE_RESULTS).key, by_name("json", GRAPH_RESULTS).key
    ('srj', 'jsonld')
    """
    wanted = name.strip().lower().replace(" ", "+")  # an unencoded '+' in a URL arrives as a space
    for fmt in offered:
        if wanted in fmt.names or wanted in fmt.media_types:
            return fmt
    return None


def split_suffix(path: str, offered: Sequence[Format]) -> tuple[str, Format | None]:
    """``path`` without a format suffix it ends with, and that format (``None`` when it has no known suffix).

    >>> path, fmt = split_suffix("person/jan-kowalski.ttl", DOCUMENT)
    >>> path, fmt.key
    ('person/jan-kowalski', 'turtle')
    """
    for fmt in offered:
        if fmt.suffix and path.endswith(fmt.suffix) and len(path) > len(fmt.suffix):
            return path[: -len(fmt.suffix)], fmt
    return path, None


def choose(
    offered: Sequence[Format],
    *,
    accept: str | None,
    name: str | None = None,
    fixed: Format | None = None,
    default: Format | None = None,
) -> Format | None:
    """Suffix, then ``format=``, then ``Accept``: the one rule every view follows (``default``: see
    :func:`negotiate`)."""
    if fixed is not None:
        return fixed if fixed in offered else None
    if name:
        return by_name(name, offered)
    return negotiate(accept, offered, default=default)


def shown(offered: Sequence[Format]) -> tuple[Format, ...]:
    """``offered`` in the order of :data:`SHOWN` (formats it does not list after those, in their order).

    >>> [f.key for f in shown(DOCUMENT)]
    ['html', 'turtle', 'jsonld', 'rdfxml', 'ntriples', 'trig', 'nquads', 'trix']
    """
    return tuple(sorted(offered, key=lambda f: SHOWN.index(f) if f in SHOWN else len(SHOWN)))


def suffixes(offered: Sequence[Format]) -> tuple[str, ...]:
    """The URL suffixes of ``offered``, for a route that takes them.

    >>> suffixes(DOCUMENT)
    ('.html', '.nt', '.ttl', '.jsonld', '.rdf', '.trig', '.nq')
    """
    return tuple(f.suffix for f in offered if f.suffix)
