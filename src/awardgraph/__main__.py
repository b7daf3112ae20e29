"""Allows ``python -m awardgraph``."""

from awardgraph.cli import main

raise SystemExit(main())
