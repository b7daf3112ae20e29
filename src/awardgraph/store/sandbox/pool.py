"""The pool of query processes a server worker runs user queries in, with a wall-clock deadline for each.

Each process (:mod:`awardgraph.store.sandbox.process`, :mod:`awardgraph.store.sandbox.executor`) has the build
open read-only and runs one query at a time. A query not answered by its deadline is killed with its process
(``SIGKILL``: a query cannot hold it off, whatever it does in the engine); a process that crashes (Oxigraph aborts
on some inputs) is noticed by its closed pipe. Either way a replacement starts in the background and the caller gets a
:class:`QueryFailed` at once.

**Quick queries keep being answered, however many slow ones arrive.** Three rules, all about queries that have
already shown they are not quick:

- A query that has run for ``long_after`` seconds is *long*. At most ``long_queries`` of them (always fewer than the
  processes) may run at once; one that becomes long when they all do is stopped (``reason="preempted"``).
- A query runs at its web worker's CPU priority while it is the only one of its pool. One that has run for
  :data:`EVICT_FRACTION` of ``long_after`` (not quick) gets the lowest priority, ``nice`` 19, as soon as another
  query of the pool runs or arrives; a long one gets at least ``nice`` 10, so that the web workers (at 0) get the
  CPU first. (Lowering every query that is not quick, even alone, starved heavy legitimate queries for nothing on
  a machine shared with other work: 2-6× their time.)
  When a query is waiting and no process is free, the one of these that has run longest, and is not long yet, is
  stopped to make room.
- Waiting queries are served newest first (a query that just arrived gets the process freed for it), but one that
  has waited :data:`PATIENCE` seconds goes before newer ones, so that none waits for ever behind new arrivals.

A stopped query is answered 503 with ``Retry-After``. No Flask in here, and nothing is shared between server
workers: each has its own pool, started on its first query.

**Where processes come from.** Under ``serve``, a pool asks the server's zygote (:mod:`awardgraph.store.sandbox.zygote`)
for each new process: one forked over its in-memory copy of the build, when it has one; otherwise the pool starts
``python -m awardgraph.store.sandbox.executor`` over the store on disk. Once the copy is loaded, processes that read the
disk are replaced as they finish their queries, and so is a forked process that says it has made much of the
shared copy its own (a query that scans writes to what it reads: ``Executor.report`` in
:mod:`awardgraph.store.sandbox.executor`). A process that has made a good part of the copy its own answers the next scan
twice as fast; **one per pool** may keep it (at 1M quads that is about 300 MB each), any other is replaced after
its answer, so a server holds the copy at most once per worker beyond the zygote's.
"""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import json
import math
import os
import threading
import time
from pathlib import Path
from typing import Any

from awardgraph.config import Settings
from awardgraph.store.payload import Payload
from awardgraph.store.results import Answer, QueryFailed
from awardgraph.store.sandbox import zygote
from awardgraph.store.sandbox.job import Job as Job
from awardgraph.store.sandbox.process import DEMOTED, NICENESS, Gone, Late, QueryProcess, command, signal_name

STARTUP_SECONDS = 10.0  # a process not ready by then is killed and started again
STARTUP_WAIT = 5.0  # how long a query may wait for the pool's first processes to start
RESTART_PAUSE = 1.0  # after a process failed to start
EVICT_FRACTION = 0.25  # of long_after: how long a query runs before it may be stopped to make room
POLL = 0.05  # seconds between a waiting query's looks for a query to stop
SPARES = 1  # processes kept ready beyond ``size``, to take over at once from one that was killed
PATIENCE = 0.5  # seconds of waiting after which a query is served before newer ones
WARM_MIB = 64  # memory a process has made its own past which it is "warm" (holds much of the copy)
PROBE_EVERY = 1.0  # seconds between asking the zygote whether its copy of the build has become ready


def for_server(settings: Settings, runtime: Path | None) -> QueryPool:
    """The pool of one server worker, sized by the settings, forking from the server's zygote when ``serve`` keeps
    a copy of the build (``runtime``: the folder the server's workers share)."""
    copies = runtime is not None and zygote.wanted(settings)
    return QueryPool(
        size=settings.query_processes,
        long_after=settings.long_query,
        long_queries=settings.long_queries,
        wait=settings.query_wait,
        memory_mib=settings.query_memory,
        network=bool(settings.federation),
        zygote=str(zygote.socket_path(runtime)) if copies and runtime is not None else None,
    )


@dataclasses.dataclass(eq=False)
class _Waiter:
    """A query waiting for a process; :meth:`QueryPool._offer` hands one over."""

    event: threading.Event = dataclasses.field(default_factory=threading.Event)
    process: QueryProcess | None = None
    since: float = dataclasses.field(default_factory=time.monotonic)


class QueryPool:
    """Up to ``size`` queries at once, in processes over the build the jobs name, with :data:`SPARES` more
    processes ready to take over from killed ones (see the module's documentation)."""

    def __init__(
        self,
        *,
        size: int,
        long_after: float,
        wait: float,
        long_queries: int | None = None,
        memory_mib: int = 0,
        network: bool = False,
        zygote: str | None = None,
    ) -> None:
        self.size, self.long_after, self.wait = size, long_after, wait
        self.zygote = zygote  # the socket of the server's zygote, which forks processes over an in-memory copy
        self._probed = 0.0  # when the zygote was last asked whether its copy is loaded
        self.long_queries = max(1, min(long_queries or size, size - 1))  # fewer than the processes, unless one
        self.memory_mib, self.network = memory_mib, network
        self._lock = threading.Lock()
        self._idle: list[QueryProcess] = []
        self._busy: set[QueryProcess] = set()
        self._waiters: list[_Waiter] = []
        self._starting = self._evicting = 0
        self._store: str | None = None
        self._pid: int | None = None
        self._closed = self._ever_ready = False

    # -- running queries -------------------------------------------------------------------------------------------

    def run(self, job: Job, *, timeout: float) -> Answer:
        """``job``'s answer, or :class:`QueryFailed`. ``timeout`` counts from now (waiting for a process too)."""
        deadline = time.monotonic() + timeout
        process = self._acquire(job.store, deadline)
        body = Payload()
        try:
            header, status = self._exchange(process, job, deadline, timeout, body)
        except BaseException:
            body.close()
            self._discard(process)
            raise
        process.retire = bool(status.get("retire"))
        if "own_mib" in status:
            process.warm = status["own_mib"] >= WARM_MIB
        self._release(process)
        failed = header if header["status"] != "ok" else status
        if failed["status"] != "ok":
            body.close()
            raise QueryFailed(failed["status"], failed.get("message", ""), kind=header.get("kind"))
        return Answer(header["kind"], header["media_type"], body, header["count"], header.get("truncated", False))

    def _exchange(
        self, process: QueryProcess, job: Job, deadline: float, timeout: float, body: Payload
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Send ``job``; its answer's header and final status, the body appended to ``body`` (see
        :mod:`awardgraph.store.sandbox.executor` for the frames)."""
        process.started = time.monotonic()
        try:
            process.send(job.message(max(deadline - process.started, 0.0)))
            frame: bytes | None = None
            with contextlib.suppress(Late):
                frame = process.receive(min(deadline, process.started + self.long_after * EVICT_FRACTION))
            if frame is None:
                self._not_quick(process)
                with contextlib.suppress(Late):
                    frame = process.receive(min(deadline, process.started + self.long_after))
            if frame is None:
                self._become_long(process)
                frame = process.receive(deadline)
            header = json.loads(frame)
            while piece := process.receive(deadline):
                body.append(piece)
            status = json.loads(process.receive(deadline))
        except Late:
            raise QueryFailed("timeout", seconds=timeout) from None
        except Gone:
            code = process.kill()
            if process.evicted:
                raise QueryFailed("preempted", retry_after=self._retry_after()) from None
            raise QueryFailed("crashed", signal=signal_name(code)) from None
        return header, status

    def _not_quick(self, process: QueryProcess) -> None:
        """``process`` has run for a quarter of ``long_after``: it gets the lowest priority as soon as another query
        of this pool runs or waits (at once if one does), so quick ones get the CPU first; alone, it keeps its own."""
        with self._lock:
            process.slow = True
            if len(self._busy) > 1 or self._waiters:
                process.lower(DEMOTED)

    def _yield_to_new(self) -> None:
        """A query has arrived: the queries that are not quick give it the CPU (the caller holds the lock)."""
        for process in self._busy:
            if process.slow:
                process.lower(DEMOTED)

    def _become_long(self, process: QueryProcess) -> None:
        """Let ``process`` go on as a long query, or stop it when ``long_queries`` others already are."""
        with self._lock:
            if sum(1 for p in self._busy if p.long) >= self.long_queries or process.evicted:
                raise QueryFailed("preempted", retry_after=self._retry_after())
            process.long = True
            process.lower(NICENESS)  # the web workers, at their own priority, get the CPU first

    @property
    def long_running(self) -> int:
        """How many long queries are running now."""
        with self._lock:
            return sum(1 for p in self._busy if p.long)

    def _retry_after(self) -> int:
        """Seconds until a long query ends by its deadline at the latest, roughly (at least 1)."""
        return max(1, math.ceil(self.long_after))

    # -- processes for queries -------------------------------------------------------------------------------------

    def _acquire(self, store: str, deadline: float) -> QueryProcess:
        """A free process, waiting (newest first) and making room (see the module's documentation) if need be."""
        now = time.monotonic()
        with self._lock:
            self._store = store
            if self._pid != os.getpid():  # first use, or a forked copy of a pool: start processes of our own
                self._pid, self._idle, self._busy, self._waiters = os.getpid(), [], set(), []
                self._starting = self._evicting = 0
                self._ever_ready = False
                atexit.register(self.close)
            for _ in range(self.size + SPARES - len(self._idle) - len(self._busy) - self._starting - self._evicting):
                self._start_one()
            self._yield_to_new()
            if self._idle and len(self._busy) < self.size:
                return self._take(self._pop_idle())
            if self._closed:
                raise QueryFailed("busy", retry_after=self._retry_after())
            waiter = _Waiter()
            self._waiters.append(waiter)
            first = self._starting and not self._ever_ready  # the first processes are worth waiting for
            until = min(deadline, now + (max(self.wait, STARTUP_WAIT) if first else self.wait))
        while not waiter.event.wait(min(POLL, max(until - time.monotonic(), 0.0))):
            with self._lock:
                if waiter.process is not None:
                    break
                if time.monotonic() >= until or self._closed:
                    self._waiters.remove(waiter)
                    raise QueryFailed("busy", retry_after=self._retry_after())
                self._make_room()
        if waiter.process is None:  # the pool was closed
            raise QueryFailed("busy", retry_after=self._retry_after())
        return waiter.process

    def _make_room(self) -> None:
        """Stop queries that have shown they are not quick, one for each waiter no process is coming for (the
        caller holds the lock)."""
        coming = min(len(self._idle) + self._starting, self.size - len(self._busy))  # free slots soon filled
        needed = len(self._waiters) - self._evicting - max(coming, 0)
        if needed <= 0:
            return
        now = time.monotonic()
        running = [p for p in self._busy if not p.long and not p.evicted and p.started is not None]
        slow = [p for p in running if now - p.started >= self.long_after * EVICT_FRACTION]  # type: ignore[operator]
        for process in sorted(slow, key=lambda p: p.started or now)[:needed]:
            process.evicted = True
            self._evicting += 1
            process.signal_kill()  # its own thread notices, answers "preempted" and discards it

    def _pop_idle(self) -> QueryProcess:
        """The idle process to run the next query: the warm one if it is idle (it has the copy's pages of its own
        and scans fastest), else the one freed last (the caller holds the lock)."""
        for index in range(len(self._idle) - 1, -1, -1):
            if self._idle[index].warm:
                return self._idle.pop(index)
        return self._idle.pop()

    def _take(self, process: QueryProcess) -> QueryProcess:
        self._busy.add(process)
        return process

    def _offer(self, process: QueryProcess) -> None:
        """``process`` is free (the caller holds the lock)."""
        process.started, process.long, process.slow = None, False, False
        self._idle.append(process)
        self._dispatch()

    def _dispatch(self) -> None:
        """Give idle processes to waiters while there are free slots (the caller holds the lock). The newest waiter
        goes first, unless some have waited :data:`PATIENCE` seconds already: then the one waiting longest."""
        while self._waiters and self._idle and len(self._busy) < self.size:
            now = time.monotonic()
            patient = [w for w in self._waiters if now - w.since >= PATIENCE]
            waiter = patient[0] if patient else self._waiters[-1]
            self._waiters.remove(waiter)
            waiter.process = self._take(self._pop_idle())
            waiter.event.set()

    def _release(self, process: QueryProcess) -> None:
        # stopped as it answered, left with a low priority, asking to be replaced, or reading the disk while the
        # zygote has the build in memory: a replacement takes its place
        if process.evicted or process.retire or not process.promote() or self._copy_waits(process):
            self._discard(process)
            return
        with self._lock:
            # one process per pool keeps a warm share of the copy: another that has become warm makes way
            kept = not (process.warm and any(p.warm for p in (*self._idle, *self._busy) if p is not process))
            if kept:
                self._busy.discard(process)
                self._offer(process)
        if not kept:
            self._discard(process)

    def _discard(self, process: QueryProcess) -> None:
        """Kill ``process`` (out of time, crashed or stopped for others) and start its replacement."""
        process.kill()
        with self._lock:
            self._busy.discard(process)
            if process.evicted:
                self._evicting -= 1
            if not self._closed:
                self._start_one()
                self._dispatch()  # a spare takes over at once

    def _copy_waits(self, process: QueryProcess) -> bool:
        """Whether ``process`` reads the store on disk while the zygote has its copy in memory (asked at most every
        :data:`PROBE_EVERY` seconds)."""
        if process.forked or self.zygote is None or self._store is None:
            return False
        now = time.monotonic()
        if now - self._probed < PROBE_EVERY:
            return False
        self._probed = now
        return zygote.has_copy(self.zygote, self._store)

    # -- starting and stopping processes -----------------------------------------------------------------------------

    def _start_one(self) -> None:
        """Start one process in a thread (the caller holds the lock)."""
        self._starting += 1
        threading.Thread(target=self._start, args=(self._store,), name="query-process-start", daemon=True).start()

    def _start(self, store: str) -> None:
        process: QueryProcess | None = None
        ready = False
        try:
            if self.zygote is not None:  # forked over the zygote's in-memory copy, if it has one
                process = zygote.spawn(self.zygote, store, memory_mib=self.memory_mib, network=self.network)
            if process is None:
                process = QueryProcess.start(command(store, memory_mib=self.memory_mib, network=self.network))
            ready = json.loads(process.receive(time.monotonic() + STARTUP_SECONDS)).get("status") == "ready"
        except (Late, Gone, OSError, ValueError):
            pass
        stale: list[QueryProcess] = []
        with self._lock:
            self._starting -= 1
            offered = process is not None and ready and not self._closed and self._pid == os.getpid()
            if offered:
                assert process is not None
                self._ever_ready = True
                self._offer(process)
                if process.forked:  # the zygote has the copy: the idle processes reading the disk make way
                    stale = [p for p in self._idle if not p.forked]
                    for old in stale:
                        self._idle.remove(old)
                        self._busy.add(old)
        if offered:
            for old in stale:
                self._discard(old)
            return
        if process is not None:
            process.kill()
        if not self._closed:
            time.sleep(RESTART_PAUSE)
            with self._lock:
                if not self._closed and self._pid == os.getpid():
                    self._start_one()

    def pids(self) -> list[int]:
        """The process ids of the query processes that are running now."""
        with self._lock:
            return sorted(p.pid for p in (*self._idle, *self._busy))

    def close(self) -> None:
        """Kill every process; the pool answers nothing afterwards."""
        with self._lock:
            self._closed = True
            everyone, self._idle, self._busy = [*self._idle, *self._busy], [], set()
            for waiter in self._waiters:
                waiter.event.set()
        for process in everyone:
            process.kill()
