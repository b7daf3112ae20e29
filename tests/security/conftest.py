"""Fixtures of the security tests: the HTTP tests' small dataset built once, apps over it with explicit settings,
and real servers (``awardgraph serve``) started by the tests that need them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from tests.http.httphelp import site_settings

from awardgraph.config import Settings
from awardgraph.graph.build import BuildResult, build
from awardgraph.web import create_app
from awardgraph.web.site import STORES


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, BuildResult]:
    """The HTTP tests' fixture dataset (with the script-like literals), built once for these tests."""
    settings = site_settings(tmp_path_factory.mktemp("security-site"))
    return settings, build(settings)


@pytest.fixture(scope="session")
def settings(site: tuple[Settings, BuildResult]) -> Settings:
    return site[0]


def _apps(settings: Settings) -> Iterator[Callable[..., Flask]]:
    made: list[Flask] = []

    def make(**changes: object) -> Flask:
        app = create_app(settings.replace(**changes))
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions[STORES].close()


@pytest.fixture(scope="session")
def make_app(settings: Settings) -> Iterator[Callable[..., Flask]]:
    """Apps over the fixture with some settings changed; their query processes are stopped after the session."""
    yield from _apps(settings)


@pytest.fixture
def app_with(settings: Settings) -> Iterator[Callable[..., Flask]]:
    """Apps over the fixture with some settings changed; their query processes are stopped after the test."""
    yield from _apps(settings)


@pytest.fixture(scope="session")
def app(make_app: Callable[..., Flask]) -> Flask:
    """The app with the default limits but no per-client budget (every test-client request is one client)."""
    return make_app(client_budget=0, client_queries=8)


@pytest.fixture
def client(app: Flask) -> Iterator[FlaskClient]:
    with app.test_client() as c:
        yield c


@pytest.fixture(scope="session")
def store(settings: Settings) -> Path:
    return settings.store
