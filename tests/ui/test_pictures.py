"""The server's SVG pictures: the Forum's timeline on the home page, the award diagram of distinction and practice
pages, the ontology's class diagram; in both languages, escaped, linked to the site's pages, without inline
styles."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from awardgraph.config import Settings
from awardgraph.graph.build import build
from awardgraph.web import create_app
from awardgraph.web.pages import drawing
from tests.conftest import MINI_SHAPES

SVG = "{http://www.w3.org/2000/svg}"


def _svg(client: FlaskClient, path: str, cls: str) -> ET.Element:
    page = client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    found = re.findall(rf'<svg [^>]*class="picture {cls}".*?</svg>', page, re.S)
    assert len(found) == 1, f"{path} should have one {cls} picture"
    assert "style=" not in found[0]  # the CSP forbids inline styles
    return ET.fromstring(found[0])


def _texts(svg: ET.Element) -> list[str]:
    return [" ".join(s.text or "" for s in t.iter(f"{SVG}tspan")) for t in svg.iter(f"{SVG}text")]


def _links(svg: ET.Element) -> list[str]:
    return [a.get("href", "") for a in svg.iter(f"{SVG}a")]


def test_the_timeline_shows_the_editions_in_date_order(client: FlaskClient) -> None:
    svg = _svg(client, "/?lang=en", "timeline")
    cities = [" ".join(t.itertext()) for t in svg.iter(f"{SVG}text") if t.get("class") == "city"]
    assert cities == ["Lublin", "Kraków", "III Warsaw", "IV Wrocław"]
    texts = _texts(svg)
    assert "2015-05-14 – 2015-05-17" in texts and "2014-09" in texts
    assert "6 distinctions for Lublin" in texts and "4 distinctions for Lublin" in texts
    editions = [h for h in _links(svg) if h.startswith("/doc/forum-edition/")]
    assert editions == [f"/doc/forum-edition/{c}" for c in ("lublin", "krakow", "warszawa", "wroclaw")]
    assert svg.find(f"{SVG}title") is not None and svg.get("role") == "img"


def _stops(svg: ET.Element) -> dict[str, ET.Element]:
    """Edition link -> the link element of its stop."""
    return {a.get("href", ""): a for a in svg.iter(f"{SVG}a") if a.get("href", "").startswith("/doc/forum-edition/")}


def test_the_timeline_marks_the_contested_lublin_date(client: FlaskClient) -> None:
    """Lublin is placed by the source page's date (2013-03), drawn as contested, with the outside date beside it and
    a link to the record of the disagreement; the editions the sources agree on are drawn as before."""
    svg = _svg(client, "/?lang=en", "timeline")
    stops = _stops(svg)
    classes = {href: a.find(f"{SVG}circle").get("class") for href, a in stops.items()}  # type: ignore[union-attr]
    assert "contested" in classes["/doc/forum-edition/lublin"].split()
    assert "contested" not in classes["/doc/forum-edition/warszawa"] + classes["/doc/forum-edition/wroclaw"]
    lublin = [" ".join(s.text or "" for s in t.iter(f"{SVG}tspan")) for t in stops["/doc/forum-edition/lublin"]]
    assert "2013-03 ?" in lublin
    marks = {a.get("href"): a for a in svg.iter(f"{SVG}a") if a.get("href", "").startswith("/doc/disagreement/")}
    assert set(marks) == {
        "/doc/disagreement/lublin-edition-dates",
        "/doc/disagreement/lublin-edition-ordinal",
        "/doc/disagreement/krakow-edition-ordinal",
    }
    dates = marks["/doc/disagreement/lublin-edition-dates"]
    assert _texts(dates) == ["⚠ other source: 2014-03-21 – 2014-03-23"]
    assert dates.findtext(f"{SVG}title") == "Conflicting dates of the Lublin edition of the Forum"
    assert _texts(marks["/doc/disagreement/lublin-edition-ordinal"]) == ["⚠ other source: edition II"]
    assert _texts(marks["/doc/disagreement/krakow-edition-ordinal"]) == ["⚠ other source: edition I"]
    krakow = [" ".join(s.text or "" for s in t.iter(f"{SVG}tspan")) for t in stops["/doc/forum-edition/krakow"]]
    assert "2013-10" in krakow  # the ordinal is disputed, not the date


@pytest.mark.parametrize(
    ("lang", "name"),
    [("en", "Conflicting dates of the Lublin edition of the Forum"), ("pl", "Rozbieżne daty edycji Forum w Lublinie")],
)
def test_the_home_page_lists_the_timelines_disagreements(client: FlaskClient, lang: str, name: str) -> None:
    html = client.get(f"/?lang={lang}", headers={"Accept": "text/html"}).get_data(as_text=True)
    note = html[html.index('id="timeline-disagreements"') :]
    record = "/doc/disagreement/lublin-edition-dates"
    assert re.search(rf'<a href="{record}" title="[^"]+">{name}</a>', note)
    assert "/doc/disagreement/krakow-edition-ordinal" in note
    other = "⚠ other source: 2014-03-21 – 2014-03-23" if lang == "en" else "⚠ inne źródło: 2014-03-21 – 2014-03-23"
    assert other in _texts(_svg(client, f"/?lang={lang}", "timeline"))


def test_the_timeline_in_polish(client: FlaskClient) -> None:
    texts = _texts(_svg(client, "/?lang=pl", "timeline"))
    assert "IV Wrocław" in texts and "III Warszawa" in texts
    assert "6 wyróżnień dla Lublina" in texts and "4 wyróżnienia dla Lublina" in texts


def test_a_distinction_page_shows_recipient_distinction_and_practices(client: FlaskClient) -> None:
    svg = _svg(client, "/doc/distinction/2015-krzysztof-zuk?lang=en", "awards")
    links = _links(svg)
    assert "/doc/person/krzysztof-zuk" in links and "/doc/distinction/2015-krzysztof-zuk" in links
    assert len([h for h in links if h.startswith("/doc/practice/")]) == 6
    assert len([p for p in svg.iter(f"{SVG}path") if p.get("class") == "edge"]) == 7  # 1 + 6 arrows
    focus = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "box focus"]
    assert len(focus) == 1


def test_a_practice_page_shows_both_distinctions_that_name_it(client: FlaskClient) -> None:
    svg = _svg(client, "/doc/practice/miejski-punkt-obslugi-cudzoziemcow?lang=pl", "awards")
    links = _links(svg)
    assert {"/doc/distinction/2015-krzysztof-zuk", "/doc/distinction/2015-biuro-obslugi-mieszkancow"} <= set(links)
    assert any(t.startswith("Miejski punkt obsługi") for t in _texts(svg))


@pytest.mark.parametrize("path", ["/doc/forum-edition/wroclaw", "/doc/person/krzysztof-zuk"])
def test_other_pages_have_no_award_diagram(client: FlaskClient, path: str) -> None:
    assert 'class="picture awards"' not in client.get(path, headers={"Accept": "text/html"}).get_data(as_text=True)


def test_the_ontology_page_draws_classes_and_relations(client: FlaskClient) -> None:
    svg = _svg(client, "/ontology?lang=en", "classes")
    texts = " ".join(_texts(svg))
    for word in ("distinction", "practice", "forum edition", "for practice", "conferred at"):
        assert word in texts
    assert "/ontology#forPractice" in _links(svg)


def test_pictures_escape_what_they_show() -> None:
    svg = drawing.awards(
        [
            drawing.Award(
                drawing.Node("d", '<script>"x"</script>', "/doc/a?b=1&c=2"),
                drawing.Node("r", "R & co"),
                drawing.Node("e", "E"),
                (drawing.Node("p", "P"),),
            )
        ],
        title="<t>",
        desc="d",
    )
    root = ET.fromstring(svg)  # well-formed
    assert "<script>" not in svg and "&lt;script&gt;" in svg and 'href="/doc/a?b=1&amp;c=2"' in svg
    assert "".join(root.find(f"{SVG}title").itertext()) == "<t>"  # type: ignore[union-attr]


def test_a_contested_stop_is_drawn_dashed_with_escaped_linked_marks() -> None:
    mark = drawing.Mark("other <source>:\n2014-03-21", "/doc/disagreement/x?a=1&b=2", 'Record "<x>"', on_date=True)
    svg = drawing.timeline(
        [drawing.Stop("A", "2013-03", "/doc/a", ""), drawing.Stop("B", "2013-10", "/doc/b", "", marks=(mark,))],
        title="t",
        desc="d",
    )
    root = ET.fromstring(svg)  # well-formed
    assert "<source>" not in svg and 'href="/doc/disagreement/x?a=1&amp;b=2"' in svg
    circles = [c.get("class") for c in root.iter(f"{SVG}circle")]
    assert circles == ["stop", "stop contested"]
    mark_link = next(a for a in root.iter(f"{SVG}a") if a.get("href", "").startswith("/doc/disagreement/"))
    assert mark_link.findtext(f"{SVG}title") == 'Record "<x>"'
    assert _texts(mark_link) == ["⚠ other <source>: 2014-03-21"]
    assert "2013-10 ?" in _texts(root) and "2013-03" in _texts(root)


def test_the_timeline_of_a_large_graph_shows_its_latest_editions(tmp_path: Path) -> None:
    """A graph of many editions (generated here: 40) draws only the latest :data:`TIMELINE_MOST` on the home page,
    in date order: a picture of thousands of stops helps nobody and weighs megabytes."""
    from awardgraph.web.pages.pictures import TIMELINE_MOST

    editions = TIMELINE_MOST + 16
    parts = [
        "@prefix ag: <ontology#> .\n@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix schema: <http://schema.org/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
    ]
    for n in range(editions):
        year = 1980 + n
        parts.append(
            f"<graph/gen/e{n}> {{ <id/forum-edition/e{n}> a ag:ForumEdition ; schema:location <id/place/c{n}> ; "
            f'schema:startDate "{year}-05-14"^^xsd:date . <id/place/c{n}> a schema:City ; '
            f'rdfs:label "Miasto {year}"@pl, "City {year}"@en . }}\n'
            f"<graph/provenance> {{ <graph/gen/e{n}> a ag:Assertion ; ag:assertionStatus ag:stated ; "
            "prov:wasDerivedFrom <id/source/gen> . }\n"
        )
    data = tmp_path / "editions.trig"
    data.write_text("".join(parts), encoding="utf-8")
    settings = Settings(store=tmp_path / "store", data=(data,), shapes=MINI_SHAPES)
    build(settings)
    texts = " ".join(_texts(_svg(create_app(settings).test_client(), "/?lang=en", "timeline")))
    shown = [year for year in range(1980, 1980 + editions) if f"City {year}" in texts]
    assert shown == list(range(1980 + editions - TIMELINE_MOST, 1980 + editions))
