"""The README's command table and the docs' settings tables, made from the code so that none can fall behind it.

The commands come from the argparse parser of :mod:`awardgraph.commands.cli` (what ``--help`` shows), the
settings from :class:`awardgraph.config.Settings` and :data:`awardgraph.config.SETTING_DOCS`. In a Markdown file a
table stands between ``<!-- table: NAME ... -->`` and ``<!-- end of table -->``;
``python -m awardgraph.commands.docs_tables --write`` (``make docs``) rewrites every such table, and without
``--write`` it says which files differ (exit 1), as the test suite does.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from awardgraph.commands.cli import make_parser
from awardgraph.config import SETTING_DOCS, SHOWN_DEFAULTS, Settings

ROOT = Path(__file__).resolve().parents[3]
FILES = ("README.md", "docs/settings.md", "docs/security.md", "docs/deployment.md")
BLOCK = re.compile(r"(<!-- table: (?P<name>[a-z-]+)[^>]*-->\n)(?P<body>.*?)(<!-- end of table -->)", re.S)

DEFENCES = (
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
)
REMOTE_CONNECTION = ("remote_timeout", "remote_retries", "default_graph")
PUBLISH = (
    "endpoint",
    "update_endpoint",
    "graph_store",
    "auth_user",
    "auth_password",
    "auth_token",
    "auth_scheme",
    "publish_batch",
    "update_timeout",
    *REMOTE_CONNECTION,
    "data",
    "shapes",
    "base_iri",
    "shacl_engine",
    "contact_email",
)
SERVE_ENDPOINT = (
    "endpoint",
    "base_iri",
    "auth_user",
    "auth_password",
    "auth_token",
    "auth_scheme",
    *REMOTE_CONNECTION,
    "remote_refresh",
    "host",
    "port",
    "workers",
)


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = make_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _flag(action: argparse.Action) -> str:
    """How a flag is written in the tables: ``--data PATH``, ``--format table|json``, ``--quiet``."""
    flag = action.option_strings[-1] if action.option_strings else str(action.metavar or action.dest)
    if action.nargs == 0:
        return flag
    if action.choices is not None:
        value = "|".join(str(choice) for choice in action.choices)
    else:
        value = str(action.metavar or action.dest.upper())
    return f"{flag} {value}" if action.option_strings else value


def _usage(name: str, parser: argparse.ArgumentParser) -> str:
    """``awardgraph NAME POSITIONAL [--flag VALUE]...``: every argument the command takes, but ``--help``."""
    parts = [f"awardgraph {name}"]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        if not action.option_strings:
            parts.append(_flag(action))
        else:
            repeat = "..." if isinstance(action, argparse._AppendAction) else ""
            parts.append(f"[{_flag(action)}]{repeat}")
    return " ".join(parts)


def command_table() -> str:
    """The README's table: one row per command, with every flag it takes and what it does."""
    rows = ["| command | what it does |", "|---|---|"]
    for name, parser in _commands().items():
        rows.append(f"| `{_cell(_usage(name, parser))}` | {_cell(str(parser.description))} |")
    return "\n".join(rows) + "\n"


def _setting_flags() -> dict[str, str]:
    """The flag of each setting that has one (the secrets' flags name the variable that holds them)."""
    fields = {field.name for field in dataclasses.fields(Settings)}
    flags: dict[str, str] = {}
    for parser in _commands().values():
        for action in parser._actions:
            name = action.dest.removesuffix("_env")
            if action.option_strings and name in fields:
                flags.setdefault(name, _flag(action))
    return flags


def shown_default(name: str) -> str:
    """A setting's default as the tables show it.

    >>> shown_default("query_timeout"), shown_default("federation"), shown_default("auth_scheme")
    ('`10`', 'none', '`auto`')
    """
    if name in SHOWN_DEFAULTS:
        return SHOWN_DEFAULTS[name]
    value = {field.name: field.default for field in dataclasses.fields(Settings)}[name]
    if value is None or value == ():
        return "none"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{value}`"


def settings_table(names: Sequence[str], *, flags: bool = True) -> str:
    """A table of the settings ``names``: their variable, flag (if ``flags``), default and what each does."""
    known = _setting_flags()
    header = ["flag", "setting (environment)", "default", "what"] if flags else ["setting", "default", "what"]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name in names:
        cells = [f"`{known[name]}`" if name in known else "", f"`AWARDGRAPH_{name.upper()}`"]
        cells += [shown_default(name), SETTING_DOCS[name]]
        if not flags:
            del cells[0]
        rows.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(rows) + "\n"


TABLES: dict[str, Callable[[], str]] = {
    "commands": command_table,
    "settings": lambda: settings_table([field.name for field in dataclasses.fields(Settings)]),
    "defences": lambda: settings_table(DEFENCES, flags=False),
    "publish": lambda: settings_table(PUBLISH),
    "serve-endpoint": lambda: settings_table(SERVE_ENDPOINT),
}


def render(text: str) -> str:
    """``text`` with every marked table made again from the code."""

    def table(match: re.Match[str]) -> str:
        return match.group(1) + TABLES[match.group("name")]() + match.group(4)

    return BLOCK.sub(table, text)


def main(argv: Sequence[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    args.add_argument("--write", action="store_true", help="rewrite the tables (default: only say which differ)")
    write = args.parse_args(argv).write
    stale = []
    for relative in FILES:
        path = ROOT / relative
        text = path.read_text(encoding="utf-8")
        if render(text) != text:
            stale.append(relative)
            if write:
                path.write_text(render(text), encoding="utf-8")
    if stale and not write:
        print(f"tables differ from the code in {', '.join(stale)}: run make docs", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
