"""Every stated quote is the source's own words: it occurs in the archived text of its source document.

``{base}id/source/{slug}`` is archived as ``sources/{slug}.txt`` (UTF-8, as read; see data/sources/README.md) in a
``sources/`` folder inside a ``--data`` folder or beside a ``--data`` file (the project's own: ``data/sources/``).
Texts and quotes are compared after whitespace is normalised (runs of spaces and line breaks are one space) and
nothing else; a quote cut with ``[…]`` matches piece by piece, the pieces in order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import URIRef

from awardgraph.graph.findings import Finding, Severity
from awardgraph.graph.provenance import Provenance, squeeze
from awardgraph.graph.terms import compact, to_rdflib

RULE = "awardgraph:quotes-match-sources"
_CUT = re.compile(r"\[(?:…|\.\.\.)\]")
_PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
_QUOTE_GROUP = (
    "A stated quote (ag:quote) is not the words of its source's archived text (sources/{slug}.txt; whitespace aside, "
    "pieces cut with […] in order): quote the source exactly."
)
_ARCHIVE_GROUP = (
    "A stated assertion quotes a source whose text is not archived: add sources/{slug}.txt beside the data (see "
    "data/sources/README.md), so that its quotes can be checked."
)


def source_folders(data_paths: Iterable[Path], files: Iterable[Path]) -> list[Path]:
    """The ``sources/`` folders of the data: inside each ``--data`` folder, beside each ``--data`` file and beside
    each RDF file found, in that order, each once."""
    candidates = [p / "sources" if p.is_dir() else p.parent / "sources" for p in data_paths]
    candidates += [f.parent / "sources" for f in files]
    found: dict[Path, None] = {}
    for folder in candidates:
        if folder.is_dir():
            found.setdefault(folder, None)
    return list(found)


def pieces(quote: str) -> list[str]:
    """The parts of a quote between ``[…]`` cuts, whitespace normalised, empty ones dropped.

    >>> pieces("Opiekę nad mieszkaniami […] sprawuje lubelski MOPR.")
    ['Opiekę nad mieszkaniami', 'sprawuje lubelski MOPR.']
    """
    return [p for p in (squeeze(part) for part in _CUT.split(quote)) if p]


def first_missing(quote: str, text: str) -> tuple[str, int, int] | None:
    """The first piece of ``quote`` not found in ``text`` after the pieces before it, how much of its start is
    found there and where (in ``text``); None if every piece is found in order. ``text`` is whitespace-squeezed."""
    start = 0
    for piece in pieces(quote):
        at = text.find(piece, start)
        if at < 0:
            low, high = 0, len(piece)  # the longest start of the piece found after ``start`` (monotone in length)
            while low < high:
                mid = (low + high + 1) // 2
                if text.find(piece[:mid], start) >= 0:
                    low = mid
                else:
                    high = mid - 1
            return piece, low, text.find(piece[:low], start)
        start = at + len(piece)
    return None


def quote_findings(provenance: Provenance, base_iri: str, folders: list[Path]) -> Iterator[Finding]:
    """A violation per stated quote not in its source's text, and per stated quoting assertion with no text."""
    texts: dict[str, tuple[Path, str] | None] = {}
    for graph in sorted(provenance.quotes):
        if not provenance.stated(ox.NamedNode(graph)):
            continue
        sources = provenance.sources.get(graph, [])
        archived = [(s, found) for s in sources if (found := _archive(s, base_iri, folders, texts)) is not None]
        focus = URIRef(graph)
        if not archived:
            where = ", ".join(str(f) for f in folders) or "no sources/ folder beside the data"
            listed: list[str | None] = [*sorted(sources)] or [None]
            for source in listed:
                name = compact(source, base_iri) if source else "no source document"
                slug = _slug(source, base_iri)
                why = (
                    f"looked for {slug}.txt in: {where}"
                    if slug
                    else "only a source named {base}id/source/{slug} can be archived, as sources/{slug}.txt"
                )
                unreadable = [f / f"{slug}.txt" for f in folders if slug and (f / f"{slug}.txt").is_file()]
                if unreadable:
                    why = f"{unreadable[0]} is there but cannot be read as UTF-8 text"
                yield Finding(
                    Severity.VIOLATION,
                    f"{compact(graph, base_iri)} is stated with a quote, but {name} has no archived text to check it "
                    f"against ({why}).",
                    rule=RULE,
                    focus=focus,
                    path=_PROV_DERIVED,
                    value=URIRef(source) if source else None,
                    graph=URIRef(f"{base_iri}graph/provenance"),
                    group=_ARCHIVE_GROUP,
                )
            continue
        for quote in provenance.quotes[graph]:
            misses = [(s, path, first_missing(quote.value, text)) for s, (path, text) in archived]
            if any(miss is None for _, _, miss in misses):
                continue
            source, path, miss = misses[0]
            assert miss is not None
            yield Finding(
                Severity.VIOLATION,
                f"The quote of {compact(graph, base_iri)} is not in {compact(source, base_iri)} ({path}): "
                + _explain(miss, archived[0][1][1]),
                rule=RULE,
                focus=focus,
                path=f"{base_iri}ontology#quote",
                value=to_rdflib(quote),
                graph=URIRef(f"{base_iri}graph/provenance"),
                group=_QUOTE_GROUP,
            )


def _explain(miss: tuple[str, int, int], text: str) -> str:
    piece, matched, at = miss
    missing = f'"{piece}" was not found'
    if matched < 8:  # a few letters match anywhere: say nothing about where
        return missing + "."
    source_goes_on = text[at + matched : at + matched + 30]
    return (
        f'{missing}: the source has "{piece[:matched][-40:]}" but goes on "{source_goes_on}", not '
        f'"{piece[matched : matched + 30]}".'
    )


def _slug(source: str | None, base_iri: str) -> str | None:
    prefix = f"{base_iri}id/source/"
    if source is None or not source.startswith(prefix):
        return None
    slug = source[len(prefix) :]
    return slug if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug) else None


def _archive(
    source: str, base_iri: str, folders: list[Path], cache: dict[str, tuple[Path, str] | None]
) -> tuple[Path, str] | None:
    if source not in cache:
        slug = _slug(source, base_iri)
        cache[source] = None
        for folder in folders if slug else []:
            path = folder / f"{slug}.txt"
            try:
                cache[source] = (path, squeeze(path.read_text(encoding="utf-8")))
                break
            except (OSError, UnicodeDecodeError):
                continue
    return cache[source]
