"""SQLite files a build writes beside its store (the list index, the search index): made once in the unfinished
build, then only read, by every server worker at once (:class:`awardgraph.indexes.ReadOnly`)."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def created(path: Path, schema: str) -> Iterator[sqlite3.Connection]:
    """A new database at ``path`` with ``schema``, committed when the block ends without an error."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode=OFF")  # a new file in an unfinished build: nothing to roll back to
        db.executescript(schema)
        yield db
        db.commit()
    finally:
        db.close()
