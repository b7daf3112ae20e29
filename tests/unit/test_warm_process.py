"""The pool's rule for processes that hold a share of the in-memory copy: one per pool keeps it and is picked
first; another that becomes warm makes way. (The processes here are stand-ins that record what the pool does to
them; the real processes, forked by a real zygote, are in tests/security/test_query_pool.py and test_zygote.py.)"""

from __future__ import annotations

from awardgraph.store.sandbox.pool import QueryPool


class Stand:
    """What the pool reads and calls on a process, and a record of whether it was killed."""

    def __init__(self, name: str, *, warm: bool = False) -> None:
        self.name, self.warm, self.killed = name, warm, False
        self.forked, self.evicted, self.retire = True, False, False
        self.started: float | None = None
        self.long = self.slow = False

    def promote(self) -> bool:
        return True

    def kill(self) -> int:
        self.killed = True
        return 0


def pool_with(*idle: Stand) -> QueryPool:
    pool = QueryPool(size=2, long_after=30.0, wait=1.0)
    pool._idle = list(idle)  # type: ignore[arg-type]
    pool._start_one = lambda: None  # type: ignore[method-assign]  # no real processes here
    return pool


def test_the_warm_process_is_picked_first() -> None:
    cold, warm, last = Stand("cold"), Stand("warm", warm=True), Stand("last")
    pool = pool_with(cold, warm, last)
    assert pool._pop_idle() is warm
    assert pool._pop_idle() is last  # then the one freed last
    assert pool._pop_idle() is cold


def test_a_second_warm_process_makes_way() -> None:
    kept = Stand("kept", warm=True)
    pool = pool_with(kept)
    second = Stand("second", warm=True)
    pool._busy.add(second)  # type: ignore[arg-type]
    pool._release(second)  # type: ignore[arg-type]
    assert second.killed and second not in pool._idle and second not in pool._busy
    assert not kept.killed and pool._idle == [kept]


def test_the_only_warm_process_stays() -> None:
    pool = pool_with(Stand("cold"))
    only = Stand("only", warm=True)
    pool._busy.add(only)  # type: ignore[arg-type]
    pool._release(only)  # type: ignore[arg-type]
    assert not only.killed and only in pool._idle
