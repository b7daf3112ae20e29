"""One query process, seen from the web worker: start it, send it a job, read its answer with a deadline, kill it.

The process is ``python -m awardgraph.sandbox.executor`` (see there for what it does and for the framing of the
messages on its stdin and stdout). Reading never blocks past a deadline: :meth:`QueryProcess.receive` raises
:class:`Late` when the deadline passes first, and :class:`Gone` when the process has ended (killed or crashed).
"""

from __future__ import annotations

import contextlib
import math
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
# niceness of a query that is not quick, and of one when other queries compete; a quick one runs at its parent's
NICENESS, DEMOTED = 10, 19
_CHUNK = 1 << 20


class Late(Exception):
    """The deadline passed while waiting for the process."""


class Gone(Exception):
    """The process closed its pipe: it has ended."""


def command(store: str, *, memory_mib: int, network: bool) -> list[str]:
    """The command line of a query process over the store at ``store``."""
    mode = "network" if network else "no-network"
    return [sys.executable, "-m", "awardgraph.sandbox.executor", store, str(memory_mib), mode]


class QueryProcess:
    """A running query process, what the pool knows about it, and the bytes read from it but not used yet."""

    def __init__(self, argv: list[str]) -> None:
        path = os.pathsep.join(filter(None, [PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONPATH": path}
        self.popen = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True)
        self.buffer = bytearray()
        self.started: float | None = None  # when the running job was sent
        self.long = False  # the running job has become long, and may go on
        self.evicted = False  # killed by the pool to make room: its query is answered "preempted"
        self.base = self.niceness = os.getpriority(os.PRIO_PROCESS, 0)  # started at its parent's priority
        self.slow = False  # the running job has shown it is not quick (it yields the CPU once others compete)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def send(self, payload: bytes) -> None:
        """Send one frame; :class:`Gone` if the process has ended."""
        assert self.popen.stdin is not None
        try:
            self.popen.stdin.write(len(payload).to_bytes(4, "big") + payload)
            self.popen.stdin.flush()
        except OSError:
            raise Gone from None

    def receive(self, deadline: float) -> bytes:
        """The next frame; :class:`Late` when ``deadline`` passes first, :class:`Gone` if the process ended."""
        size = int.from_bytes(self._read(4, deadline), "big")
        return self._read(size, deadline)

    def _read(self, size: int, deadline: float) -> bytes:
        assert self.popen.stdout is not None
        fd = self.popen.stdout.fileno()
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        while len(self.buffer) < size:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Late
            if not poller.poll(math.ceil(remaining * 1000)):
                continue  # the loop's first line decides whether that was the deadline
            chunk = os.read(fd, max(_CHUNK, size - len(self.buffer)))
            if not chunk:
                raise Gone
            self.buffer += chunk
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def lower(self, niceness: int) -> None:
        """Lower the process's CPU priority to ``niceness`` (any process may lower its children's)."""
        if niceness > self.niceness:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, self.pid, niceness)
                self.niceness = niceness

    def promote(self) -> bool:
        """Give a lowered process its parent's priority back, if allowed (it takes privilege); whether it has it."""
        if self.niceness != self.base:
            try:
                os.setpriority(os.PRIO_PROCESS, self.pid, self.base)
            except OSError:
                return False
            self.niceness = self.base
        return True

    def signal_kill(self) -> None:
        """Send ``SIGKILL`` (if the process has not been reaped yet); whoever runs its job reaps it."""
        with contextlib.suppress(ProcessLookupError):
            self.popen.send_signal(signal.SIGKILL)

    def kill(self) -> int | None:
        """Kill the process (if it still runs), reap it and close its pipes; its exit status."""
        self.signal_kill()
        code = self.popen.wait()
        for pipe in (self.popen.stdin, self.popen.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        return code


def signal_name(code: int | None) -> str:
    """How a process ended, for a person: ``SIGSEGV``, ``exit status 1``."""
    if code is not None and code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit status {code}"
