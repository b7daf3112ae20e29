"""The server's SVG pictures: the Forum's timeline on the home page, the award diagram of distinction and practice
pages, the ontology's class diagram; in both languages, escaped, linked to the site's pages, without inline
styles."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from awardgraph import pictures
from awardgraph.config import Settings
from awardgraph.graph.build import build
from awardgraph.web import create_app
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
    assert "2015-05-14 – 2015-05-17" in texts and "2013-03" in texts
    assert "6 distinctions for Lublin" in texts and "4 distinctions for Lublin" in texts
    assert _links(svg) == [f"/doc/forum-edition/{c}" for c in ("lublin", "krakow", "warszawa", "wroclaw")]
    assert svg.find(f"{SVG}title") is not None and svg.get("role") == "img"


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
    svg = pictures.awards(
        [
            pictures.Award(
                pictures.Node("d", '<script>"x"</script>', "/doc/a?b=1&c=2"),
                pictures.Node("r", "R & co"),
                pictures.Node("e", "E"),
                (pictures.Node("p", "P"),),
            )
        ],
        title="<t>",
        desc="d",
    )
    root = ET.fromstring(svg)  # well-formed
    assert "<script>" not in svg and "&lt;script&gt;" in svg and 'href="/doc/a?b=1&amp;c=2"' in svg
    assert "".join(root.find(f"{SVG}title").itertext()) == "<t>"  # type: ignore[union-attr]


def test_the_timeline_of_a_large_graph_shows_its_latest_editions(tmp_path: Path) -> None:
    """A graph of many editions (generated here: 40) draws only the latest :data:`TIMELINE_MOST` on the home page,
    in date order: a picture of thousands of stops helps nobody and weighs megabytes."""
    from awardgraph.web.pictures import TIMELINE_MOST

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
