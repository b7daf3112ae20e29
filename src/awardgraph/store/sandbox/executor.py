"""A query process: ``python -m awardgraph.store.sandbox.executor STORE MEMORY_MIB network|no-network``, started and
killed by :class:`awardgraph.store.sandbox.pool.QueryPool` (through :mod:`awardgraph.store.sandbox.process`).

It opens the store read-only, then answers jobs read from stdin, one at a time, on stdout. Every message is a
frame: 4 bytes of big-endian length, then that many bytes. A job is one JSON frame. An answer is a JSON header
frame, the body in frames of up to :data:`PIECE` bytes, an empty frame, and a JSON status frame. A job evaluates
the query and cuts the result at the limits (:mod:`awardgraph.store.results`) before the header is written, so
the header's count and truncation are final; the body is then written by Oxigraph's writers piece by piece, never
whole in memory, and the parent keeps it (:mod:`awardgraph.store.payload`) until the status frame says it is
complete: the parent has either a complete answer or none.

Before the first job the process forbids core dumps, installs (unless federation is on) a seccomp filter that makes
network sockets impossible (:mod:`awardgraph.store.sandbox.seccomp`), opens the store, caps the memory it may allocate
from then on; it runs at its parent's priority, which the pool lowers for queries that are not quick (so the web
workers win the CPU from runaway queries, :mod:`awardgraph.store.sandbox.pool`). A watchdog thread
ends the process when its parent goes away or a job outlives its deadline by :data:`GRACE` seconds (the parent
kills it long before, unless the parent itself is gone). Imports stay light (pyoxigraph and the standard library)
so that a replacement starts in a fraction of a second.

A query process can also be forked from the server's zygote (:mod:`awardgraph.store.sandbox.zygote`), which holds the
build in memory: it then runs the same job loop (:func:`answer_jobs`) over that copy, and says in its status frames
how much of the copy it has made its own, and whether the pool should replace it (:meth:`Executor.report`).
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import io
import json
import os
import resource
import select
import struct
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from awardgraph.store import results
from awardgraph.store.base import OVERRUN
from awardgraph.store.sandbox import seccomp
from awardgraph.store.sandbox.job import Job

GRACE = OVERRUN
PIECE = 1 << 20  # bytes of an answer per frame
RETIRE_MIB = 64  # memory of its own, beyond the copy's size, past which a process over a shared copy is replaced
RETIRE_CHECK = 0.05  # seconds a job takes before the process looks at how much memory it has made its own
PARSE_ONLY = ""  # the store path of processes that only parse queries (for a remote store, which runs them)
_HEADER = struct.Struct(">I")


def read_frame(stream: BinaryIO) -> bytes | None:
    """One frame from ``stream``; ``None`` at the end of the stream."""
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(head)
    body = stream.read(size)
    return body if len(body) == size else None


def write_frames(stream: BinaryIO, *frames: bytes) -> None:
    for frame in frames:
        stream.write(_HEADER.pack(len(frame)))
        stream.write(frame)
    stream.flush()


class _Watchdog(threading.Thread):
    """Ends the process when stdin hangs up (the parent is gone) or the running job is far past its deadline."""

    def __init__(self) -> None:
        super().__init__(name="watchdog", daemon=True)
        self.deadline: float | None = None

    def run(self) -> None:
        poller = select.poll()
        poller.register(sys.stdin.fileno(), select.POLLHUP | select.POLLERR | getattr(select, "POLLRDHUP", 0))
        while True:
            for _, event in poller.poll(500):
                if event & ~select.POLLIN:
                    os._exit(3)
            deadline = self.deadline
            if deadline is not None and time.monotonic() > deadline + GRACE:
                os._exit(4)


class Executor:
    """The open store and the work of one job."""

    def __init__(self, store_path: str, memory_mib: int, copy: ox.Store | None = None) -> None:
        self.memory_mib = memory_mib
        self.copied = copy is not None  # the store is a copy shared with a zygote (:mod:`~.sandbox.zygote`)
        self.kept = copy  # never let go of it: freeing the copy would write to (so duplicate) every page of it
        self.retire = False
        # what it may make its own before it is replaced: as much as it shares now (the copy; a query process
        # over the disk store holds about that much of its own), and RETIRE_MIB more
        self.retire_mib = resident_mib() + RETIRE_MIB
        self.own_at_start = private_mib()
        self.path, self.store = store_path, self._open(store_path, copy)

    def _open(self, path: str, copy: ox.Store | None = None) -> ox.Store:
        """The store at ``path`` (or ``copy``, an in-memory copy of it), with the memory cap set from now on."""
        store = copy if copy is not None else ox.Store() if path == PARSE_ONLY else ox.Store.read_only(path)
        if self.memory_mib:
            # the address space the process holds now (the store open), plus what a query may allocate
            held = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[0]) * resource.getpagesize()
            limit = held + self.memory_mib * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
        return store

    def run(self, job: Job) -> tuple[dict[str, Any], results.Prepared | None]:
        """The answer's header, and what to write after it (``None``: nothing, the header says why)."""
        if job.store != self.path:
            self.retire = self.retire or self.copied  # a new build: a fresh process, forked from its copy, serves it
            if self.memory_mib:
                resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
            self.store = None  # type: ignore[assignment]  # let go of the old build before opening the new one
            self.path, self.store = job.store, self._open(job.store)
        started = time.monotonic()
        try:
            result = self.store.query(
                job.query,
                base_iri=job.base_iri,
                prefixes=job.prefixes or None,
                default_graph=_graphs(job.default_graphs),  # type: ignore[arg-type]
                named_graphs=_graphs(job.named_graphs),  # type: ignore[arg-type]
            )
            if job.parse_only:  # results are lazy: the query is parsed and planned, not run
                return {"status": "ok", "kind": results.kind(result), "media_type": "", "count": 0}, None
            out = results.prepare(
                result,
                job.formats,
                results.Limits(rows=job.max_rows, triples=job.max_triples),
                job.prefixes,
            )
        except SyntaxError as exc:
            return {"status": "syntax", "message": str(exc)}, None
        except results.Unacceptable as exc:
            return {"status": "unacceptable", "kind": exc.kind}, None
        except MemoryError:
            return {"status": "memory"}, None
        except (ValueError, RuntimeError, OSError, TypeError) as exc:
            return {"status": "error", "message": str(exc)}, None
        header = {
            "status": "ok",
            "kind": out.kind,
            "media_type": out.media_type,
            "count": out.count,
            "truncated": out.truncated,
            "seconds": time.monotonic() - started,
        }
        return header, out

    def report(self, started: float) -> dict[str, Any]:
        """What the pool needs to know after a job begun at ``started`` (its answer written): ``retire`` if this
        process should be replaced, and ``own_mib``, the memory it has made its own since it started.

        A process is replaced when it serves a copy and has opened another build's store, or when, after the
        allocator has given back what it could, it holds more memory of its own than it held resident at its start
        plus :data:`RETIRE_MIB`. A forked process shares the copy at its start; the pages of it that its queries
        read become its own (Oxigraph writes to what it reads), which keeps it fast for the next scan, and the pool
        lets one process per pool keep them (:mod:`awardgraph.store.sandbox.pool`). Only jobs of :data:`RETIRE_CHECK`
        seconds or more are looked at (reading the figure costs a fraction of a millisecond per 100 MB held)."""
        if self.retire or time.monotonic() - started < RETIRE_CHECK:
            return {"retire": self.retire}
        _trim()
        held = private_mib()
        self.retire = held >= self.retire_mib
        return {"retire": self.retire, "own_mib": round(held - self.own_at_start, 1)}


def _trim() -> None:
    """Give the memory the allocator holds but nothing uses back to the system (glibc keeps what a large answer
    freed; without this a process that once wrote a 1 GB export would hold on to the gigabyte)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).malloc_trim(0)


def resident_mib() -> float:
    """MiB of memory this process has resident, shared or not."""
    pages = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[1])
    return pages * resource.getpagesize() / (1024 * 1024)


def private_mib() -> float:
    """MiB of memory only this process holds (its own pages and those of a shared copy it has written to)."""
    with Path("/proc/self/smaps_rollup").open(encoding="ascii") as rollup:
        for line in rollup:
            if line.startswith("Private_Dirty:"):
                return int(line.split()[1]) / 1024
    return 0.0


def write_answer(
    stdout: BinaryIO,
    header: dict[str, Any],
    body: results.Prepared | None,
    *,
    report: Callable[[], dict[str, Any]] = dict,
) -> None:
    """The answer's frames: the header, the body in pieces of :data:`PIECE` bytes, an empty frame, and a last
    status frame (``ok``, or what went wrong while writing, which the header could not know; asked once the body is
    written, ``report`` adds what the pool should know of this process: :meth:`Executor.report`)."""
    write_frames(stdout, json.dumps(header).encode())
    status: dict[str, Any] = {"status": "ok"}
    if body is not None:
        sink = _FrameSink(stdout)
        pieces = io.BufferedWriter(sink, buffer_size=PIECE)
        try:
            body.write(pieces)
            pieces.flush()
        except MemoryError:
            status = {"status": "memory"}
        except (ValueError, RuntimeError, OSError, TypeError) as exc:
            status = {"status": "error", "message": str(exc)}
        finally:
            sink.done = True  # whatever the buffer still holds after a failure is never sent
    status.update(report())
    write_frames(stdout, b"", json.dumps(status).encode())


class _FrameSink(io.RawIOBase):
    """Writes every piece it is given as one frame (a ``BufferedWriter`` in front makes the pieces large)."""

    def __init__(self, stream: BinaryIO) -> None:
        super().__init__()
        self.stream, self.done = stream, False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        piece = bytes(data)
        if piece and not self.done:
            self.stream.write(_HEADER.pack(len(piece)))
            self.stream.write(piece)
        return len(piece)


def _graphs(names: tuple[str, ...] | None) -> list[ox.NamedNode] | None:
    return None if names is None else [ox.NamedNode(name) for name in names]


def confine(*, network: bool) -> dict[str, bool]:
    """Forbid core dumps and (unless ``network``) take the network away; what was done."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return {"seccomp": False if network else seccomp.deny_network()}


def take_stdout() -> BinaryIO:
    """The stream to the parent (the process's stdout so far); whatever prints from now on goes to stderr."""
    stdout = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return stdout


def answer_jobs(executor: Executor, stdout: BinaryIO, confined: dict[str, bool]) -> None:
    """Say ready, then answer the jobs on stdin until the parent closes it (or the watchdog ends the process)."""
    stdin = sys.stdin.buffer
    watchdog = _Watchdog()
    watchdog.start()
    write_frames(stdout, json.dumps({"status": "ready", "pid": os.getpid(), **confined}).encode())
    while (frame := read_frame(stdin)) is not None:
        job, timeout = Job.read(frame)
        watchdog.deadline = time.monotonic() + timeout
        started = time.monotonic()
        header, body = executor.run(job)
        write_answer(stdout, header, body, report=functools.partial(executor.report, started))
        watchdog.deadline = None


def main(argv: list[str]) -> int:
    store_path, memory_mib, network = argv[0], int(argv[1]), argv[2] == "network"
    stdout = take_stdout()
    confined = confine(network=network)
    answer_jobs(Executor(store_path, memory_mib), stdout, confined)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
