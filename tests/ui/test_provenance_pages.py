"""The pages of where facts come from (issue 12): a graph's page lists its statements, labelled and linked, above
its quote; a source's page lists its assertions as quotes in source order; pages that show a value in dispute say
that the sources disagree, with both values and their sources. Real requests through the app, HTML parsed."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient

F = "/graph/lublin-eu-miasta-otwarte-2015/f"
SOURCE = "/doc/source/lublin-eu-miasta-otwarte-2015"


@dataclasses.dataclass
class Cell:
    text: str = ""
    links: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class Item:
    """A table row or a list item: its cells (one for a list item), and its classes."""

    cells: list[Cell]
    classes: str = ""

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


class Page(HTMLParser):
    """The parts of a page these tests read: sections by id (in order) and the rows of tables and items of lists
    in each."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.sections: dict[str, list[Item]] = {}
        self.order: list[str] = []
        self._section: list[str] = []
        self._item: Item | None = None
        self._item_depth = 0  # how many of the item's own tag (tr or li) are open inside it
        self._item_tag = ""
        self._cell: Cell | None = None
        self._tags: list[str] = []
        self._offset = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self._tags.append(tag)
        if tag == "section":
            name = a.get("id") or (self._section[-1] if self._section else "")
            self._section.append(name or "")
            if a.get("id"):
                self.order.append(name or "")
                self.sections.setdefault(name or "", [])
        elif tag in ("tr", "li") and self._section and self._item is None:
            self._item, self._item_tag, self._item_depth = Item([], a.get("class") or ""), tag, 1
            if tag == "li":
                self._cell = Cell()
        elif tag == self._item_tag and self._item is not None:
            self._item_depth += 1
        elif tag in ("td", "th") and self._item is not None:
            self._cell = Cell()
        elif tag == "a" and self._cell is not None:
            self._cell.links.append(a.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if self._tags:
            self._tags.pop()
        if tag == "section" and self._section:
            self._section.pop()
        elif tag in ("td", "th") and self._item is not None and self._cell is not None:
            self._item.cells.append(self._cell)
            self._cell = None
        elif tag == self._item_tag and self._item is not None and self._item_depth > 1:
            self._item_depth -= 1
        elif tag == self._item_tag and self._item is not None:
            if tag == "li" and self._cell is not None:
                self._item.cells.append(self._cell)
                self._cell = None
            if self._section and self._section[-1] in self.sections:
                self.sections[self._section[-1]].append(self._item)
            self._item = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.text = " ".join(f"{self._cell.text} {data}".split())


def page(client: FlaskClient, path: str, lang: str = "en") -> Page:
    separator = "&" if "?" in path else "?"
    r = client.get(f"{path}{separator}lang={lang}", headers={"Accept": "text/html"})
    assert r.status_code == 200, (path, r.status_code)
    return Page(r.get_data(as_text=True))


def statements(p: Page) -> list[Item]:
    return [i for i in p.sections["statements"] if len(i.cells) == 3 and i.cells[0].links]


# --- a graph's page lists its statements ------------------------------------------------------------------------


def test_a_fact_page_lists_its_statements_with_labels_above_its_quote(client: FlaskClient) -> None:
    html = client.get(f"{F}12?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    p = Page(html)
    rows = statements(p)
    shown = {(r.cells[0].text, r.cells[1].text, r.cells[2].text.split(" sources disagree")[0]) for r in rows}
    lublin = "Forum on Local Migration Policies in Lublin"
    assert shown == {
        (lublin, "schema:location", "Lublin"),
        (lublin, "schema:superEvent", "Forum on Local Migration Policies"),
        (lublin, "schema:startDate", "2013-03 xsd:gYearMonth"),
        (lublin, "date label", "marzec 2013 pl"),
    }
    location = next(r for r in rows if r.cells[1].text == "schema:location")
    assert location.cells[0].links == ["/doc/forum-edition/lublin"]
    assert location.cells[2].links == ["/doc/place/lublin"]
    assert p.order[0] == "statements"
    main = html.index("<main")
    assert html.index('<section id="statements">') < html.index(">Lublinie (marzec 2013)<", main)


def test_the_statements_come_before_the_quote_of_a_longer_fact(client: FlaskClient) -> None:
    html = client.get(f"{F}16?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    statements_at = html.index('<section id="statements">')
    quote_at = html.index("1. Wyróżnienie dla Prezydenta Miasta Lublin dr Krzysztofa Żuka za:", html.index("<main"))
    assert statements_at < quote_at
    assert len(statements(Page(html))) >= 2


def test_the_statements_are_labelled_in_the_pages_language(client: FlaskClient) -> None:
    rows = statements(page(client, f"{F}12", "pl"))
    assert {r.cells[0].text for r in rows} == {"Forum ds. Lokalnych Polityk Migracyjnych w Lublinie"}
    assert "data słownie" in {r.cells[1].text for r in rows}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (f"{F}16", ("Krzysztof Żuk",)),  # stated
        ("/graph/derived/d1", ("schema:startDate", "2015-05-14 xsd:date")),
        ("/graph/external/innaprzestrzen-447", ("schema:startDate", "2014-03-21 xsd:date")),
        ("/graph/curation/disagreements", ("disagreement about", "Forum on Local Migration Policies in Lublin")),
        ("/graph/provenance", ("assertion status",)),
    ],
)
def test_every_kind_of_graph_page_lists_its_statements(client: FlaskClient, path: str, expected: tuple[str]) -> None:
    rows = statements(page(client, path))
    assert rows, path
    texts = {t for r in rows for t in r.texts}
    assert all(any(e in t for t in texts) for e in expected), (expected, sorted(texts)[:20])


def test_a_large_graph_is_listed_one_page_at_a_time(client: FlaskClient) -> None:
    html = client.get("/graph/curation/labels?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    first = statements(Page(html))
    total = int(re.search(r"Statements in this graph <small class=\"count\">\((\d+)\)", html).group(1))  # type: ignore[union-attr]
    assert total > 200 and len(first) == 200
    assert f"Statements 1–200 of {total}." in html
    assert 'href="/graph/curation/labels?lang=en&amp;statements-page=2" rel="next"' in html
    second = statements(page(client, "/graph/curation/labels?statements-page=2"))
    assert len(second) == total - 200

    def keys(rows: list[Item]) -> set[tuple[str, ...]]:
        return {(*r.cells[0].links, *r.texts) for r in rows}

    assert not keys(first) & keys(second)


def test_statement_pages_are_checked_and_have_their_own_etag(client: FlaskClient) -> None:
    html = {"Accept": "text/html"}
    assert client.get("/graph/curation/labels?statements-page=x", headers=html).status_code == 400
    assert client.get("/graph/curation/labels?statements-page=99", headers=html).status_code == 404
    one = client.get("/graph/curation/labels", headers=html)
    two = client.get("/graph/curation/labels?statements-page=2", headers=html)
    assert one.headers["ETag"] != two.headers["ETag"]
    again = client.get(
        "/graph/curation/labels?statements-page=2", headers={**html, "If-None-Match": two.headers["ETag"]}
    )
    assert again.status_code == 304
    assert client.get("/graph/curation/labels?statements-page=2", headers={"Accept": "text/turtle"}).status_code == 200


# --- a source's page lists its quotes ---------------------------------------------------------------------------


def test_the_source_page_lists_its_quotes_in_source_order(client: FlaskClient) -> None:
    p = page(client, SOURCE)
    items = p.sections["assertions"]
    stated = [i for i in items if "· stated" in i.cells[0].text]
    assert [i.cells[0].links[0] for i in stated] == [f"{F}{n:02d}" for n in range(1, 61)]
    f12 = stated[11]
    assert f12.cells[0].text.startswith("Lublinie (marzec 2013)")
    assert stated[0].cells[0].text.startswith("Drukuj stronę do PDF Miasta Otwarte 2015")
    curated = [i for i in items if "· curated" in i.cells[0].text]
    assert curated and all(i.cells[0].links[0].startswith("/graph/curation/") for i in curated)
    assert items.index(stated[-1]) < items.index(curated[0])


def test_the_source_page_shows_no_bare_graph_iris(client: FlaskClient) -> None:
    html = client.get(f"{SOURCE}?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    main = html[html.index("<main") :]
    assert ">g:lublin-eu-miasta-otwarte-2015/f12<" not in main
    inbound = Page(html).sections.get("inbound", [])
    assert all("/graph/" not in link for item in inbound for c in item.cells for link in c.links)


def test_an_outside_source_lists_its_claim_by_its_comment(client: FlaskClient) -> None:
    items = page(client, "/doc/source/innaprzestrzen-447").sections["assertions"]
    assert len(items) == 1
    assert items[0].cells[0].links[0] == "/graph/external/innaprzestrzen-447"
    assert items[0].cells[0].text.startswith("innaprzestrzen.pl (news item 447) says the second Forum")


def test_a_quote_in_dispute_is_marked_on_the_source_page(client: FlaskClient) -> None:
    items = page(client, SOURCE).sections["assertions"]
    f12 = next(i for i in items if f"{F}12" in i.cells[0].links)
    assert "sources disagree" in f12.cells[0].text and "disputed" in f12.classes
    assert "/doc/disagreement/lublin-edition-dates" in f12.cells[0].links
    f16 = next(i for i in items if f"{F}16" in i.cells[0].links)
    assert "sources disagree" not in f16.cells[0].text


# --- values in dispute ------------------------------------------------------------------------------------------


def _sides(p: Page, record: str) -> dict[str, str]:
    """Side (graph link) -> the values it gives, in the section of one record."""
    return {i.cells[0].links[0]: i.cells[2].text for i in p.sections[record] if len(i.cells) == 4 and i.cells[0].links}


def test_the_lublin_edition_page_shows_that_the_sources_disagree(client: FlaskClient) -> None:
    p = page(client, "/doc/forum-edition/lublin")
    assert p.order[0] == "disagreements"
    dates = _sides(p, "disagreement-lublin-edition-dates")
    assert dates[f"{F}12"] == "schema:startDate : 2013-03 xsd:gYearMonth"
    assert "schema:startDate : 2014-03-21" in dates["/graph/external/innaprzestrzen-447"]
    assert "schema:endDate : 2014-03-23" in dates["/graph/external/innaprzestrzen-447"]
    ordinal = _sides(p, "disagreement-lublin-edition-ordinal")
    assert "edition ordinal : 2" in ordinal["/graph/external/innaprzestrzen-447"]
    assert ordinal[f"{F}11"].startswith("none stated") and ordinal[f"{F}12"].startswith("none stated")
    html = client.get("/doc/forum-edition/lublin?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    # the stated start date is always a property of the page; the outside end date only while a query without
    # GRAPH sees external claims: wherever a row of a disputed property is shown, it is marked
    assert re.search(r'<th scope="row"><a href="http://schema.org/startDate"', html)
    for prop in ("startDate", "endDate"):
        for row in re.findall(rf'<tr[^>]*>\s*<th scope="row"><a href="http://schema.org/{prop}"[^\n]*', html):
            assert row.startswith('<tr class="disputed">') and 'href="#disagreement-lublin-edition-dates"' in row
    assert "/doc/source/innaprzestrzen-447" in html and "/doc/source/lublin-eu-miasta-otwarte-2015" in html


def test_the_disagreement_is_shown_in_polish(client: FlaskClient) -> None:
    html = client.get("/doc/forum-edition/lublin?lang=pl", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<h2>Źródła się różnią</h2>" in html and "źródła się różnią</a>" in html
    assert "Rozbieżne daty edycji Forum w Lublinie" in html and 'lang="pl">Strona źródłowa datuje' in html


@pytest.mark.parametrize("edition", ["wroclaw", "warszawa"])
def test_editions_the_sources_agree_on_show_no_disagreement(client: FlaskClient, edition: str) -> None:
    html = client.get(f"/doc/forum-edition/{edition}", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'id="disagreements"' not in html and "sources disagree" not in html


def test_the_record_page_and_the_graphs_on_each_side_show_the_disagreement(client: FlaskClient) -> None:
    record = page(client, "/doc/disagreement/lublin-edition-dates")
    assert set(_sides(record, "disagreement-lublin-edition-dates")) == {f"{F}12", "/graph/external/innaprzestrzen-447"}
    for path in (f"{F}12", "/graph/external/innaprzestrzen-447"):
        p = page(client, path)
        assert "disagreement-lublin-edition-dates" in p.sections
        start = next(r for r in statements(p) if r.cells[1].text == "schema:startDate")
        assert "disputed" in start.classes and "/doc/disagreement/lublin-edition-dates" in start.cells[2].links
