"""IRIs under the base <-> the server's own paths. Pure functions: the base comes from the settings, never from
the ``Host`` header, so the same data browses on localhost and in production while payloads keep canonical IRIs.

>>> base = "https://w3id.org/awardgraph/"
>>> href("https://w3id.org/awardgraph/id/person/jan", base)
'/doc/person/jan'
>>> href("https://w3id.org/awardgraph/ontology#Distinction", base)
'/ontology#Distinction'
>>> href("http://www.wikidata.org/entity/Q37333", base)
'http://www.wikidata.org/entity/Q37333'
>>> thing_iri("person/jan", base), document_iri("person/jan", base)
('https://w3id.org/awardgraph/id/person/jan', 'https://w3id.org/awardgraph/doc/person/jan')
"""

from __future__ import annotations

from urllib.parse import urlsplit

THING = "id/"
DOCUMENT = "doc/"
GRAPH = "graph/"


def local_path(iri: str, base: str) -> str | None:
    """The server path that shows ``iri`` (things go straight to their document), or ``None`` outside the base."""
    if not iri.startswith(base) or len(iri) == len(base):
        return "/" if iri == base else None
    rest = iri[len(base) :]
    if rest.startswith(THING):
        return "/" + DOCUMENT + rest[len(THING) :]
    return "/" + rest


def href(iri: str, base: str) -> str | None:
    """A link target for ``iri`` in HTML: its local path under the base, the IRI itself if it is a web address,
    and ``None`` for anything else (``urn:``, ``mailto:`` and the like are shown, not linked)."""
    local = local_path(iri, base)
    if local is not None:
        return local
    return iri if urlsplit(iri).scheme in ("http", "https") else None


def thing_iri(rest: str, base: str) -> str:
    """The IRI of the thing ``/id/{rest}`` (and ``/doc/{rest}``) stands for."""
    return f"{base}{THING}{rest}"


def document_iri(rest: str, base: str) -> str:
    """The canonical IRI of the document describing ``{base}id/{rest}``."""
    return f"{base}{DOCUMENT}{rest}"


def graph_iri(rest: str, base: str) -> str:
    """The IRI of the named graph served at ``/graph/{rest}``."""
    return f"{base}{GRAPH}{rest}"
