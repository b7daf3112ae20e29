"""SQLite files a build writes beside its store (the list index, the search index): made once in the unfinished
build, then only read, by every server worker at once."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar, Self


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


class ReadOnly:
    """One such file of a finished build, opened read-only (builds never change, so SQLite need not lock it);
    subclasses name the file in :attr:`FILE` and ask it through :attr:`_db` while holding :attr:`_lock`."""

    FILE: ClassVar[str]

    def __init__(self, path: Path) -> None:
        self._db = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)
        self._lock = threading.Lock()

    @classmethod
    def open(cls, folder: Path) -> Self | None:
        """The file of the build in ``folder``; ``None`` for a build made without one."""
        path = folder / cls.FILE
        return cls(path) if path.is_file() else None
