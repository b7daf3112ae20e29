"""Fixtures: one Oxigraph server and one Virtuoso per test module, on 127.0.0.1, stopped by PID afterwards.

Tests isolate themselves by base IRI: publish touches only the graphs under the settings' base IRI, so each test
publishes under a base of its own and never sees another test's graphs.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.servers import Server, start_server

_bases = itertools.count()


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A running server of each kind, shared by the tests of a module."""
    kind = str(request.param)
    running = start_server(kind, tmp_path_factory.mktemp(kind))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def base_iri() -> str:
    """A base IRI no other test uses."""
    return f"https://test.awardgraph.example/{next(_bases)}/"


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    return tmp_path
