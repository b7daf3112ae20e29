"""Allows ``python -m awardgraph``."""

from awardgraph.commands.cli import main

raise SystemExit(main())
