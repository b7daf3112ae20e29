"""CKAN's DCAT harvester, for real: ckanext-dcat's own RDF parser (``RDFParser``, profile ``euro_dcat_ap_3``) reads the
dataset description fetched from a running ``awardgraph serve`` with no ``Accept`` header, as its harvester fetches
it, and keeps what a portal shows: the titles and descriptions in both languages, the licence, the temporal and
spatial coverage, every distribution and the SPARQL service.

The parser runs in CKAN's own venv (``make ckan-venv``; tests/harvest/parse.py, configured by ckan.ini beside it);
without that venv the test is skipped, except in CI (``CI`` set), where it fails.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from tests.integration.serving import serving

from awardgraph.config import DEFAULT_BASE_IRI, Settings
from awardgraph.graph.build import build

ROOT = Path(__file__).resolve().parents[2]
CKAN_PYTHON = ROOT / ".venv-ckan" / "bin" / "python"
PARSE = Path(__file__).with_name("parse.py")
EU_LICENCE = "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
#: Where the harvester fetches the description: the dataset's own URL, with no Accept header (as ckanext-dcat sends
#: none), which gets Turtle.
DESCRIPTION_PATH = "/dataset"
RDFLIB_FORMATS = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld"}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The repository's own data, built and served by ``awardgraph serve`` on 127.0.0.1."""
    root = tmp_path_factory.mktemp("harvested")
    settings = Settings(store=root / "store", contact_email="redakcja@example.org")
    build(settings)
    with serving(settings, root / "serve.log") as served:
        yield served.url


@pytest.fixture(scope="module")
def harvested(site: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """The CKAN dataset ckanext-dcat makes of the description, fetched as its harvester fetches it."""
    if not CKAN_PYTHON.exists():
        message = f"no CKAN venv at {CKAN_PYTHON.parent.parent}: run make ckan-venv"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    answer = requests.get(f"{site}{DESCRIPTION_PATH}", headers={"Accept": None}, timeout=30)  # no Accept header
    assert "Accept" not in answer.request.headers
    assert answer.status_code == 200
    fmt = RDFLIB_FORMATS[answer.headers["Content-Type"].split(";")[0].strip()]
    folder = tmp_path_factory.mktemp("ckan")
    (folder / "dataset").write_bytes(answer.content)
    env = {**os.environ, "CKAN_STORAGE_PATH": str(folder / "storage")}
    parsed = subprocess.run(
        [str(CKAN_PYTHON), str(PARSE), str(folder / "dataset"), fmt],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert parsed.returncode == 0, parsed.stderr
    datasets = json.loads(parsed.stdout)
    assert len(datasets) == 1
    found: dict[str, object] = datasets[0]
    return found


def _extras(dataset: dict[str, object]) -> dict[str, str]:
    extras = dataset.get("extras")
    assert isinstance(extras, list)
    return {str(e["key"]): str(e["value"]) for e in extras}


def test_titles_and_descriptions_in_both_languages(harvested: dict[str, object]) -> None:
    assert harvested["title_translated"] == {
        "pl": "Wyróżnienia Miasta Lublin w konkursie Miasta Otwarte (2014–2015)",
        "en": "Distinctions of the City of Lublin in the Open Cities competition (2014–2015)",
    }
    notes = harvested["notes_translated"]
    assert isinstance(notes, dict) and set(notes) == {"pl", "en"} and all(notes.values())


def test_licence(harvested: dict[str, object]) -> None:
    assert harvested["license_id"] == "CC-BY-4.0"  # the site's licence register knows the EU authority's IRI
    resources = harvested["resources"]
    assert isinstance(resources, list)
    assert {r["license"] for r in resources} == {EU_LICENCE}


def test_temporal_and_spatial_coverage(harvested: dict[str, object]) -> None:
    extras = _extras(harvested)
    assert (extras["temporal_start"], extras["temporal_end"]) == ("2013-03", "2015-05-17")
    assert extras["spatial_uri"] == "https://sws.geonames.org/765876/"


def test_every_distribution_and_the_sparql_service(harvested: dict[str, object]) -> None:
    resources = harvested["resources"]
    assert isinstance(resources, list)
    urls = sorted(str(r["url"]) for r in resources)
    dumps = [f"{DEFAULT_BASE_IRI}dumps/awardgraph.{x}" for x in ("jsonld", "nq.gz", "nt.gz", "rdf", "trig", "ttl")]
    assert urls == sorted([*dumps, f"{DEFAULT_BASE_IRI}sparql"])
    for r in resources:
        assert r["name"] and r["description"] and r["format"] and r["issued"] and r["modified"], r
    service = next(r for r in resources if r["url"] == f"{DEFAULT_BASE_IRI}sparql")
    services = json.loads(str(service["access_services"]))
    assert [s["endpoint_url"] for s in services] == [[f"{DEFAULT_BASE_IRI}sparql"]]
    assert services[0]["title"] == "SPARQL endpoint"


def test_contact_and_publisher(harvested: dict[str, object]) -> None:
    contact = harvested["contact"]
    assert isinstance(contact, list) and contact[0]["email"] == "redakcja@example.org"
    publisher = harvested["publisher"]
    assert isinstance(publisher, list) and publisher[0]["name"] == "awardgraph editors"
