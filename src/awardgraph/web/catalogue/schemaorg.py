"""The dataset as a schema.org ``Dataset`` in JSON-LD, for the ``<script type="application/ld+json">`` of the home
page and of ``/dataset``: what search engines' dataset search reads (Google's structured-data rules for Dataset:
``name`` and ``description`` required; ``license``, ``creator``, ``distribution`` as ``DataDownload`` with
``contentUrl`` and ``encodingFormat``, ``temporalCoverage``, ``spatialCoverage``, ``url``, ``identifier``,
``keywords``, ``inLanguage`` recommended).

Everything is read from the build's DCAT-AP description (its triples), so the two say the same; identifiers and
URLs are the canonical ones (under the base IRI), as in every RDF answer of the site.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import pyoxigraph as ox

from awardgraph.web import i18n

DCAT, DCT = "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/"
FOAF, RDFS, SKOS = (
    "http://xmlns.com/foaf/0.1/",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2004/02/skos/core#",
)
IANA = "http://www.iana.org/assignments/media-types/"
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
_POINT = re.compile(r"POINT\s*\(\s*(?P<lon>-?[0-9.]+)\s+(?P<lat>-?[0-9.]+)\s*\)")


class _Index:
    def __init__(self, triples: Sequence[ox.Triple]) -> None:
        self.by: dict[tuple[str, str], list[Term]] = {}
        for t in triples:
            self.by.setdefault((str(t.subject), t.predicate.value), []).append(t.object)

    def all(self, subject: Term, predicate: str) -> list[Term]:
        return self.by.get((str(subject), predicate), [])

    def one(self, subject: Term, predicate: str) -> Term | None:
        found = self.all(subject, predicate)
        return found[0] if found else None

    def text(self, subject: Term, predicate: str, lang: str) -> str | None:
        texts = {o.language or "": o.value for o in self.all(subject, predicate) if isinstance(o, ox.Literal)}
        return i18n.pick(texts, lang)


def dataset_jsonld(triples: Sequence[ox.Triple], base_iri: str, lang: str) -> str:
    """The ``Dataset`` of the description ``triples`` in JSON-LD, in the reader's language ``lang``, safe to put
    inside a ``<script>`` element (no ``<``, ``>`` or ``&`` in the text)."""
    index = _Index(triples)
    dataset = ox.NamedNode(f"{base_iri}dataset")
    data: dict[str, object] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": dataset.value,
        "name": index.text(dataset, f"{DCT}title", lang),
        "description": index.text(dataset, f"{DCT}description", lang),
        "url": _iri(index.one(dataset, f"{DCAT}landingPage")) or base_iri,
        "identifier": dataset.value,
        "keywords": sorted({o.value for o in index.all(dataset, f"{DCAT}keyword") if isinstance(o, ox.Literal)}),
        "inLanguage": _languages(index, dataset),
        "isAccessibleForFree": True,
        "license": _licence(index, dataset),
        "creator": _agent(index, index.one(dataset, f"{DCT}publisher"), lang),
        "publisher": _agent(index, index.one(dataset, f"{DCT}publisher"), lang),
        "datePublished": _value(index.one(dataset, f"{DCT}issued")),
        "dateModified": _value(index.one(dataset, f"{DCT}modified")),
        "version": _value(index.one(dataset, f"{DCAT}version")),
        "temporalCoverage": _period(index, dataset),
        "spatialCoverage": _place(index, index.one(dataset, f"{DCT}spatial"), lang),
        "distribution": _downloads(index, dataset, lang),
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "name": index.text(ox.NamedNode(f"{base_iri}catalog"), f"{DCT}title", lang),
            "url": base_iri,
        },
    }
    text = json.dumps({k: v for k, v in data.items() if v not in (None, [], {})}, ensure_ascii=False, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _iri(term: Term | None) -> str | None:
    return term.value if isinstance(term, ox.NamedNode) else None


def _value(term: Term | None) -> str | None:
    return term.value if isinstance(term, ox.Literal) else None


def _languages(index: _Index, dataset: ox.NamedNode) -> list[str]:
    """The data's languages as BCP 47 tags (from the EU language table's codes)."""
    codes = {"POL": "pl", "ENG": "en"}
    iris = [_iri(o) or "" for o in index.all(dataset, f"{DCT}language")]
    found = [codes.get(iri.rsplit("/", 1)[-1]) for iri in iris]
    return sorted(code for code in found if code)


def _licence(index: _Index, dataset: ox.NamedNode) -> str | None:
    """The licence's deed (its ``rdfs:seeAlso``: the Creative Commons page search engines know), else its IRI."""
    licence = index.one(dataset, f"{DCT}license")
    deed = index.one(licence, f"{RDFS}seeAlso") if licence is not None else None
    return _iri(deed) or _iri(licence)


def _agent(index: _Index, agent: Term | None, lang: str) -> dict[str, object] | None:
    if not isinstance(agent, ox.NamedNode):
        return None
    return {"@type": "Organization", "@id": agent.value, "name": index.text(agent, f"{FOAF}name", lang)}


def _period(index: _Index, dataset: ox.NamedNode) -> str | None:
    """``start/end`` (ISO 8601), from the description's ``dcterms:temporal``."""
    period = index.one(dataset, f"{DCT}temporal")
    if period is None:
        return None
    start, end = (_value(index.one(period, f"{DCAT}{p}")) for p in ("startDate", "endDate"))
    return f"{start}/{end}" if start and end else start or end


def _place(index: _Index, place: Term | None, lang: str) -> dict[str, object] | None:
    if not isinstance(place, ox.NamedNode):
        return None
    found: dict[str, object] = {"@type": "Place", "sameAs": place.value}
    if name := index.text(place, f"{SKOS}prefLabel", lang):
        found["name"] = name
    centroid = _value(index.one(place, f"{DCAT}centroid"))
    if centroid and (m := _POINT.fullmatch(centroid.strip())):
        found["geo"] = {"@type": "GeoCoordinates", "latitude": float(m["lat"]), "longitude": float(m["lon"])}
    return found


def _downloads(index: _Index, dataset: ox.NamedNode, lang: str) -> list[dict[str, object]]:
    """Each distribution with a download URL, as a ``DataDownload`` (the SPARQL service has none: it is in
    ``url``'s page and in the DCAT description)."""
    found = []
    for dist in index.all(dataset, f"{DCAT}distribution"):
        url = _iri(index.one(dist, f"{DCAT}downloadURL"))
        media = _iri(index.one(dist, f"{DCAT}mediaType"))
        if not url or not media:
            continue
        download: dict[str, object] = {
            "@type": "DataDownload",
            "name": index.text(dist, f"{DCT}title", lang),
            "contentUrl": url,
            "encodingFormat": media.removeprefix(IANA),
        }
        if size := _value(index.one(dist, f"{DCAT}byteSize")):
            download["contentSize"] = f"{size} B"
        found.append(download)
    return sorted(found, key=lambda d: str(d["contentUrl"]))
