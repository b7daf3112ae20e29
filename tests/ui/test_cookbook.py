"""The cookbook (``/queries``): every recipe's answer on the project's own build equals its expected answer
(``cookbook/NN-slug.expected.csv``), through the store and through the public endpoint; the page shows each
recipe in both languages and links it to the editor."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import markupsafe
import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from awardgraph.config import Settings
from awardgraph.queries import cookbook
from awardgraph.store.oxigraph import EmbeddedStore

EXPECTED = Path(__file__).parent / "cookbook"
RECIPES = cookbook.recipes()
REQUIRED = {  # the questions the cookbook must answer (issue 7)
    "01-who-was-distinguished-for-what",
    "02-units-credited-in-both-years",
    "03-organizers-and-their-cities",
    "04-editions-in-date-order",
    "05-what-each-practice-is",
    "06-sources-of-a-fact",
    "07-what-outside-pages-claim",  # issue 12
}


def _expected(slug: str) -> list[list[str]]:
    with (EXPECTED / f"{slug}.expected.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _compare(got: list[list[str]], expected: list[list[str]], query: str) -> None:
    assert got[0] == expected[0], "columns differ"
    assert len(got) > 1, "a recipe with no answer teaches nothing"
    if re.search(r"\bORDER\s+BY\b", query, re.I):
        assert got[1:] == expected[1:]
    else:
        assert sorted(got[1:]) == sorted(expected[1:])


def test_the_cookbook_has_the_required_questions_and_each_has_an_answer_file() -> None:
    slugs = {r.slug for r in RECIPES}
    assert slugs >= REQUIRED
    assert {p.name.removesuffix(".expected.csv") for p in EXPECTED.glob("*.expected.csv")} == slugs


@pytest.mark.parametrize("recipe", RECIPES, ids=[r.slug for r in RECIPES])
def test_recipe_answer_in_the_store(recipe: cookbook.Recipe, real_settings: Settings) -> None:
    store = EmbeddedStore(real_settings.store / "current")
    result = store.query(recipe.text)
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    got = [names, *([("" if row[n] is None else str(row[n].value)) for n in names] for row in result)]
    _compare(got, _expected(recipe.slug), recipe.text)


@pytest.mark.parametrize("recipe", RECIPES, ids=[r.slug for r in RECIPES])
def test_recipe_answer_through_the_editors_link(recipe: cookbook.Recipe, client: FlaskClient) -> None:
    """The link of the page's button, sent to /sparql as the editor sends it (asking for CSV)."""
    page = client.get("/queries?lang=en").get_data(as_text=True)
    links = re.findall(r'<a class="button open-in-editor" href="([^"]+)"', page)
    queries = [parse_qs(urlsplit(_unescape(h)).query)["query"][0] for h in links]
    query = next(q for q in queries if q.startswith(f"# {recipe.titles['en']}\n"))
    assert query.endswith(recipe.sparql)
    r = client.post("/sparql", data={"query": query}, headers={"Accept": "text/csv"})
    assert r.status_code == 200, r.get_data(as_text=True)
    got = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    _compare(got, _expected(recipe.slug), recipe.text)


def _unescape(text: str) -> str:
    return text.replace("&amp;", "&").replace("&#39;", "'").replace("&#34;", '"')


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_the_page_explains_every_recipe_in_the_readers_language(client: FlaskClient, lang: str) -> None:
    r = client.get(f"/queries?lang={lang}", headers={"Accept": "text/html"})
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and f'<html lang="{lang}">' in page
    other = "pl" if lang == "en" else "en"
    for recipe in RECIPES:
        assert f'id="{recipe.slug}"' in page
        assert _escaped(recipe.titles[lang]) in page and _escaped(recipe.descriptions[lang]) in page
        assert _escaped(recipe.descriptions[other]) not in page
        assert f'href="/queries/{recipe.slug}.rq"' in page
    assert page.count('class="button open-in-editor"') == len(RECIPES)
    assert re.findall(r"<h(\d)", page)[:2] == ["1", "2"]  # headings in order


def _escaped(text: str) -> str:
    return str(markupsafe.escape(text))


def test_the_recipe_file_is_served(client: FlaskClient) -> None:
    recipe = RECIPES[0]
    with client.get(f"/queries/{recipe.slug}.rq") as r:
        assert r.status_code == 200 and r.mimetype == "application/sparql-query"
        assert r.get_data(as_text=True) == recipe.text
    r = client.get("/queries/no-such-query.rq", headers={"Accept": "text/plain"})
    assert r.status_code == 404 and "/queries lists them all" in r.get_data(as_text=True)


def test_a_recipe_without_both_languages_is_refused() -> None:
    with pytest.raises(cookbook.BadRecipe, match="title in en and pl"):
        cookbook.parse("x", "# title@en: Who?\n# description@en: A.\n# description@pl: B.\nASK {}")
