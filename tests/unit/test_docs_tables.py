"""The README's command table and the docs' settings tables are what the code makes: a new command, flag or setting
cannot go undocumented, and every setting has a line of its own in ``SETTING_DOCS``."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from awardgraph.commands import docs_tables
from awardgraph.config import SETTING_DOCS, SHOWN_DEFAULTS, Settings


@pytest.mark.parametrize("relative", docs_tables.FILES)
def test_the_tables_in_the_docs_are_what_the_code_makes(relative: str) -> None:
    text = (docs_tables.ROOT / relative).read_text(encoding="utf-8")
    assert docs_tables.BLOCK.search(text), f"{relative} has no generated table"
    assert docs_tables.render(text) == text, f"{relative}: run make docs"


def test_every_setting_has_one_line_of_docs() -> None:
    fields = [field.name for field in dataclasses.fields(Settings)]
    assert list(SETTING_DOCS) == fields
    assert all(text and "\n" not in text for text in SETTING_DOCS.values())
    assert set(SHOWN_DEFAULTS) <= set(fields)


def test_every_setting_and_every_command_is_in_a_table() -> None:
    settings = (docs_tables.ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    for field in dataclasses.fields(Settings):
        assert re.search(rf"^\|[^\n]*`AWARDGRAPH_{field.name.upper()}` \|", settings, re.M), field.name
    readme = (docs_tables.ROOT / "README.md").read_text(encoding="utf-8")
    for command in ("validate", "build", "serve", "publish", "query"):
        assert f"| `awardgraph {command} " in readme


def test_a_table_edited_by_hand_is_told_apart() -> None:
    readme = (docs_tables.ROOT / "README.md").read_text(encoding="utf-8")
    edited = readme.replace("[--engine sparql\\|pyshacl]", "[--engine sparql]", 1)
    assert edited != readme and docs_tables.render(edited) == readme
    deployment = (docs_tables.ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
    dropped = re.sub(r"^\| `--shapes PATH` .*\n", "", deployment, flags=re.M)
    assert dropped != deployment and docs_tables.render(dropped) == deployment


def test_the_command_says_when_the_tables_differ(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path  # a copy of the docs, one of them stale
    for relative in docs_tables.FILES:
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text((docs_tables.ROOT / relative).read_text(encoding="utf-8"), encoding="utf-8")
    stale = root / "docs" / "security.md"
    stale.write_text(stale.read_text(encoding="utf-8").replace("| `1024` |", "| `512` |"), encoding="utf-8")
    monkeypatch.setattr(docs_tables, "ROOT", root)
    assert docs_tables.main([]) == 1
    assert "docs/security.md" in capsys.readouterr().err
    assert docs_tables.main(["--write"]) == 0 and docs_tables.main([]) == 0
    assert "| `1024` |" in stale.read_text(encoding="utf-8")
