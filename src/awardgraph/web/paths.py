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
>>> public_url("/doc/person/jan", base)
'https://w3id.org/awardgraph/doc/person/jan'
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from urllib.parse import urlsplit

THING = "id/"
DOCUMENT = "doc/"
GRAPH = "graph/"
LIST = "/list/"
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


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
    try:
        scheme = urlsplit(iri).scheme
    except ValueError:  # not a URL at all (an unbalanced IPv6 bracket): shown, not linked
        return None
    return iri if scheme in ("http", "https") else None


def thing_iri(rest: str, base: str) -> str:
    """The IRI of the thing ``/id/{rest}`` (and ``/doc/{rest}``) stands for."""
    return f"{base}{THING}{rest}"


def document_iri(rest: str, base: str) -> str:
    """The canonical IRI of the document describing ``{base}id/{rest}``."""
    return f"{base}{DOCUMENT}{rest}"


def graph_iri(rest: str, base: str) -> str:
    """The IRI of the named graph served at ``/graph/{rest}``."""
    return f"{base}{GRAPH}{rest}"


def public_url(path: str, base: str) -> str:
    """The absolute URL of the server path ``path`` when the site is served at ``base`` (for the sitemap and
    ``robots.txt``, which need absolute URLs; the request's host is never used)."""
    return base + path.lstrip("/")


def class_slug(iri: str, prefixes: Mapping[str, str]) -> str:
    """A readable slug for the list page of a class: its CURIE in lowercase words (``schema:GovernmentOrganization``
    -> ``schema-government-organization``), or its local name and a short digest when no prefix fits.

    >>> class_slug("http://schema.org/GovernmentOrganization", {"schema": "http://schema.org/"})
    'schema-government-organization'
    >>> class_slug("http://example.org/ns#Thing", {})
    'thing-8ddb2bdae8'
    """
    for prefix, namespace in sorted(prefixes.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return _slug(f"{prefix}-{iri[len(namespace) :]}") or _digest(iri)
    local = re.split(r"[#/]", iri.rstrip("#/"))[-1]
    return f"{_slug(local) or 'class'}-{_digest(iri)}"


def _slug(text: str) -> str:
    return _NOT_SLUG.sub("-", _CAMEL.sub("-", text).lower()).strip("-")


def _digest(iri: str) -> str:
    return hashlib.sha256(iri.encode("utf-8")).hexdigest()[:10]
