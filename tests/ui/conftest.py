"""Fixtures of the tests of the pages for people (search, cookbook, pictures, editor): the repository's own data,
built once, and the app over it."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from awardgraph.config import Settings
from awardgraph.graph.build import build
from awardgraph.resources import default_data_paths
from awardgraph.web import create_app


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The repository's own ontology, data and shapes, built once (a broken build fails, never skips)."""
    if not any(p.is_dir() and any(p.glob("*.t*")) for p in default_data_paths()):
        pytest.fail(f"no RDF files in {default_data_paths()}")
    settings = Settings(store=tmp_path_factory.mktemp("ui") / "store")
    try:
        build(settings)
    except Exception as exc:
        pytest.fail(f"the repository's data does not build: {type(exc).__name__}: {exc}")
    return settings


@pytest.fixture
def client(real_settings: Settings) -> FlaskClient:
    return create_app(real_settings).test_client()
