"""Admission per client: concurrent queries and the budget of query-seconds per minute, shared through one SQLite
file by every worker process (here: several :class:`Admission` objects, and a forked child)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from awardgraph.web.endpoint import admission as module
from awardgraph.web.endpoint.admission import Admission
from awardgraph.web.endpoint.query_checks import Refused


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def admission(clock: Clock, path: Path | None = None, **changes: float) -> Admission:
    options: dict[str, float] = {"per_client": 2, "budget": 60.0, "hold": 20.0, **changes}
    return Admission(path=path, clock=clock, **options)  # type: ignore[arg-type]


def test_concurrent_queries_per_client() -> None:
    clock = Clock()
    gate = admission(clock)
    first, second = gate.enter("a"), gate.enter("a")
    with pytest.raises(Refused) as refused:
        gate.enter("a")
    assert refused.value.status == 429 and refused.value.retry_after == 1
    gate.enter("b")  # another client is not affected
    gate.leave("a", first, 0.1)
    third = gate.enter("a")
    gate.leave("a", second, 0.1)
    gate.leave("a", third, 0.1)


def test_budget_is_spent_and_earned_back() -> None:
    clock = Clock()
    gate = admission(clock, budget=30.0)
    ticket = gate.enter("a")
    gate.leave("a", ticket, 31.0)  # more than the whole budget: charged when the query ends
    with pytest.raises(Refused) as refused:
        gate.enter("a")
    assert refused.value.status == 429
    # a balance of -1 s comes back at 0.5 s per second: positive after 2 s (Retry-After rounds up, plus one)
    assert refused.value.retry_after == 3
    assert "30 seconds of query time per minute" in refused.value.message
    gate.leave("b", gate.enter("b"), 1.0)  # others are not affected
    clock.now += 2.5
    gate.leave("a", gate.enter("a"), 0.1)


def test_many_small_queries_fit_the_budget() -> None:
    clock = Clock()
    gate = admission(clock, budget=60.0)
    for _ in range(500):
        gate.leave("a", gate.enter("a"), 0.05)
        clock.now += 0.05  # 25 query-seconds in 25 s: well within 60 per minute
    gate.leave("a", gate.enter("a"), 0.05)


def test_no_budget() -> None:
    clock = Clock()
    gate = admission(clock, budget=0.0)
    for _ in range(10):
        gate.leave("a", gate.enter("a"), 100.0)


def test_a_query_that_never_ends_stops_counting_after_hold() -> None:
    clock = Clock()
    gate = admission(clock, per_client=1, hold=15.0)
    gate.enter("a")  # its worker dies: leave() is never called
    with pytest.raises(Refused):
        gate.enter("a")
    clock.now += 16
    gate.enter("a")


def test_shared_by_workers_through_a_file(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "admission.sqlite3"
    one, two = admission(clock, path), admission(clock, path)
    one.enter("a")
    two.enter("a")
    with pytest.raises(Refused):
        one.enter("a")
    ticket = two.enter("b")
    two.leave("b", ticket, 100.0)
    with pytest.raises(Refused):
        one.enter("b")  # the budget spent through one worker counts in the other


def test_shared_with_another_process(tmp_path: Path) -> None:
    clock = Clock()
    path = tmp_path / "admission.sqlite3"
    gate = admission(clock, path, per_client=1)
    gate.enter("a")
    script = f"""
from pathlib import Path
from awardgraph.web.endpoint.admission import Admission
from awardgraph.web.endpoint.query_checks import Refused
gate = Admission(per_client=1, budget=60.0, hold=20.0, path=Path({str(path)!r}), clock=lambda: {clock.now!r})
try:
    gate.enter("a")
    raise SystemExit(1)
except Refused:
    gate.enter("c")
"""
    assert subprocess.run([sys.executable, "-c", script], check=False, timeout=60).returncode == 0
    with pytest.raises(Refused):
        gate.enter("c")


def test_the_shared_file_is_never_synced_to_disk(tmp_path: Path) -> None:
    """The state lives as long as the server: a commit that waits for the disk (10-30 ms) would be paid twice by
    every query. Write-ahead logging without syncs keeps it shared between processes and in memory speed."""
    gate = admission(Clock(), tmp_path / "admission.sqlite3")
    gate.leave("a", gate.enter("a"), 0.1)
    db = gate._connection()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 0


def test_a_worker_waits_for_another_workers_transaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The lock on the shared file is waited for in short steps, and given up on after ``LOCK_WAIT``."""
    path = tmp_path / "admission.sqlite3"
    gate = admission(Clock(), path)
    gate.leave("a", gate.enter("a"), 0.1)  # the file and its tables exist
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # another worker in the middle of its transaction
    committed = threading.Event()

    def commit() -> None:
        other.execute("COMMIT")
        committed.set()

    release = threading.Timer(0.3, commit)
    release.start()
    gate.leave("a", gate.enter("a"), 0.1)  # waits for it instead of failing
    assert committed.is_set()  # it got in only once the other transaction had ended
    release.join()
    monkeypatch.setattr(module, "LOCK_WAIT", 0.1)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            gate.enter("a")
    finally:
        other.execute("COMMIT")
        other.close()


# -- a client's burst waits its turn ------------------------------------------------------------------------------


def queued(clock: Clock, path: Path | None = None, **changes: float) -> Admission:
    """A gate whose waiting requests advance the fake clock as they pause (no real sleep)."""

    def sleep(seconds: float) -> bool:
        clock.now += seconds
        return False  # nothing ended

    options: dict[str, float] = {"per_client": 1, "budget": 0.0, "hold": 20.0, "queue": 2, "wait": 5.0, "slots": 4}
    return Admission(path=path, clock=clock, sleep=sleep, **{**options, **changes})  # type: ignore[arg-type]


def in_thread(gate: Admission, client: str, tickets: list[int | str]) -> threading.Thread:
    def enter() -> None:
        try:
            tickets.append(gate.enter(client))
        except Refused as refused:
            tickets.append(refused.message)

    thread = threading.Thread(target=enter)
    thread.start()
    return thread


def waiting(gate: Admission) -> int:
    return int(gate._connection().execute("SELECT COUNT(*) FROM waiting").fetchone()[0])


def until(condition: Callable[[], bool]) -> None:
    for _ in range(2000):
        if condition():
            return
        threading.Event().wait(0.005)
    raise AssertionError("the condition never held")


def test_a_burst_waits_for_the_clients_running_query_then_runs() -> None:
    gate = Admission(per_client=1, budget=0.0, hold=20.0, queue=2, wait=30.0, slots=4)  # the real clock and pause
    first = gate.enter("a")
    tickets: list[int | str] = []
    thread = in_thread(gate, "a", tickets)
    until(lambda: waiting(gate) == 1)
    assert tickets == []  # it waits: neither admitted nor refused
    gate.leave("b", gate.enter("b"), 0.1)  # another client is not held up by a's queue
    gate.leave("a", first, 0.1)
    thread.join(10)
    assert len(tickets) == 1 and isinstance(tickets[0], int) and waiting(gate) == 0
    gate.leave("a", int(tickets[0]), 0.1)


def test_waiting_queries_run_in_the_order_they_came() -> None:
    gate = Admission(per_client=1, budget=0.0, hold=20.0, queue=3, wait=30.0, slots=4)
    running = gate.enter("a")
    admitted: list[tuple[int, int]] = []  # (arrival, ticket), in the order they were let in

    def enter(arrival: int) -> None:
        admitted.append((arrival, gate.enter("a")))

    threads = []
    for arrival in (1, 2, 3):
        threads.append(threading.Thread(target=enter, args=(arrival,)))
        threads[-1].start()
        until(lambda arrival=arrival: waiting(gate) == arrival)  # type: ignore[misc]
    for count in (1, 2, 3):
        gate.leave("a", running, 0.1)
        until(lambda count=count: len(admitted) == count)  # type: ignore[misc]
        running = admitted[-1][1]
    for thread in threads:
        thread.join(10)
    assert [arrival for arrival, _ in admitted] == [1, 2, 3]
    gate.leave("a", running, 0.1)


def test_a_full_queue_refuses_at_once() -> None:
    clock = Clock()
    gate = queued(clock, queue=0)
    gate.enter("a")
    with pytest.raises(Refused) as refused:
        gate.enter("a")
    assert refused.value.status == 429 and "1 queries running here" in refused.value.message


def test_a_query_waits_at_most_wait_seconds() -> None:
    clock = Clock()
    gate = queued(clock, wait=3.0)
    gate.enter("a")  # never ends
    started = clock.now
    with pytest.raises(Refused) as refused:
        gate.enter("a")
    assert refused.value.status == 429 and refused.value.retry_after == 3
    assert "did not end within 3 s" in refused.value.message
    assert 3.0 <= clock.now - started < 3.1 and waiting(gate) == 0  # its place in the queue is gone


def test_the_queue_holds_few_of_a_workers_threads() -> None:
    """Waiting requests hold server threads: past ``slots`` of them in one worker, the next is refused at once, with
    a 503 (the server is busy, whoever's queries wait)."""
    gate = Admission(per_client=1, budget=0.0, hold=20.0, queue=8, wait=30.0, slots=2)
    tickets = [gate.enter("a"), gate.enter("b")]
    outcomes: list[int | str] = []
    threads = [in_thread(gate, "a", outcomes), in_thread(gate, "b", outcomes)]
    until(lambda: waiting(gate) == 2)
    with pytest.raises(Refused) as refused:
        gate.enter("a")
    assert refused.value.status == 503 and "2 queries are waiting" in refused.value.message
    gate.leave("a", tickets[0], 0.1)
    gate.leave("b", tickets[1], 0.1)
    for thread in threads:
        thread.join(10)
    assert all(isinstance(o, int) for o in outcomes)


def test_a_spent_budget_is_refused_without_waiting() -> None:
    clock = Clock()
    gate = queued(clock, budget=10.0)
    gate.leave("a", gate.enter("a"), 11.0)
    started = clock.now
    with pytest.raises(Refused) as refused:
        gate.enter("a")
    assert "seconds of query time per minute" in refused.value.message and clock.now == started


def test_a_query_waits_for_one_ending_in_another_worker(tmp_path: Path) -> None:
    path = tmp_path / "admission.sqlite3"
    here = Admission(per_client=1, budget=0.0, hold=20.0, queue=2, wait=30.0, slots=4, path=path)
    ticket = here.enter("a")
    script = f"""
import time
from pathlib import Path
from awardgraph.web.endpoint.admission import Admission
gate = Admission(per_client=1, budget=0.0, hold=20.0, queue=2, wait=30.0, slots=4, path=Path({str(path)!r}))
started = time.monotonic()
gate.leave("a", gate.enter("a"), 0.1)
print(time.monotonic() - started)
"""
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    until(lambda: waiting(here) == 1)
    here.leave("a", ticket, 0.1)
    out, _ = child.communicate(timeout=60)
    assert child.returncode == 0 and float(out) > 0  # admitted once this worker's query had ended
