"""The examples in the docstrings of the web and queries modules run."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "awardgraph.queries",
    "awardgraph.queries.lexer",
    "awardgraph.graph.listindex",
    "awardgraph.web.conneg",
    "awardgraph.web.i18n",
    "awardgraph.web.paths",
    "awardgraph.textmatch",
    "awardgraph.cookbook",
    "awardgraph.web.editor",
    "awardgraph.pictures",
    "awardgraph.web.pictures",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0 and result.failed == 0
