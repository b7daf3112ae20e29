"""What a visitor does, in a real headless Chromium against a real server: the home page, a search with
suggestions, the IV Forum's page, the other language, the query behind the page run in the editor, a download,
and every cookbook question run in the editor. Each step leaves a screenshot in the artifacts folder; every test
ends by checking the console for errors and that nothing was requested from another host (``conftest.py``)."""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote

import pytest
import requests
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from awardgraph.queries import cookbook
from tests.browser.conftest import ARTIFACTS, Browser

WAIT = 20
T = TypeVar("T")


def wait(driver: WebDriver, what: Callable[[WebDriver], T], message: str) -> T:
    try:
        return WebDriverWait(driver, WAIT).until(what, message)
    except TimeoutException:
        driver.save_screenshot(str(ARTIFACTS / f"timeout-{time.strftime('%H%M%S')}.png"))
        raise


ROWS = ".yasr .dataTable tbody tr:not(:has(td.dataTables_empty))"
IDLE = "return !document.querySelector('.yasqe_queryButton.busy')"


def run_in_editor(driver: WebDriver) -> list[WebElement]:
    """The editor opened by a link that carries a query runs it at once (a permalink shows its answer); then the
    visitor presses the run button, and the result table is drawn again."""
    wait(driver, lambda d: d.find_element(By.ID, "query-editor").is_displayed(), "the editor did not start")
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ROWS), "the permalink's query showed no rows")
    wait(driver, lambda d: d.execute_script(IDLE), "the permalink's query did not finish")
    driver.execute_script("document.querySelector('.yasr .dataTable').remove()")
    driver.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    rows = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ROWS), "no result rows after pressing run")
    wait(driver, lambda d: d.execute_script(IDLE), "the query did not finish")
    return driver.find_elements(By.CSS_SELECTOR, ROWS) or rows


def server_answer(site_url: str, query: str, accept: str) -> str:
    r = requests.post(f"{site_url}/sparql", data={"query": query}, headers={"Accept": accept}, timeout=30)
    assert r.status_code == 200, r.text
    return r.text


def downloaded(folder: Path, suffix: str) -> Path:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        done = [p for p in folder.iterdir() if p.name.endswith(suffix)]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} file was downloaded into {folder}: {sorted(folder.iterdir())}")


def test_home_search_resource_language_and_the_query_behind_the_page(browser: Browser) -> None:
    d: WebDriver = browser.driver  # type: ignore[assignment]
    d.get(browser.site.url + "/")
    assert d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert d.find_element(By.TAG_NAME, "h1").text
    browser.shot("01-home")

    box = d.find_element(By.ID, "site-search")
    box.send_keys("wroclaw")
    options = wait(
        d, lambda x: x.find_elements(By.CSS_SELECTOR, "#site-search-suggestions li a"), "no suggestions appeared"
    )
    labels = [o.text for o in options]
    assert any("Forum" in label and "Wrocław" in label for label in labels), labels
    browser.shot("02-search-suggestions")
    # keyboard: move down to the IV Forum's suggestion and open it with Enter
    target = next(i for i, label in enumerate(labels) if "Forum" in label and "Wrocław" in label)
    for _ in range(target + 1):
        box.send_keys(Keys.ARROW_DOWN)
    box.send_keys(Keys.ENTER)
    wait(d, lambda x: x.current_url.endswith("/doc/forum-edition/wroclaw"), "Enter did not open the IV Forum")
    assert d.find_element(By.TAG_NAME, "h1").text == "4th Forum on Local Migration Policies in Wrocław"
    browser.shot("03-resource-en")

    d.find_element(By.CSS_SELECTOR, "nav a.lang").click()
    wait(d, lambda x: x.find_element(By.TAG_NAME, "html").get_attribute("lang") == "pl", "no Polish page")
    assert "/doc/forum-edition/wroclaw" in d.current_url  # the switch keeps the place
    assert d.find_element(By.TAG_NAME, "h1").text == "IV Forum ds. Lokalnych Polityk Migracyjnych we Wrocławiu"
    browser.shot("04-resource-pl")

    d.find_element(By.PARTIAL_LINK_TEXT, "Otwórz zapytanie").click()
    rows = run_in_editor(d)
    query = d.execute_script("return document.querySelector('.CodeMirror').CodeMirror.getValue()")
    expected = server_answer(browser.site.url, query, "application/n-triples").strip().splitlines()
    assert len(rows) == min(len(expected), 50)  # the table's first page
    assert "forum-edition/wroclaw" in d.current_url or "wroclaw" in d.current_url  # the permalink carries it
    links = [a.get_attribute("href") for a in d.find_elements(By.CSS_SELECTOR, ".yasr a[href*='/doc/']")]
    assert links and all(link.startswith(browser.site.url) for link in links)  # result links stay on the site
    browser.shot("05-editor-results")

    turtle = d.find_element(By.ID, "editor-download-turtle")
    assert turtle.is_displayed() and not d.find_element(By.ID, "editor-download-csv").is_displayed()
    turtle.click()
    assert downloaded(browser.downloads, ".ttl").read_text(encoding="utf-8").strip()


def test_every_cookbook_question_runs_in_the_editor_and_downloads_as_csv(browser: Browser) -> None:
    d: WebDriver = browser.driver  # type: ignore[assignment]
    d.get(browser.site.url + "/queries?lang=en")
    assert d.find_element(By.TAG_NAME, "h1").text == "Cookbook"
    browser.shot("06-cookbook")
    recipes = cookbook.recipes()
    for number, recipe in enumerate(recipes):
        d.get(browser.site.url + "/queries?lang=en")
        section = d.find_element(By.ID, recipe.slug)
        section.find_element(By.CSS_SELECTOR, "a.open-in-editor").click()
        rows = run_in_editor(d)
        expected = list(csv.reader(io.StringIO(server_answer(browser.site.url, recipe.sparql, "text/csv"))))
        assert len(rows) == min(len(expected) - 1, 50), recipe.slug
        headers = [h.text.strip() for h in d.find_elements(By.CSS_SELECTOR, ".yasr .dataTable thead th")]
        assert [h for h in headers if h] == expected[0], recipe.slug
        browser.shot(f"07-cookbook-{number + 1:02d}-{recipe.slug}")
        if number == 0:
            d.find_element(By.ID, "editor-download-csv").click()
            got = downloaded(browser.downloads, ".csv").read_text(encoding="utf-8")
            assert list(csv.reader(io.StringIO(got))) == expected
            for name, media_type in (("tsv", "text/tab-separated-values"), ("json", "application/sparql-results+json")):
                link = d.find_element(By.ID, f"editor-download-{name}")
                assert link.is_displayed()
                r = requests.get(link.get_attribute("href") or "", timeout=30)
                assert r.status_code == 200 and r.headers["Content-Type"].startswith(media_type), name
                rows = len(r.json()["results"]["bindings"]) if name == "json" else len(r.text.strip().split("\n")) - 1
                assert rows == len(expected) - 1, name


@pytest.mark.parametrize("width", [375])
def test_pages_fit_a_phone_width_screen(browser: Browser, width: int) -> None:
    d: WebDriver = browser.driver  # type: ignore[assignment]
    d.set_window_size(width, 800)
    for name, path in (("home", "/"), ("resource", "/doc/forum-edition/wroclaw"), ("cookbook", "/queries")):
        d.get(browser.site.url + path + "?lang=pl")
        overflow = d.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} is wider than a {width}px screen by {overflow}px"
        browser.shot(f"08-phone-{name}")


def test_the_editor_works_from_the_keyboard(browser: Browser) -> None:
    d: WebDriver = browser.driver  # type: ignore[assignment]
    d.get(browser.site.url + "/sparql?lang=en")
    wait(d, lambda x: x.find_element(By.ID, "query-editor").is_displayed(), "the editor did not start")
    editor = d.find_element(By.CSS_SELECTOR, ".CodeMirror textarea")
    d.execute_script("document.querySelector('.CodeMirror').CodeMirror.setValue('')")
    d.find_element(By.CSS_SELECTOR, ".CodeMirror").click()
    editor.send_keys("SELECT ?edition WHERE { ?edition a ag:ForumEdition }")
    editor.send_keys(Keys.CONTROL, Keys.ENTER)
    rows = wait(d, lambda x: x.find_elements(By.CSS_SELECTOR, ROWS), "Ctrl-Enter ran nothing")
    assert len(rows) == 4  # the four editions
    wait(d, lambda x: x.execute_script(IDLE), "the query did not finish")
    assert "ForumEdition" in d.current_url  # the address bar carries the query that ran
    # the dataset's prefix, which the endpoint declares anyway, is declared in the editor's text for its checker
    text = d.execute_script("return document.querySelector('.CodeMirror').CodeMirror.getValue()")
    assert text.startswith("PREFIX ag: <https://w3id.org/awardgraph/ontology#>\n")
    assert not d.find_elements(By.CSS_SELECTOR, ".parseErrorIcon")
    browser.shot("09-editor-keyboard")
    d.find_element(By.CSS_SELECTOR, ".yasqe_share").click()  # the editor's own share button gives the permalink
    shared = wait(d, lambda x: x.find_element(By.CSS_SELECTOR, ".yasqe_sharePopup input"), "no share popup")
    link = shared.get_attribute("value") or ""
    assert link.startswith(f"{browser.site.url}/sparql?query=") and "#" not in link, link
    assert unquote(link.split("query=")[1].split("&")[0]) == text
    editor.send_keys(Keys.TAB)
    moved = d.execute_script("return document.activeElement.tagName !== 'TEXTAREA'")
    assert moved, "Tab should move the focus out of the editor's text"
    assert d.execute_script("return document.querySelector('.CodeMirror').CodeMirror.getValue()").endswith("}")


def test_typing_prefixed_terms_asks_no_other_host(browser: Browser) -> None:
    """Issue 13: YASQE looked prefixes and terms up on lov.linkeddata.es while one typed (refused by the page's
    policy: console errors). A visitor types a prefix declaration and prefixed terms in every position completion
    looks at (property, class, a prefix the query does not declare) and asks for completion with Ctrl-Space: nothing
    goes to another host, the console stays clean, and the dataset's own prefixes are declared as they are typed."""
    d: WebDriver = browser.driver  # type: ignore[assignment]
    d.get(browser.site.url + "/sparql?lang=en")
    wait(d, lambda x: x.find_element(By.ID, "query-editor").is_displayed(), "the editor did not start")
    editor = d.find_element(By.CSS_SELECTOR, ".CodeMirror textarea")
    d.execute_script("document.querySelector('.CodeMirror').CodeMirror.setValue('')")
    d.find_element(By.CSS_SELECTOR, ".CodeMirror").click()
    typed = [
        "PREFIX ag: <https://w3id.org/awardgraph/ontology#> ",
        "SELECT ?x ?name WHERE { ?x a ag:",
        "Distinction ; ag:",
        "awardedTo ?who . ?who foaf:",
        "name ?name ; schema:",
        "name ?other ; a schema:",
        "Organization . ?x dcterms:",
    ]
    for piece in typed:
        editor.send_keys(piece)
        editor.send_keys(Keys.CONTROL, Keys.SPACE)  # completion asked for, in every position
        editor.send_keys(Keys.ESCAPE)  # and its list (if any) closed, as a visitor who keeps typing
        time.sleep(0.3)
    editor.send_keys("title ?t }")
    time.sleep(1.5)  # anything the typing started has been sent by now
    browser.shot("11-editor-prefixed-terms")
    assert browser.foreign_requests() == [], "typing in the editor asked another host"
    assert browser.console_errors() == [], "typing in the editor logged errors"
    text = d.execute_script("return document.querySelector('.CodeMirror').CodeMirror.getValue()")
    for prefix, namespace in (
        ("foaf", "http://xmlns.com/foaf/0.1/"),
        ("schema", "http://schema.org/"),
        ("dcterms", "http://purl.org/dc/terms/"),
    ):
        assert f"PREFIX {prefix}: <{namespace}>" in text, text  # the dataset's prefixes, from the page itself
    assert text.count("PREFIX ag:") == 1, text


def test_the_pictures_show_and_lead_to_the_pages_they_draw(browser: Browser) -> None:
    d: WebDriver = browser.driver  # type: ignore[assignment]
    d.get(browser.site.url + "/?lang=en")
    timeline = d.find_element(By.CSS_SELECTOR, "svg.timeline")
    assert timeline.is_displayed() and timeline.size["width"] > 300
    timeline.find_element(By.CSS_SELECTOR, "a[href='/doc/forum-edition/wroclaw']").click()
    wait(d, lambda x: x.current_url.endswith("/doc/forum-edition/wroclaw"), "the timeline's IV Forum is no link")

    d.get(browser.site.url + "/doc/distinction/2015-krzysztof-zuk?lang=en")
    diagram = d.find_element(By.CSS_SELECTOR, "svg.awards")
    assert diagram.is_displayed() and diagram.size["height"] > 200
    browser.shot("10-distinction-picture")
    practice = "/doc/practice/miejski-punkt-obslugi-cudzoziemcow"
    diagram.find_element(By.CSS_SELECTOR, f"a[href='{practice}']").click()
    wait(d, lambda x: x.current_url.endswith(practice), "the diagram's practice is no link")
    assert d.find_element(By.CSS_SELECTOR, "svg.awards rect.focus").is_displayed()
    browser.shot("11-practice-picture")

    d.get(browser.site.url + "/ontology?lang=pl")
    classes = d.find_element(By.CSS_SELECTOR, "svg.classes")
    d.execute_script("arguments[0].scrollIntoView()", classes)
    assert classes.is_displayed()
    browser.shot("12-ontology-picture")
