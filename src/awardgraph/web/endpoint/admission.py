"""Admission control per client: how many user queries a client may have running at once, and a budget of
query-seconds per minute (like the Wikidata Query Service's), both shared by all the server's workers.

The budget is a token bucket: a client starts with ``budget`` seconds, spends the wall-clock seconds its queries
take (charged when each ends), and earns ``budget / 60`` seconds back every second, up to ``budget``. A client
whose balance is used up, or who already has ``per_client`` queries running, is refused with a 429 and a
``Retry-After`` saying when to come back.

The state lives in a small SQLite database: a file in the server's private runtime directory when the server
has several worker processes, or in memory for a single process (tests, ``serve --get``). A running query is
recorded with an expiry, so a worker that dies mid-query cannot leave its client blocked for long. The file is
written ahead-logged and never synced to disk: it lives only as long as the server, and a sync per query cost
10-30 ms.
"""

from __future__ import annotations

import math
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from awardgraph.web.endpoint.query_checks import Refused

SCHEMA = """
CREATE TABLE IF NOT EXISTS balance (client TEXT PRIMARY KEY, seconds REAL NOT NULL, updated REAL NOT NULL);
CREATE TABLE IF NOT EXISTS running (id INTEGER PRIMARY KEY, client TEXT NOT NULL, expires REAL NOT NULL);
CREATE INDEX IF NOT EXISTS running_client ON running (client);
CREATE INDEX IF NOT EXISTS balance_updated ON balance (updated);
"""
LOCK_WAIT = 5.0  # seconds a query may wait for the shared state before the server gives up on it (500)
LOCK_STEP = 0.002  # seconds between looks at a lock another worker holds


class Admission:
    """Admit or refuse a client's query; see the module's documentation."""

    def __init__(
        self,
        *,
        per_client: int,
        budget: float,
        hold: float,
        path: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """``hold``: how long a running query may count against its client at most (its timeout and a margin);
        ``clock``: seconds, the same in every process sharing ``path`` (Linux's monotonic clock is)."""
        self.per_client, self.budget, self.hold, self.path, self.clock = per_client, budget, hold, path, clock
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self._pid: int | None = None

    def _connection(self) -> sqlite3.Connection:
        if self._db is None or self._pid != os.getpid():
            target = str(self.path) if self.path is not None else ":memory:"
            self._db = sqlite3.connect(target, timeout=5.0, isolation_level=None, check_same_thread=False)
            # the state lives only as long as the server: nothing is worth an fsync (which cost 10-30 ms a query)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=OFF")
            self._db.executescript(SCHEMA)
            self._db.execute("PRAGMA busy_timeout=0")  # from now on :meth:`_begin` waits for the lock itself
            self._pid = os.getpid()
        return self._db

    @staticmethod
    def _begin(db: sqlite3.Connection) -> None:
        """Start a write transaction, waiting for another worker's to end in steps of at most :data:`LOCK_STEP`
        seconds (SQLite's own wait sleeps in steps growing to 100 ms: a few workers' queries in a row cost 5-400 ms
        at the 99th percentile). Inside the transaction this process holds the lock: nothing else waits."""
        deadline, pause = time.monotonic() + LOCK_WAIT, LOCK_STEP / 8
        while True:
            try:
                db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, LOCK_STEP)

    def enter(self, client: str) -> int:
        """Admit a query of ``client`` (a ticket for :meth:`leave`), or raise a 429 :class:`Refused`."""
        now = self.clock()
        with self._lock:
            db = self._connection()
            self._begin(db)
            try:
                db.execute("DELETE FROM running WHERE expires < ?", (now,))
                (count,) = db.execute("SELECT COUNT(*) FROM running WHERE client = ?", (client,)).fetchone()
                if count >= self.per_client:
                    raise Refused(
                        429,
                        f"You already have {count} queries running here, the most one client may; "
                        "send the next one when one of them has finished.",
                        retry_after=1,
                    )
                balance = self._balance(db, client, now)
                if self.budget and balance <= 0:
                    wait = max(1, math.ceil(-balance / self.rate + 1))
                    raise Refused(
                        429,
                        f"Your queries have used their {self.budget:g} seconds of query time per minute; "
                        f"you can send more in {wait} s.",
                        retry_after=wait,
                    )
                ticket = db.execute(
                    "INSERT INTO running (client, expires) VALUES (?, ?)", (client, now + self.hold)
                ).lastrowid
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        assert ticket is not None
        return ticket

    def leave(self, client: str, ticket: int, seconds: float) -> None:
        """The query admitted with ``ticket`` has ended after ``seconds``: charge them."""
        now = self.clock()
        with self._lock:
            db = self._connection()
            self._begin(db)
            try:
                db.execute("DELETE FROM running WHERE id = ?", (ticket,))
                if self.budget:
                    balance = self._balance(db, client, now) - seconds
                    db.execute("INSERT OR REPLACE INTO balance VALUES (?, ?, ?)", (client, balance, now))
                    # a client whose balance has grown back to the full budget needs no row
                    db.execute(
                        "DELETE FROM balance WHERE seconds + (? - updated) * ? >= ?", (now, self.rate, self.budget)
                    )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    @property
    def rate(self) -> float:
        """Seconds of budget earned back per second."""
        return self.budget / 60.0

    def _balance(self, db: sqlite3.Connection, client: str, now: float) -> float:
        row = db.execute("SELECT seconds, updated FROM balance WHERE client = ?", (client,)).fetchone()
        if row is None:
            return self.budget
        seconds, updated = row
        return float(min(self.budget, seconds + (now - updated) * self.rate))
