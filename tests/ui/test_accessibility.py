"""What every page for people keeps to: the page's language declared, one ``h1`` and headings that never skip a
level, a label for every form field, a title for every picture, in both languages."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

PAGES = [
    "/",
    "/search?q=lublin",
    "/queries",
    "/sparql",
    "/sparql?query=SELECT%20%3Fs%20WHERE%20%7B%3Fs%20a%20%3Fc%7D%20LIMIT%203",
    "/doc/forum-edition/wroclaw",
    "/doc/forum-edition/lublin",
    "/doc/disagreement/lublin-edition-dates",
    "/doc/source/lublin-eu-miasta-otwarte-2015",
    "/graph/lublin-eu-miasta-otwarte-2015/f12",
    "/graph/curation/labels",
    "/doc/distinction/2015-krzysztof-zuk",
    "/doc/practice/study-in-lublin",
    "/list/ag-distinction",
    "/ontology",
    "/dataset",
    "/shapes",
]


class Outline(HTMLParser):
    """The headings, form fields, labels and pictures of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.headings: list[int] = []
        self.fields: list[str] = []
        self.labelled: set[str] = set()
        self.pictures: int = 0
        self.titled_pictures: int = 0
        self._in_svg = 0
        self._svg_path: list[str] = []  # the open elements inside the current picture

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag in ("input", "textarea", "select") and a.get("type") not in ("hidden", "submit"):
            self.fields.append(a.get("id") or "")
        elif tag == "label" and a.get("for"):
            self.labelled.add(a["for"] or "")
        elif tag == "svg":
            self.pictures += 1
            self._in_svg += 1
        elif tag == "title" and self._in_svg and not self._svg_path:  # the picture's own title, not a link's
            self.titled_pictures += 1
        if self._in_svg and tag != "svg":
            self._svg_path.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._in_svg -= 1
        elif self._in_svg and self._svg_path and self._svg_path[-1] == tag:
            self._svg_path.pop()


@pytest.mark.parametrize("lang", ["en", "pl"])
@pytest.mark.parametrize("path", PAGES)
def test_page_outline(client: FlaskClient, path: str, lang: str) -> None:
    separator = "&" if "?" in path else "?"
    r = client.get(f"{path}{separator}lang={lang}", headers={"Accept": "text/html"})
    assert r.status_code == 200, path
    outline = Outline()
    outline.feed(r.get_data(as_text=True))
    assert outline.lang == lang
    assert outline.headings.count(1) == 1 and outline.headings[0] == 1, outline.headings
    for before, after in zip(outline.headings, outline.headings[1:], strict=False):
        assert after <= before + 1, f"{path}: h{before} is followed by h{after}"
    assert all(f and f in outline.labelled for f in outline.fields), (outline.fields, outline.labelled)
    assert outline.titled_pictures == outline.pictures
