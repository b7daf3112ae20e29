"""The examples in every module's docstrings run: the modules are found by their ``>>>``, so none is forgotten."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import awardgraph

PACKAGE = Path(awardgraph.__file__).parent


def modules_with_examples() -> list[str]:
    """The dotted name of every module under ``src/awardgraph`` whose text has a ``>>>`` prompt."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if ">>>" in path.read_text(encoding="utf-8"):
            parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
            found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def test_the_modules_with_examples_are_found() -> None:
    found = modules_with_examples()
    assert {"awardgraph.queries", "awardgraph.queries.lexer", "awardgraph.config", "awardgraph.graph.terms"} <= set(
        found
    )
    assert "awardgraph.commands.cli" not in found  # no prompt there


@pytest.mark.parametrize("name", modules_with_examples())
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0, result
