"""Fixtures for the HTTP tests: a small dataset built into a temporary store (and published to each remote store,
see ``backends.py``), the app over it, and the app over the repository's own data (which must build: a test that
needs it fails, never skips, when it does not)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from backends import BACKENDS, Backend, published, running
from flask import Flask
from flask.testing import FlaskClient
from httphelp import build_or_fail, site_settings
from tests.integration.servers import Server

from awardgraph.config import Settings
from awardgraph.graph.build import BuildResult, build
from awardgraph.resources import default_data_paths
from awardgraph.web import create_app


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, BuildResult]:
    """The fixture dataset, built once for the session."""
    settings = site_settings(tmp_path_factory.mktemp("site"))
    return settings, build(settings)


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from running("oxigraph", tmp_path_factory.mktemp("oxigraph"))


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from running("virtuoso", tmp_path_factory.mktemp("virtuoso"))


@pytest.fixture(scope="session")
def publishes() -> dict[str, Backend]:
    """The remote backends published so far (each store gets the fixture data once per session)."""
    return {}


def remote_backend(request: pytest.FixtureRequest, kind: str) -> Backend:
    """The fixture dataset published to the session's server of ``kind`` (the first time it is asked for)."""
    publishes: dict[str, Backend] = request.getfixturevalue("publishes")
    if kind not in publishes:
        settings, result = request.getfixturevalue("site")
        server: Server = request.getfixturevalue(f"{kind}_server")
        publishes[kind] = published(server, settings, result.stats.triples)
    return publishes[kind]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest, site: tuple[Settings, BuildResult]) -> Backend:
    """The fixture dataset in one store: the embedded build, or published to a remote store."""
    settings, result = site
    if request.param == "embedded":
        return Backend("embedded", settings, result.build_id, result.stats.triples)
    return remote_backend(request, str(request.param))


@pytest.fixture(scope="session")
def settings(backend: Backend) -> Settings:
    return backend.settings


@pytest.fixture(scope="session")
def app(settings: Settings) -> Flask:
    return create_app(settings)


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as c:
        yield c


@pytest.fixture
def local_client(site: tuple[Settings, BuildResult]) -> FlaskClient:
    """The embedded build only: for what only a build has (its files, its dumps)."""
    return create_app(site[0]).test_client()


@pytest.fixture(scope="session")
def real(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The repository's own ontology, data and shapes, built once. A broken build fails the tests that use it (a
    skip would hide it)."""
    data = [p for p in default_data_paths() if p.is_dir() and any(p.glob("*.t*"))]
    if len(data) < 2:
        pytest.fail(f"the repository's ontology/ and data/ hold no RDF files (looked in {default_data_paths()})")
    settings = Settings(store=tmp_path_factory.mktemp("real") / "store")
    build_or_fail(settings, "the repository's data")
    return settings


@pytest.fixture(scope="session")
def real_client(real: Settings) -> FlaskClient:
    return create_app(real).test_client()
