"""Processes the harness starts: free ports on 127.0.0.1, start with a log file, stop by PID, and memory sampling.

Only processes started here are ever signalled, each by its own PID (a server's workers are stopped by their
parent, the server we started). Memory is the resident set size summed over the process and its descendants,
sampled a few times a second from /proc (Linux), and the proportional set size (PSS, shared pages divided among
the processes sharing them) where /proc/PID/smaps_rollup is readable.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Sequence
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children_map() -> dict[int, list[int]]:
    """Parent PID -> child PIDs, for every process visible in /proc."""
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(pid: int, tree: dict[int, list[int]]) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(tree.get(current, ()))
    return found


def rss_bytes(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    except (OSError, IndexError, ValueError):
        return 0


def pss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU time of the processes, in seconds."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / ticks


class Sampler:
    """A thread sampling the memory of registered process trees; ``peak(key)`` is the largest sum seen."""

    def __init__(self, interval: float = 0.2) -> None:
        self.interval = interval
        self.watched: dict[str, int] = {}
        self.peaks: dict[str, tuple[int, int]] = {}  # key -> (rss, pss)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="memory-sampler", daemon=True)
        self.thread.start()

    def watch(self, key: str, pid: int) -> None:
        with self.lock:
            self.watched[key] = pid
            self.peaks.setdefault(key, (0, 0))

    def unwatch(self, key: str) -> None:
        self.sample()
        with self.lock:
            self.watched.pop(key, None)

    def peak(self, key: str) -> tuple[int, int]:
        return self.peaks.get(key, (0, 0))

    def sample(self) -> None:
        with self.lock:
            watched = dict(self.watched)
        if not watched:
            return
        tree = children_map()
        for key, pid in watched.items():
            pids = descendants(pid, tree)
            rss = sum(rss_bytes(p) for p in pids)
            pss = sum(pss_bytes(p) for p in pids)
            old = self.peaks.get(key, (0, 0))
            self.peaks[key] = (max(old[0], rss), max(old[1], pss))

    def _run(self) -> None:
        while not self.stopping.wait(self.interval):
            with contextlib.suppress(Exception):  # a process vanishing mid-sample is not an error
                self.sample()

    def close(self) -> None:
        self.stopping.set()
        self.thread.join(timeout=5)


class Proc:
    """One started process, its output in a log file; ``stop()`` signals it by PID only."""

    def __init__(
        self, command: Sequence[str], log: Path, *, cwd: Path | None = None, env: dict[str, str] | None = None
    ):
        self.command = list(command)
        self.log = log
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("ab") as out:
            self.popen = subprocess.Popen(
                self.command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=cwd, env=env
            )
        RUNNING[self.popen.pid] = self

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def tree(self) -> list[int]:
        return descendants(self.pid, children_map()) if self.alive() else []

    def wait(self, timeout: float) -> int | None:
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self, *, grace: float = 30.0) -> None:
        """SIGTERM, then SIGKILL after ``grace`` seconds; always to this PID only."""
        RUNNING.pop(self.pid, None)
        if not self.alive():
            return
        self.popen.send_signal(signal.SIGTERM)
        if self.wait(grace) is None:
            self.popen.send_signal(signal.SIGKILL)
            self.wait(30)

    def tail(self, chars: int = 1500) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


RUNNING: dict[int, Proc] = {}


def stop_all() -> None:
    """Stop every process this harness started and has not stopped yet (on exit, Ctrl-C or an error)."""
    for proc in list(RUNNING.values()):
        with contextlib.suppress(Exception):
            proc.stop(grace=10)


def run_timed(command: Sequence[str], log: Path, sampler: Sampler, key: str, *, timeout: float) -> tuple[float, int]:
    """Run a command to completion (at most ``timeout`` s); returns (seconds, exit code, -1 on timeout)."""
    start = time.monotonic()
    proc = Proc(command, log)
    sampler.watch(key, proc.pid)
    code = proc.wait(timeout)
    sampler.unwatch(key)
    if code is None:
        proc.stop(grace=5)
        return time.monotonic() - start, -1
    RUNNING.pop(proc.pid, None)
    return time.monotonic() - start, code


def wait_idle(proc: Proc, *, quiet: float = 1.0, limit: float = 300.0) -> bool:
    """Wait until ``proc``'s tree uses (almost) no CPU for ``quiet`` seconds; False if still busy after ``limit``."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        pids = proc.tree()
        if not pids:
            return True
        before = cpu_seconds(pids)
        time.sleep(quiet)
        if cpu_seconds(pids) - before < 0.05 * quiet:
            return True
    return False
