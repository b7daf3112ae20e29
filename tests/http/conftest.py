"""Fixtures for the HTTP tests: a small dataset built into a temporary store, the app over it, and the app over
the repository's own data (which must build: a test that needs it fails, never skips, when it does not)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from httphelp import build_or_fail, site_settings

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
def settings(site: tuple[Settings, BuildResult]) -> Settings:
    return site[0]


@pytest.fixture(scope="session")
def app(settings: Settings) -> Flask:
    return create_app(settings)


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as c:
        yield c


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
