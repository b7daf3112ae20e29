"""One query process, seen from the web worker: start it, send it a job, read its answer with a deadline, kill it.

The process is ``python -m awardgraph.store.sandbox.executor`` (see there for what it does and for the framing of the
messages on its stdin and stdout), or a process forked by the server's zygote that runs the same job loop over an
in-memory copy of the build (:mod:`awardgraph.store.sandbox.zygote`). Reading never blocks past a deadline:
:meth:`QueryProcess.receive` raises :class:`Late` when the deadline passes first, and :class:`Gone` when the
process has ended (killed or crashed).
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
from typing import IO, Protocol

PACKAGE_ROOT = str(Path(__file__).resolve().parents[2])
# niceness of a query that is not quick, and of one when other queries compete; a quick one runs at its parent's
NICENESS, DEMOTED = 10, 19
_CHUNK = 1 << 20
REAP_WAIT = 5  # seconds to wait for the zygote to report a killed process's exit status


class Late(Exception):
    """The deadline passed while waiting for the process."""


class Gone(Exception):
    """The process closed its pipe: it has ended."""


def child_env() -> dict[str, str]:
    """The environment of a child process that imports this copy of awardgraph (whatever the working directory)."""
    path = os.pathsep.join(filter(None, [PACKAGE_ROOT, os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}


def command(store: str, *, memory_mib: int, network: bool) -> list[str]:
    """The command line of a query process over the store at ``store``."""
    mode = "network" if network else "no-network"
    return [sys.executable, "-m", "awardgraph.store.sandbox.executor", store, str(memory_mib), mode]


class Child(Protocol):
    """How a query process is reached and ended: one started with ``exec`` (:class:`Started`) or one forked by the
    zygote (:class:`Forked`)."""

    pid: int
    forked: bool

    def job_pipe(self) -> IO[bytes]: ...

    def answer_fd(self) -> int: ...

    def send_kill(self) -> None: ...

    def wait(self) -> int | None: ...

    def close(self) -> None: ...


class Started:
    """A query process this worker started with ``exec``: its own child, which it waits for."""

    forked = False

    def __init__(self, argv: list[str]) -> None:
        self.popen = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=child_env(), close_fds=True
        )
        self.pid = self.popen.pid

    def job_pipe(self) -> IO[bytes]:
        assert self.popen.stdin is not None
        return self.popen.stdin

    def answer_fd(self) -> int:
        assert self.popen.stdout is not None
        return self.popen.stdout.fileno()

    def send_kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.popen.send_signal(signal.SIGKILL)

    def wait(self) -> int | None:
        return self.popen.wait()

    def close(self) -> None:
        for pipe in (self.popen.stdin, self.popen.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


class Forked:
    """A query process the zygote forked (:mod:`awardgraph.store.sandbox.zygote`): not this worker's child. It is killed
    through a pidfd (which, unlike a process id, can never name another process once the zygote has reaped it), and
    its exit status comes on a pipe the zygote writes when it has reaped it."""

    forked = True

    def __init__(self, pid: int, job_fd: int, answer_fd: int, pidfd: int, status_fd: int) -> None:
        self.pid, self.pidfd, self.status_fd, self._answer_fd = pid, pidfd, status_fd, answer_fd
        self.pipe = os.fdopen(job_fd, "wb")
        self.closed = self.waited = False
        self.code: int | None = None

    def job_pipe(self) -> IO[bytes]:
        return self.pipe

    def answer_fd(self) -> int:
        return self._answer_fd

    def send_kill(self) -> None:
        if not self.closed:
            with contextlib.suppress(OSError):
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)

    def wait(self) -> int | None:
        """The exit status once the zygote has reaped the process (``None`` if the zygote is gone, or slow)."""
        if not self.waited and not self.closed:
            self.waited = True
            poller = select.poll()
            poller.register(self.status_fd, select.POLLIN | select.POLLHUP)
            if poller.poll(REAP_WAIT * 1000):
                data = os.read(self.status_fd, 4)
                self.code = int.from_bytes(data, "big", signed=True) if len(data) == 4 else None
        return self.code

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(OSError):
            self.pipe.close()
        for fd in (self._answer_fd, self.pidfd, self.status_fd):
            with contextlib.suppress(OSError):
                os.close(fd)


class QueryProcess:
    """A running query process, what the pool knows about it, and the bytes read from it but not used yet."""

    def __init__(self, child: Child) -> None:
        self.child = child
        self.buffer = bytearray()
        self.started: float | None = None  # when the running job was sent
        self.long = False  # the running job has become long, and may go on
        self.evicted = False  # killed by the pool to make room: its query is answered "preempted"
        self.retire = False  # its last answer asked for it to be replaced (it has copied much of a shared store)
        self.warm = False  # it holds much memory of its own: for a forked process, a share of the copy it read
        self.base = self.niceness = os.getpriority(os.PRIO_PROCESS, 0)  # started at its parent's priority
        self.slow = False  # the running job has shown it is not quick (it yields the CPU once others compete)

    @classmethod
    def start(cls, argv: list[str]) -> QueryProcess:
        """A new process running ``argv`` (:func:`command`)."""
        return cls(Started(argv))

    @property
    def pid(self) -> int:
        return self.child.pid

    @property
    def forked(self) -> bool:
        return self.child.forked

    def send(self, payload: bytes) -> None:
        """Send one frame; :class:`Gone` if the process has ended."""
        pipe = self.child.job_pipe()
        try:
            pipe.write(len(payload).to_bytes(4, "big") + payload)
            pipe.flush()
        except OSError:
            raise Gone from None

    def receive(self, deadline: float) -> bytes:
        """The next frame; :class:`Late` when ``deadline`` passes first, :class:`Gone` if the process ended."""
        size = int.from_bytes(self._read(4, deadline), "big")
        return self._read(size, deadline)

    def _read(self, size: int, deadline: float) -> bytes:
        fd = self.child.answer_fd()
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
        self.child.send_kill()

    def kill(self) -> int | None:
        """Kill the process (if it still runs), wait for its end and close its pipes; its exit status."""
        self.signal_kill()
        code = self.child.wait()
        self.child.close()
        return code


def signal_name(code: int | None) -> str:
    """How a process ended, for a person: ``SIGSEGV``, ``exit status 1``."""
    if code is not None and code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return f"exit status {code}"
