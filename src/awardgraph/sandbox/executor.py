"""A query process: ``python -m awardgraph.sandbox.executor STORE MEMORY_MIB network|no-network``, started and
killed by :class:`awardgraph.sandbox.pool.QueryPool` (through :mod:`awardgraph.sandbox.process`).

It opens the store read-only, then answers jobs read from stdin, one at a time, on stdout. Every message is a
frame: 4 bytes of big-endian length, then that many bytes. A job is one JSON frame. An answer is a JSON header
frame, the body in frames of up to :data:`PIECE` bytes, an empty frame, and a JSON status frame. A job evaluates
the query and cuts the result at the limits (:mod:`awardgraph.sandbox.results`) before the header is written, so
the header's count and truncation are final; the body is then written by Oxigraph's writers piece by piece, never
whole in memory, and the parent keeps it (:mod:`awardgraph.sandbox.payload`) until the status frame says it is
complete: the parent has either a complete answer or none.

Before the first job the process forbids core dumps, installs (unless federation is on) a seccomp filter that makes
network sockets impossible (:mod:`awardgraph.sandbox.seccomp`), opens the store, caps the memory it may allocate
from then on; it runs at its parent's priority, which the pool lowers for queries that are not quick (so the web
workers win the CPU from runaway queries, :mod:`awardgraph.sandbox.pool`). A watchdog thread
ends the process when its parent goes away or a job outlives its deadline by :data:`GRACE` seconds (the parent
kills it long before, unless the parent itself is gone). Imports stay light (pyoxigraph and the standard library)
so that a replacement starts in a fraction of a second.
"""

from __future__ import annotations

import io
import json
import os
import resource
import select
import struct
import sys
import threading
import time
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from awardgraph.sandbox import results, seccomp

GRACE = 5.0
PIECE = 1 << 20  # bytes of an answer per frame
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

    def __init__(self, store_path: str, memory_mib: int) -> None:
        self.memory_mib = memory_mib
        self.path, self.store = store_path, self._open(store_path)

    def _open(self, path: str) -> ox.Store:
        store = ox.Store() if path == PARSE_ONLY else ox.Store.read_only(path)
        if self.memory_mib:
            # the address space the process holds now (the store open), plus what a query may allocate
            held = int(Path("/proc/self/statm").read_text(encoding="ascii").split()[0]) * resource.getpagesize()
            limit = held + self.memory_mib * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, resource.getrlimit(resource.RLIMIT_AS)[1]))
        return store

    def run(self, job: dict[str, Any]) -> tuple[dict[str, Any], results.Prepared | None]:
        """The answer's header, and what to write after it (``None``: nothing, the header says why)."""
        if job["store"] != self.path:
            if self.memory_mib:
                resource.setrlimit(resource.RLIMIT_AS, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
            self.store = None  # type: ignore[assignment]  # let go of the old build before opening the new one
            self.path, self.store = job["store"], self._open(job["store"])
        started = time.monotonic()
        try:
            result = self.store.query(
                job["query"],
                base_iri=job["base_iri"],
                prefixes=job["prefixes"] or None,
                use_default_graph_as_union=job["union"] and job["default_graphs"] is None,
                default_graph=_graphs(job["default_graphs"]),  # type: ignore[arg-type]
                named_graphs=_graphs(job["named_graphs"]),  # type: ignore[arg-type]
            )
            if job["parse_only"]:  # results are lazy: the query is parsed and planned, not run
                return {"status": "ok", "kind": results.kind(result), "media_type": "", "count": 0}, None
            out = results.prepare(
                result,
                results.Formats(**job["formats"]),
                results.Limits(rows=job["max_rows"], triples=job["max_triples"]),
                job["prefixes"],
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


def write_answer(stdout: BinaryIO, header: dict[str, Any], body: results.Prepared | None) -> None:
    """The answer's frames: the header, the body in pieces of :data:`PIECE` bytes, an empty frame, and a last
    status frame (``ok``, or what went wrong while writing, which the header could not know)."""
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


def _graphs(names: list[str] | None) -> list[ox.NamedNode] | None:
    return None if names is None else [ox.NamedNode(name) for name in names]


def confine(*, network: bool) -> dict[str, bool]:
    """Forbid core dumps and (unless ``network``) take the network away; what was done."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return {"seccomp": False if network else seccomp.deny_network()}


def main(argv: list[str]) -> int:
    store_path, memory_mib, network = argv[0], int(argv[1]), argv[2] == "network"
    stdin = sys.stdin.buffer
    stdout = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # nothing but frames goes to the parent's pipe, whatever prints
    sys.stdout = sys.stderr
    confined = confine(network=network)
    executor = Executor(store_path, memory_mib)
    watchdog = _Watchdog()
    watchdog.start()
    write_frames(stdout, json.dumps({"status": "ready", "pid": os.getpid(), **confined}).encode())
    while (frame := read_frame(stdin)) is not None:
        job = json.loads(frame)
        watchdog.deadline = time.monotonic() + float(job["timeout"])
        header, body = executor.run(job)
        write_answer(stdout, header, body)
        watchdog.deadline = None
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
