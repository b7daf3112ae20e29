"""Shared fixtures: settings for a scratch store, and one build of the project's own data per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from awardgraph.config import Settings
from awardgraph.graph.build import BuildResult, build

FIXTURES = Path(__file__).parent / "fixtures"
MINI_DATA = (FIXTURES / "build" / "mini.trig",)
MINI_SHAPES = (FIXTURES / "build" / "mini-shapes.ttl",)


@pytest.fixture
def mini_settings(tmp_path: Path) -> Settings:
    """Settings for a build of the minimal fixture into a fresh store directory."""
    return Settings(store=tmp_path / "store", data=MINI_DATA, shapes=MINI_SHAPES)


@pytest.fixture(scope="session")
def project_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The project's own ontology, data and shapes, built once for the session."""
    return build(Settings(store=tmp_path_factory.mktemp("project") / "store"))
