"""Fixtures for the HTTP tests: a small dataset built into a temporary store, the app over it, and (when the
repository's own data builds) the app over the real data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from httphelp import site_settings

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
    """The repository's own ontology and data, built once; skipped while data/ is empty or does not build."""
    data = [p for p in default_data_paths() if p.is_dir() and any(p.glob("*.t*"))]
    if len(data) < 2:
        pytest.skip("the repository's data/ has no files yet")
    settings = Settings(store=tmp_path_factory.mktemp("real") / "store")
    try:
        build(settings)
    except Exception as exc:  # the data is another engineer's work in progress; say why and skip
        pytest.skip(f"the repository's data does not build right now: {exc}")
    return settings


@pytest.fixture(scope="session")
def real_client(real: Settings) -> FlaskClient:
    return create_app(real).test_client()
