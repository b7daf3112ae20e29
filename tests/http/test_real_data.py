"""The app over the repository's own ontology, data and shapes (which must build: see ``conftest.real``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from httphelp import BROWSER_ACCEPT, build_or_fail, parse, same_graph
from rdflib import URIRef

from awardgraph.config import Settings

RDF_TYPES = ["text/turtle", "application/ld+json", "application/rdf+xml", "application/n-triples"]


def things(client: FlaskClient, settings: Settings) -> list[str]:
    query = "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), STR(<id/>))) } ORDER BY ?s"
    r = client.get("/sparql", query_string={"query": query})
    assert r.status_code == 200
    return [b["s"]["value"] for b in r.get_json()["results"]["bindings"]]


def test_every_thing_dereferences(real: Settings, real_client: FlaskClient) -> None:
    found = things(real_client, real)
    assert found
    for iri in found:
        rest = iri.removeprefix(f"{real.base_iri}id/")
        r = real_client.get(f"/id/{rest}")
        if r.status_code == 301:  # a retired identifier: its replacement is checked in its turn
            assert r.headers["Location"].startswith("/id/") and r.headers["Location"] != f"/id/{rest}"
            continue
        assert r.status_code == 303 and r.headers["Location"] == f"/doc/{rest}"
        page = real_client.get(f"/doc/{rest}", headers={"Accept": BROWSER_ACCEPT})
        assert page.status_code == 200, iri
        turtle = real_client.get(f"/doc/{rest}.ttl")
        assert turtle.status_code == 200
        assert (URIRef(iri), None, None) in parse(turtle.get_data(), turtle.content_type)


@pytest.mark.parametrize("index", [0, 1, 2])
def test_same_triples_in_every_format(real: Settings, real_client: FlaskClient, index: int) -> None:
    found = things(real_client, real)
    iri = found[index * len(found) // 3]
    rest = iri.removeprefix(f"{real.base_iri}id/")
    graphs = []
    for accept in RDF_TYPES:
        r = real_client.get(f"/doc/{rest}", headers={"Accept": accept})
        graphs.append(parse(r.get_data(), r.content_type))
    assert all(same_graph(graphs[0], g) for g in graphs[1:])


@pytest.mark.parametrize("path", ["/", "/ontology", "/dataset", "/sparql", "/graph/provenance"])
def test_pages(real_client: FlaskClient, path: str) -> None:
    for lang in ("pl", "en"):
        r = real_client.get(f"{path}?lang={lang}", headers={"Accept": BROWSER_ACCEPT})
        assert r.status_code == 200, (path, lang)


def test_ontology_turtle(real_client: FlaskClient) -> None:
    r = real_client.get("/ontology", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and len(parse(r.get_data(), r.content_type)) > 20


def test_a_data_set_that_does_not_build_fails_the_tests_using_it(tmp_path: Path) -> None:
    """``conftest.real`` builds through ``build_or_fail``: broken data must fail a test, never skip it."""
    broken = tmp_path / "broken.ttl"
    broken.write_text("<id/x> <p> .\n", encoding="utf-8")
    settings = Settings(store=tmp_path / "store", data=(broken,), shapes=(tmp_path / "none",))
    with pytest.raises(pytest.fail.Exception, match="does not build") as failed:
        build_or_fail(settings, "the broken data")
    assert not isinstance(failed.value, pytest.skip.Exception)
