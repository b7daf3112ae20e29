"""docs/deployment.md names every setting of the remote store (publish, serve and query ``--endpoint``) with its
environment variable, and the flags ``serve`` and ``query`` take for it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from awardgraph.commands.cli import make_parser

DOC = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"
REMOTE = [
    "endpoint",
    "update_endpoint",
    "graph_store",
    "auth_user",
    "auth_password",
    "auth_token",
    "auth_scheme",
    "remote_timeout",
    "update_timeout",
    "remote_retries",
    "default_graph",
    "publish_batch",
    "remote_refresh",
]


@pytest.mark.parametrize("name", REMOTE)
def test_every_remote_setting_is_documented(name: str) -> None:
    assert f"`AWARDGRAPH_{name.upper()}`" in DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["serve", "query", "publish"])
def test_every_remote_flag_is_documented(command: str) -> None:
    text = DOC.read_text(encoding="utf-8")
    sub = next(a for a in make_parser()._actions if a.dest == "command").choices[command]  # type: ignore[index]
    flags = {
        f for action in sub._actions for f in action.option_strings if re.match(r"--(endpoint|auth|update|graph)", f)
    }
    assert flags and all(f"`{flag}" in text or f"{flag}`" in text or f"{flag}," in text for flag in flags), flags
