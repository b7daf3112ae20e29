"""Admission control per client: how many user queries a client may have running at once, how many more may
wait for them, and a budget of query-seconds per minute (like the Wikidata Query Service's), all shared by the
server's workers.

A client's burst is served, not refused: past its ``per_client`` running queries, up to ``queue`` more wait, in
the order they arrived, for one of its own to end, each at most ``wait`` seconds. A waiting request holds a
server thread, so one worker lets at most ``slots`` requests wait at once (of every client): the rest of its
threads stay free for other clients' queries and pages. A query that would wait past the client's ``queue``, or
waited ``wait`` seconds, is refused with a 429; one that finds the worker's ``slots`` taken, with a 503 (the server
is busy, whoever's queries wait); both with a ``Retry-After``.

The budget is a token bucket: a client starts with ``budget`` seconds, spends the wall-clock seconds its queries
take (charged when each ends), and earns ``budget / 60`` seconds back every second, up to ``budget``. A client
whose balance is used up is refused at once (a 429 saying when to come back): the queue is for bursts, not for
more query time.

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
CREATE TABLE IF NOT EXISTS waiting (id INTEGER PRIMARY KEY AUTOINCREMENT, client TEXT NOT NULL, expires REAL NOT NULL);
CREATE INDEX IF NOT EXISTS waiting_client ON waiting (client, id);
CREATE INDEX IF NOT EXISTS balance_updated ON balance (updated);
"""
LOCK_WAIT = 5.0  # seconds a query may wait for the shared state before the server gives up on it (500)
LOCK_STEP = 0.002  # seconds between looks at a lock another worker holds
SWEEP = 1.0  # seconds between two clean-ups of the rows that count no more
# one look at a client's share: its queries running, and the first of its queries waiting (expired rows skipped)
LOOK = (
    "SELECT (SELECT COUNT(*) FROM running WHERE client = ? AND expires >= ?), "
    "(SELECT MIN(id) FROM waiting WHERE client = ? AND expires >= ?)"
)
WAIT_STEP = 0.001  # seconds between two looks, by a waiting query, for a change made by another worker


class Admission:
    """Admit or refuse a client's query; see the module's documentation."""

    def __init__(
        self,
        *,
        per_client: int,
        budget: float,
        hold: float,
        queue: int = 0,
        wait: float = 0.0,
        slots: int = 0,
        path: Path | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] | None = None,
    ) -> None:
        """``hold``: how long a running query may count against its client at most (its timeout and a margin);
        ``queue``, ``wait``: how many of a client's queries may wait, and for how long; ``slots``: how many requests
        may wait in this process at once; ``clock``: seconds, the same in every process sharing ``path`` (Linux's
        monotonic clock is); ``sleep``: how a waiting request pauses (by default until a query of this process ends,
        or a short while, for one ending in another; called holding the condition it may wait on)."""
        self.per_client, self.budget, self.hold, self.path, self.clock = per_client, budget, hold, path, clock
        self.queue, self.wait, self.slots = queue, wait, slots
        self._lock = threading.Lock()
        self._ended = threading.Condition()
        self._sleep = sleep or self._ended.wait
        self._waiting_here = 0
        self._next_sweep = -math.inf
        self._ended_here = 0  # queries of this process that ended or stopped waiting (guarded by ``_ended``)
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
        """Admit a query of ``client`` (a ticket for :meth:`leave`), after waiting its turn if the client has its
        share running, or raise a 429 (or, when this worker has no thread to spare for waiting, 503)
        :class:`Refused`."""
        place: int | None = None  # this request's row in ``waiting``, once it waits
        deadline = self.clock() + self.wait
        try:
            while True:
                ticket, place, seen = self._try(client, place)
                if ticket is not None:
                    return ticket
                if not self._pause_until_a_change(seen, deadline):
                    raise Refused(
                        429,
                        f"Your {self.per_client} queries running here did not end within {self.wait:g} s, while this "
                        "one waited for them; send it again when one of them has finished.",
                        retry_after=max(1, math.ceil(self.wait)),
                    )
        finally:
            if place is not None:
                self._forget(place)

    def _try(self, client: str, place: int | None) -> tuple[int | None, int | None, tuple[int, int]]:
        """One look: a ticket if the query may run now (else None), its place in the queue, and what the state was
        when it looked (this process's count of ended queries, SQLite's ``data_version``), to wait for a change."""
        now = self.clock()
        with self._lock:
            db = self._connection()
            with self._ended:
                ended = self._ended_here
            seen = (ended, int(db.execute("PRAGMA data_version").fetchone()[0]))  # taken before the state is read
            self._begin(db)
            try:
                self._sweep(db, now)
                balance = self._balance(db, client, now) if self.budget else 0.0
                if self.budget and balance <= 0:
                    wait = max(1, math.ceil(-balance / self.rate + 1))
                    raise Refused(
                        429,
                        f"Your queries have used their {self.budget:g} seconds of query time per minute; "
                        f"you can send more in {wait} s.",
                        retry_after=wait,
                    )
                count, first = db.execute(LOOK, (client, now, client, now)).fetchone()
                if count < self.per_client and (first is None or first == place):  # its turn, in arrival order
                    if place is not None:
                        db.execute("DELETE FROM waiting WHERE id = ?", (place,))
                    ticket = db.execute(
                        "INSERT INTO running (client, expires) VALUES (?, ?)", (client, now + self.hold)
                    ).lastrowid
                    db.execute("COMMIT")
                    assert ticket is not None
                    return ticket, place, seen
                if place is None:
                    place = self._queue(db, client, count, now)
                db.execute("COMMIT")
                return None, place, seen
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _pause_until_a_change(self, seen: tuple[int, int], deadline: float) -> bool:
        """Wait until a query may have ended since the look that saw ``seen``: one of this process ended, or the
        shared state changed (SQLite's ``data_version``, a cheap read, moves when another process commits). False
        once ``deadline`` passes. Nothing is missed: the state was read after ``seen`` was taken."""
        while self.clock() < deadline:
            with self._ended:
                if self._ended_here != seen[0]:
                    return True
                self._sleep(WAIT_STEP)  # holding the condition: a query ending here wakes it
            if self._version() != seen[1]:
                return True
        return False

    def _version(self) -> int:
        with self._lock:
            return int(self._connection().execute("PRAGMA data_version").fetchone()[0])

    def _queue(self, db: sqlite3.Connection, client: str, running: int, now: float) -> int:
        """Put a query of ``client`` in the queue (its place), or refuse it if the queue is full."""
        (queued,) = db.execute(
            "SELECT COUNT(*) FROM waiting WHERE client = ? AND expires >= ?", (client, now)
        ).fetchone()
        if self._waiting_here >= self.slots and queued < self.queue and self.wait > 0:
            raise Refused(
                503,
                f"{self._waiting_here} queries are waiting their turn in this server process already, the most it "
                "lets wait; try again shortly.",
                retry_after=1,
            )
        if queued >= self.queue or self.wait <= 0:
            waiting = f" and {queued} waiting" if queued else ""
            raise Refused(
                429,
                f"You already have {running} queries running{waiting} here, the most one client may; "
                "send the next one when one of them has finished.",
                retry_after=1,
            )
        # a waiting row outlives its wait by a second: one a dead worker left cannot hold the client's turn long
        place = db.execute(
            "INSERT INTO waiting (client, expires) VALUES (?, ?)", (client, now + self.wait + 1.0)
        ).lastrowid
        assert place is not None
        self._waiting_here += 1
        return place

    def _forget(self, place: int) -> None:
        """This request no longer waits (it runs, or was refused): its place goes."""
        with self._lock:
            self._waiting_here -= 1
            db = self._connection()
            self._begin(db)
            try:
                db.execute("DELETE FROM waiting WHERE id = ?", (place,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        self._one_ended()  # the next of this client's queue may be first now

    def _one_ended(self) -> None:
        with self._ended:
            self._ended_here += 1
            self._ended.notify_all()

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
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        self._one_ended()

    def _sweep(self, db: sqlite3.Connection, now: float) -> None:
        """Now and then (every :data:`SWEEP` seconds, in this process's transaction): rows that count no more go.
        The looks in between skip expired rows themselves, so a row a dead worker left never counts."""
        if now < self._next_sweep:
            return
        self._next_sweep = now + SWEEP
        db.execute("DELETE FROM running WHERE expires < ?", (now,))
        db.execute("DELETE FROM waiting WHERE expires < ?", (now,))
        if self.budget:  # a client whose balance has grown back to the full budget needs no row
            db.execute("DELETE FROM balance WHERE seconds + (? - updated) * ? >= ?", (now, self.rate, self.budget))

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
