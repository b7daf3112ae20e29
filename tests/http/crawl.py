"""A crawler for the test client: from one page, follow every local link found in HTML (``href``/``src``), in
``Link`` headers, in ``Location`` headers, in RDF (IRIs under the base, mapped to local paths), in the list pages'
JSON and in the sitemap, and check what comes back. Bounded: it stops (and says so) after ``limit`` URLs."""

from __future__ import annotations

import collections
import dataclasses
import html
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from typing import Any

from flask.testing import FlaskClient
from httphelp import BROWSER_ACCEPT, RDFLIB_FORMATS, media_type, parse
from rdflib import Literal, URIRef

from awardgraph.web import paths

LINK = re.compile(r'<([^>]*)>((?:\s*;\s*[\w*-]+="?[^",;]*"?)*)')
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


class Page(HTMLParser):
    """What the crawl needs from an HTML page: its language, title, link targets and element ids."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.title = ""
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.canonical: list[str] = []  # <link rel="canonical">
        self.hreflang: dict[str, str] = {}  # <link rel="alternate" hreflang> by language
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = found.get("lang")
        self._in_title = tag == "title"
        if "id" in found:
            self.ids.add(found["id"])
        if tag == "link" and found.get("rel") == "canonical":
            self.canonical.append(found.get("href", ""))
        if tag == "link" and found.get("rel") == "alternate" and "hreflang" in found:
            self.hreflang[found["hreflang"]] = found.get("href", "")
        for name in ("href", "src"):
            if name in found:
                self.links.append(found[name])

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


@dataclasses.dataclass
class Crawl:
    fetched: dict[str, int] = dataclasses.field(default_factory=dict)  # URL -> status
    html_pages: int = 0
    rdf_documents: int = 0
    triples: int = 0
    problems: list[str] = dataclasses.field(default_factory=list)
    anchors: dict[str, set[str]] = dataclasses.field(default_factory=dict)  # HTML page -> its element ids
    fragments: list[tuple[str, str, str]] = dataclasses.field(default_factory=list)  # (page, fragment, found on)
    finished: bool = False

    def dangling_fragments(self) -> list[str]:
        """Links ``/page#x`` found in HTML whose page has no element ``id="x"``."""
        return [
            f"{page}#{fragment} (linked from {source})"
            for page, fragment, source in self.fragments
            if page in self.anchors and fragment not in self.anchors[page]
        ]


def crawl(client: FlaskClient, base: str, *, start: str = "/", limit: int = 20_000) -> Crawl:
    """Crawl the site from ``start``; every URL is fetched once, with the media type its link announced."""
    result = Crawl()
    queue: collections.deque[tuple[str, str, str]] = collections.deque([(start, BROWSER_ACCEPT, "the start")])
    queued = {start}

    def follow(target: str, source: str, accept: str = BROWSER_ACCEPT, *, from_html: bool = False) -> None:
        if not target.startswith("/") or target.startswith("//"):
            return  # another site
        url, _, fragment = target.partition("#")
        if fragment and from_html:
            result.fragments.append((url, fragment, source))
        if url and url not in queued:
            queued.add(url)
            queue.append((url, accept, source))

    while queue:
        if len(result.fetched) >= limit:
            result.problems.append(f"stopped after {limit} URLs with {len(queue)} still queued (endless paging?)")
            return result
        url, accept, source = queue.popleft()
        with client.get(url, headers={"Accept": accept}) as r:
            result.fetched[url] = r.status_code
            if r.status_code >= 400:
                result.problems.append(f"{url}: {r.status_code} (linked from {source})")
                continue
            if r.status_code in (301, 302, 303, 307, 308):
                follow(r.headers["Location"], url, accept)
                continue
            for target, params in LINK.findall(r.headers.get("Link", "")):
                announced = re.search(r'type="([^"]+)"', params)
                follow(target, f"the Link header of {url}", announced.group(1) if announced else BROWSER_ACCEPT)
            _read(result, url, media_type(r.content_type), r.get_data(), base, follow)
    result.finished = True
    return result


def _read(result: Crawl, url: str, kind: str, body: bytes, base: str, follow: Any) -> None:
    """Check one answer and follow the links in it."""
    if kind == "text/html":
        page = Page()
        page.feed(body.decode("utf-8"))
        result.html_pages += 1
        result.anchors[url] = page.ids
        if not page.lang or not page.title.strip():
            result.problems.append(f"{url}: HTML without <html lang> or <title>")
        if (
            len(page.canonical) != 1
            or set(page.hreflang) != {"pl", "en", "x-default"}
            or page.hreflang.get(page.lang or "") != page.canonical[0]
            or not all(u.startswith(base) for u in [*page.canonical, *page.hreflang.values()])
        ):
            result.problems.append(f"{url}: no canonical and hreflang links (pl, en, x-default) under the base IRI")
        for target in page.links:
            follow(html.unescape(target), url, from_html=True)
    elif kind in RDFLIB_FORMATS:
        try:
            graph = parse(body, kind)
        except Exception as exc:
            result.problems.append(f"{url}: {kind} does not parse: {exc}")
            return
        result.rdf_documents += 1
        result.triples += len(graph)
        for term in {t for triple in graph for t in triple} | {
            o.datatype for o in graph.objects() if isinstance(o, Literal)
        }:
            if isinstance(term, URIRef) and (local := paths.local_path(str(term), base)) is not None:
                follow(local, url)
    elif kind == "application/json":
        data = json.loads(body)
        if isinstance(data, dict):
            for target in [*(data.get("links") or {}).values(), *(i.get("document") for i in data.get("items", []))]:
                if isinstance(target, str):
                    follow(target, url)
    elif kind == "application/xml":
        for loc in ET.fromstring(body).iter(f"{SITEMAP}loc"):
            if (loc.text or "").startswith(base):
                follow("/" + (loc.text or "").removeprefix(base), url)
