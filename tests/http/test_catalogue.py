"""What harvesters and search engines read of the catalogue: the schema.org ``Dataset`` embedded in the home page and
``/dataset`` (Google's structured-data rules for Dataset), and every URL the DCAT-AP description gives a
distribution answers (data.europa.eu's quality assessment fetches them)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient
from httphelp import BROWSER_ACCEPT, parse
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT

from awardgraph.config import DEFAULT_BASE_IRI, Settings


class _JsonLd(HTMLParser):
    """The text of each ``<script type="application/ld+json">`` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._inside = tag == "script" and ("type", "application/ld+json") in attrs
        if self._inside:
            self.blocks.append("")

    def handle_endtag(self, tag: str) -> None:
        self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.blocks[-1] += data


def embedded(client: FlaskClient, path: str) -> list[dict[str, object]]:
    page = client.get(path, headers={"Accept": BROWSER_ACCEPT})
    assert page.status_code == 200
    reader = _JsonLd()
    reader.feed(page.get_data(as_text=True))
    return [json.loads(block) for block in reader.blocks]


ISO_INTERVAL = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?/\d{4}(-\d{2}(-\d{2})?)?")


def check_google_dataset(data: dict[str, object]) -> None:
    """Google's structured data for Dataset: the required properties, and the recommended ones this dataset has."""
    assert data["@context"] in ("https://schema.org/", "https://schema.org", "http://schema.org/")
    assert data["@type"] == "Dataset"
    # required: name, and a description of 50 to 5000 characters
    assert isinstance(data["name"], str) and data["name"]
    assert isinstance(data["description"], str) and 50 <= len(data["description"]) <= 5000
    # recommended
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    creator = data["creator"]
    assert isinstance(creator, dict) and creator["@type"] in ("Organization", "Person") and creator["name"]
    downloads = data["distribution"]
    assert isinstance(downloads, list) and len(downloads) == 6
    for d in downloads:
        assert d["@type"] == "DataDownload"
        assert str(d["contentUrl"]).startswith(f"{DEFAULT_BASE_IRI}dumps/")
        assert re.fullmatch(r"[a-z]+/[a-z0-9.+-]+", d["encodingFormat"])
    assert isinstance(data["temporalCoverage"], str) and ISO_INTERVAL.fullmatch(data["temporalCoverage"])
    place = data["spatialCoverage"]
    assert isinstance(place, dict) and place["@type"] == "Place" and place["name"] == "Lublin"
    assert place["geo"] == {"@type": "GeoCoordinates", "latitude": 51.25, "longitude": 22.56667}
    assert data["url"] == DEFAULT_BASE_IRI and data["identifier"] == f"{DEFAULT_BASE_IRI}dataset"
    assert isinstance(data["keywords"], list) and "Open Cities" in data["keywords"]
    assert data["inLanguage"] == ["en", "pl"]


@pytest.mark.parametrize("path", ["/", "/dataset", "/?lang=en", "/dataset?lang=pl"])
def test_pages_carry_a_schema_org_dataset(real_client: FlaskClient, path: str) -> None:
    blocks = embedded(real_client, path)
    assert len(blocks) == 1
    check_google_dataset(blocks[0])
    lang = "en" if "lang=en" in path else "pl" if "lang=pl" in path else None
    if lang == "pl":
        assert blocks[0]["name"] == "Wyróżnienia Miasta Lublin w konkursie Miasta Otwarte (2014–2015)"


def test_the_embedded_dataset_is_json_ld(real_client: FlaskClient) -> None:
    """Read as JSON-LD (schema.org's context as a vocabulary: nothing is fetched), it is one schema:Dataset."""
    data = embedded(real_client, "/dataset")[0]
    data["@context"] = {"@vocab": "https://schema.org/"}
    g = Graph().parse(data=json.dumps(data), format="json-ld")
    dataset = URIRef(f"{DEFAULT_BASE_IRI}dataset")
    assert (
        dataset,
        URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        URIRef("https://schema.org/Dataset"),
    ) in g
    assert len(list(g.objects(dataset, URIRef("https://schema.org/distribution")))) == 6


def test_the_script_cannot_end_early(real_client: FlaskClient) -> None:
    """No ``<`` in the embedded JSON (text of the data could otherwise close the script element)."""
    page = real_client.get("/dataset", headers={"Accept": BROWSER_ACCEPT}).get_data(as_text=True)
    start = page.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    assert "<" not in page[start : page.index("</script>", start)]


def test_every_distribution_url_answers(local_client: FlaskClient, site: tuple[Settings, object]) -> None:
    """Each access and download URL of the description is served (as data.europa.eu's assessment fetches them)."""
    base = site[0].base_iri
    r = local_client.get("/dataset", headers={"Accept": "text/turtle"})
    g = parse(r.get_data(), r.content_type)
    urls = {str(u) for p in (DCAT.accessURL, DCAT.downloadURL) for u in g.objects(None, p)}
    assert f"{base}sparql" in urls and len(urls) == 7
    for url in sorted(urls):
        assert url.startswith(base)
        answer = local_client.get("/" + url.removeprefix(base))
        answer.close()  # a dump is a file
        assert answer.status_code == 200, url
