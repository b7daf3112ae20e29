"""Content negotiation: one table of formats and pure functions over ``Accept`` headers. No Flask in here.

How a representation is chosen (the same everywhere; ``docs/http-api.md`` draws it)::

    URL suffix (.ttl .jsonld .rdf .nt .html)  ->  ?format=  ->  Accept (q-values)  ->  406
          fixes the format                  names or media types     most specific range wins,
                                                                     ties go to the server's order

Each view offers an ordered tuple of formats (:data:`DOCUMENT`, :data:`TABLE_RESULTS`, ...). For one offered
format the q-value is the one of the most specific media range that matches it (``text/turtle`` over ``text/*``
over ``*/*``); the highest q wins; equal q-values go to the earlier format in the offer, so ``*/*`` or no
``Accept`` at all gets the first one.

>>> negotiate("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", DOCUMENT).key
'html'
>>> negotiate("application/rdf+xml;q=0.5, text/turtle", DOCUMENT).key
'turtle'
>>> negotiate("text/*;q=0.9, text/html;q=0", DOCUMENT).key
'turtle'
>>> negotiate("image/png", DOCUMENT) is None
True
"""

from __future__ import annotations

import dataclasses
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

    @property
    def content_type(self) -> str:
        """The ``Content-Type`` header value: the registered media type, always with ``charset=utf-8``."""
        return f"{self.media_type}; charset=utf-8"

    @property
    def media_types(self) -> tuple[str, ...]:
        return (self.media_type, *self.also)


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
JSON = Format("json", "application/json", "JSON", ".json", ("json", "application/json"))
TEXT = Format("text", "text/plain", "text", ".txt", ("text", "txt", "text/plain"))

#: Every format, for looking one up by key.
FORMATS: dict[str, Format] = {
    f.key: f
    for f in (HTML, TURTLE, NTRIPLES, JSONLD, RDFXML, TRIG, NQUADS, SPARQL_JSON, SPARQL_XML, CSV, TSV, JSON, TEXT)
}

#: A resource document (``/doc/...``, ``/ontology``, ``/dataset``): HTML first, for ``*/*`` and browsers.
DOCUMENT = (HTML, TURTLE, JSONLD, RDFXML, NTRIPLES)
#: The document of a thing or a named graph (``/doc/...``, ``/graph/...``): also in the quad formats, which keep
#: each statement in the named graph of its source.
RESOURCE = (*DOCUMENT, TRIG, NQUADS)
#: CONSTRUCT and DESCRIBE results: Turtle first; HTML only when asked for.
GRAPH_RESULTS = (TURTLE, NTRIPLES, JSONLD, RDFXML, TRIG, NQUADS, HTML)
#: SELECT and ASK results: SPARQL JSON first; HTML only when asked for.
TABLE_RESULTS = (SPARQL_JSON, SPARQL_XML, CSV, TSV, HTML)
#: ASK results: CSV and TSV do not define booleans.
BOOLEAN_RESULTS = (SPARQL_JSON, SPARQL_XML, HTML)
#: The bare endpoint: the service description to machines, the query page to browsers.
SERVICE = (TURTLE, JSONLD, RDFXML, NTRIPLES, HTML)
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


def quality(ranges: Sequence[MediaRange], fmt: Format) -> float:
    """The q-value ``ranges`` give ``fmt``: that of the most specific matching range (0 when none matches)."""
    best = (0, 0.0)
    for media_type in fmt.media_types:
        for r in ranges:
            specificity = r.specificity(media_type)
            if specificity and (specificity, r.q) > best:
                best = (specificity, r.q)
    return best[1]


def negotiate(accept: str | None, offered: Sequence[Format]) -> Format | None:
    """The offered format the client prefers, or ``None`` if it accepts none of them (answer 406)."""
    ranges = parse_accept(accept)
    best: Format | None = None
    best_q = 0.0
    for fmt in offered:
        q = quality(ranges, fmt)
        if q > best_q:
            best, best_q = fmt, q
    return best


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
    offered: Sequence[Format], *, accept: str | None, name: str | None = None, fixed: Format | None = None
) -> Format | None:
    """Suffix, then ``format=``, then ``Accept``: the one rule every view follows."""
    if fixed is not None:
        return fixed if fixed in offered else None
    if name:
        return by_name(name, offered)
    return negotiate(accept, offered)
