"""``/list/{class}``: the things of each class, paged in IRI order, as HTML, JSON and CSV, with the query behind."""

from __future__ import annotations

import csv
import html as htmllib
import io
import re
from urllib.parse import unquote

import pytest
from flask.testing import FlaskClient
from httphelp import BASE, BROWSER_ACCEPT, CROWD

from awardgraph.config import Settings
from awardgraph.web.pages import lists

PEOPLE = "/list/schema-person"
EVERYONE = sorted([f"{BASE}id/person/jan-kowalski", *(f"{BASE}id/visitor/v{i:03d}" for i in range(CROWD))])
PAGES = -(-len(EVERYONE) // lists.PAGE_SIZE)


def sparql_column(client: FlaskClient, query: str, column: str = "s") -> list[str]:
    r = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert r.status_code == 200, r.get_data(as_text=True)
    return [b[column]["value"] for b in r.get_json()["results"]["bindings"]]


def json_page(client: FlaskClient, page: int) -> dict[str, object]:
    r = client.get(f"{PEOPLE}.json" + (f"?page={page}" if page > 1 else ""))
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/json; charset=utf-8"
    data = r.get_json()
    assert isinstance(data, dict)
    return data


def test_pages_hold_every_member_once_in_iri_order(client: FlaskClient) -> None:
    seen: list[str] = []
    for page in range(1, PAGES + 1):
        data = json_page(client, page)
        assert data["total"] == len(EVERYONE) and data["pages"] == PAGES and data["page"] == page
        items = data["items"]
        assert isinstance(items, list) and len(items) == min(lists.PAGE_SIZE, len(EVERYONE) - len(seen))
        seen += [item["iri"] for item in items]
    assert seen == EVERYONE


def test_json_items_and_links(client: FlaskClient) -> None:
    data = json_page(client, 1)
    jan = data["items"][0]  # type: ignore[index]
    assert jan == {
        "iri": f"{BASE}id/person/jan-kowalski",
        "document": "/doc/person/jan-kowalski",
        "label": "Jan Kowalski",
        "labels": {"pl": "Jan Kowalski", "en": "Jan Kowalski"},
    }
    assert data["class"] == "http://schema.org/Person"
    assert data["links"] == {
        "first": f"{PEOPLE}.json",
        "next": f"{PEOPLE}.json?page=2",
        "last": f"{PEOPLE}.json?page={PAGES}",
    }
    for item in data["items"]:  # type: ignore[attr-defined]
        assert client.get(item["document"], headers={"Accept": "text/turtle"}).status_code == 200


def test_csv(client: FlaskClient) -> None:
    r = client.get(f"{PEOPLE}?page=2", headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [row["iri"] for row in rows] == EVERYONE[lists.PAGE_SIZE : 2 * lists.PAGE_SIZE]
    assert rows[0]["document"] == "/doc/" + EVERYONE[lists.PAGE_SIZE].removeprefix(f"{BASE}id/")
    assert r.headers["Content-Location"] == f"{PEOPLE}.csv?page=2"


def test_html_page(client: FlaskClient) -> None:
    r = client.get(f"{PEOPLE}?page=2", headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 200 and r.headers["Content-Type"] == "text/html; charset=utf-8"
    page = r.get_data(as_text=True)
    documents = re.findall(r'<li><a href="(/doc/[^"]+)"', page)
    assert documents == ["/doc/" + iri.removeprefix(f"{BASE}id/") for iri in EVERYONE[100:200]]
    assert f'<ol class="members" start="{lists.PAGE_SIZE + 1}">' in page
    assert f'<a href="{PEOPLE}?page=3" rel="next">' in page and f'<a href="{PEOPLE}" rel="prev">' in page
    assert f'<link rel="next" href="{PEOPLE}?page=3">' in page
    assert f'href="{PEOPLE}.json?page=2"' in page and f'href="{PEOPLE}.csv?page=2"' in page
    assert 'href="http://schema.org/Person"' in page
    polish = client.get(f"{PEOPLE}?lang=pl", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    assert '<html lang="pl">' in polish and "Obiekty klasy" in polish


@pytest.mark.parametrize("page", [1, 3, PAGES])
def test_the_query_behind_the_page_gives_the_page(client: FlaskClient, page: int) -> None:
    html = client.get(f"{PEOPLE}?page={page}", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    link = re.search(r'href="/sparql\?query=([^"]+)"', html)
    assert link is not None
    query = unquote(htmllib.unescape(link.group(1)))
    assert query == json_page(client, page)["query"]
    assert sparql_column(client, query) == [item["iri"] for item in json_page(client, page)["items"]]  # type: ignore[attr-defined]


def test_links_headers(client: FlaskClient) -> None:
    r = client.get(f"{PEOPLE}?page=3", headers={"Accept": "application/json"})
    found = dict((rel, url) for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"(?:; type="[^"]+")?', r.headers["Link"]))
    assert found["next"] == f"{PEOPLE}.json?page=4" and found["prev"] == f"{PEOPLE}.json?page=2"
    assert found["first"] == f"{PEOPLE}.json" and found["last"] == f"{PEOPLE}.json?page={PAGES}"
    alternates = re.findall(r'<([^>]+)>; rel="alternate"; type="([^"]+)"', r.headers["Link"])
    assert (f"{PEOPLE}.csv?page=3", "text/csv") in alternates and (f"{PEOPLE}.html?page=3", "text/html") in alternates
    assert "Accept" in r.headers["Vary"] and r.headers["ETag"] and r.headers["Last-Modified"]
    again = client.get(f"{PEOPLE}?page=3", headers={"Accept": "application/json", "If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304
    other = client.get(f"{PEOPLE}?page=4", headers={"Accept": "application/json", "If-None-Match": r.headers["ETag"]})
    assert other.status_code == 200


def test_a_class_with_one_page_has_no_paging_links(client: FlaskClient) -> None:
    r = client.get("/list/schema-city.json")
    assert r.status_code == 200 and [i["iri"] for i in r.get_json()["items"]] == [f"{BASE}id/place/lublin"]
    assert 'rel="next"' not in r.headers["Link"]


@pytest.mark.parametrize(
    ("path", "accept", "status"),
    [
        ("/list/nothing", "text/html", 404),
        (f"{PEOPLE}?page={PAGES + 1}", "application/json", 404),
        (f"{PEOPLE}?page=0", "application/json", 400),
        (f"{PEOPLE}?page=two", "application/json", 400),
        (PEOPLE, "image/png", 406),
        (f"{PEOPLE}?format=csv", "image/png", 200),
        (f"{PEOPLE}.csv", "image/png", 200),
    ],
)
def test_errors_and_formats(client: FlaskClient, path: str, accept: str, status: int) -> None:
    r = client.get(path, headers={"Accept": accept})
    assert r.status_code == status
    if status == 406:
        assert all(m in r.get_data(as_text=True) for m in ("text/html", "application/json", "text/csv"))


def test_every_class_has_a_list_of_all_its_members(client: FlaskClient, settings: Settings) -> None:
    home = client.get("/", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    classes = sparql_column(
        client,
        "SELECT DISTINCT ?c WHERE { ?s a ?c FILTER(STRSTARTS(STR(?s), STR(<id/>))) } ORDER BY ?c",
        "c",
    )
    slugs = set(re.findall(r'href="/list/([^"?]+)"', home))
    assert len(slugs) == len(classes)
    for slug in slugs:
        data = client.get(f"/list/{slug}.json").get_json()
        query = f"SELECT DISTINCT ?s WHERE {{ ?s a <{data['class']}> FILTER(STRSTARTS(STR(?s), STR(<id/>))) }}"
        assert data["total"] == len(sparql_column(client, query)), slug
