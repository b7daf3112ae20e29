"""docs/security.md documents every setting of the defences with its real default, and the settings refuse values
they cannot work with."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from awardgraph.config import ConfigError, Settings

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
DEFENCES = [
    "query_timeout",
    "query_processes",
    "query_wait",
    "long_query",
    "long_queries",
    "query_memory",
    "memory_copy",
    "max_query",
    "max_url",
    "max_body",
    "max_depth",
    "max_rows",
    "max_triples",
    "client_queries",
    "client_queue",
    "client_wait",
    "client_budget",
    "trusted_proxies",
    "federation",
]


@pytest.mark.parametrize("name", DEFENCES)
def test_every_setting_is_documented_with_its_default(name: str) -> None:
    rows = {
        match.group(1): match.group(2)
        for match in re.finditer(r"^\| `AWARDGRAPH_([A-Z_]+)` \| ([^|]+) \|", DOC.read_text(encoding="utf-8"), re.M)
    }
    documented = rows[name.upper()].strip().strip("`")
    default = {f.name: f.default for f in dataclasses.fields(Settings)}[name]
    if isinstance(default, tuple):
        assert default == () and documented == "none"
    else:
        assert float(documented) == float(default), name  # type: ignore[arg-type]


def test_environment() -> None:
    env = {
        "AWARDGRAPH_QUERY_TIMEOUT": "2.5",
        "AWARDGRAPH_MAX_ROWS": "7",
        "AWARDGRAPH_TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.1",
        "AWARDGRAPH_FEDERATION": "https://query.wikidata.org/sparql",
    }
    settings = Settings.from_env(env)
    assert settings.query_timeout == 2.5 and settings.max_rows == 7
    assert settings.trusted_proxies == ("10.0.0.0/8", "192.0.2.1")
    assert settings.federation == ("https://query.wikidata.org/sparql",)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("AWARDGRAPH_QUERY_TIMEOUT", "0"),
        ("AWARDGRAPH_QUERY_TIMEOUT", "soon"),
        ("AWARDGRAPH_MAX_DEPTH", "-1"),
        ("AWARDGRAPH_CLIENT_BUDGET", "-5"),
        ("AWARDGRAPH_TRUSTED_PROXIES", "proxy.example"),
        ("AWARDGRAPH_FEDERATION", "file:///etc/passwd"),
    ],
)
def test_bad_values_are_refused(variable: str, value: str) -> None:
    with pytest.raises(ConfigError, match=variable):
        Settings.from_env({variable: value})
