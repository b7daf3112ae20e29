"""One in-memory copy of the current build per server, and the query processes forked from it (the "zygote").

Oxigraph's in-memory store answers what scans (text search, aggregates, sorted pages, exports) 2-15 times faster
than its RocksDB store (docs/performance.md), but a copy per query process would cost that memory many times over.
So ``serve`` starts this process before its workers
(``python -m awardgraph.store.sandbox.zygote ROOT SOCKET LIMIT PID``): it loads the current build into memory once,
from the build's own files (the N-Quads dump of the named graphs, the N-Triples dump of the default graph, then the
dataset description and shapes graphs read from the build's store), checks that the copy holds as many quads as the
store, and answers on a Unix socket in the server's private runtime folder. A worker's pool asks it for a query
process (:func:`spawn`); it forks one, which shares the copy's pages copy-on-write and runs the executor's job loop
(:func:`awardgraph.store.sandbox.executor.answer_jobs`) over it, and hands back over the socket:

- the process's job and answer pipes, the same frames as a process started with ``exec``;
- a pidfd, with which the worker kills it: a process id could name another process once the zygote has reaped it,
  a pidfd cannot;
- a pipe on which the zygote writes the process's exit status when it reaps it (a worker cannot wait for a process
  that is not its child).

Until the copy is loaded, for a build that is not the loaded one, and for a build of more than ``LIMIT`` quads
(``AWARDGRAPH_MEMORY_COPY``), the answer is "not here" and the pool starts a process over the disk store as before:
``serve`` is ready at once, and a new build is served from disk while its copy loads (the old copy is dropped
first, so there is never more than one).

The zygote runs no query itself. It ends when its parent (``serve``'s master) goes away or sends ``SIGTERM``; the
processes it forked end on their own when their worker closes their job pipe.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from awardgraph import builds
from awardgraph.config import Settings
from awardgraph.store.sandbox import executor
from awardgraph.store.sandbox.process import Forked, QueryProcess, child_env

SOCKET_NAME = "zygote.sock"
FDS = 4  # job pipe, answer pipe, pidfd, exit-status pipe
ASK_TIMEOUT = 2.0  # seconds a worker waits for the zygote's answer before it starts a process itself
PARENT_CHECK = 1.0  # seconds between looks at whether the parent is still there


def socket_path(runtime: Path) -> Path:
    return runtime / SOCKET_NAME


def wanted(settings: Settings) -> bool:
    """Whether ``serve`` keeps an in-memory copy of the build for user queries (an embedded store, a copy allowed)."""
    return settings.memory_copy > 0 and settings.endpoint is None


def start_for(settings: Settings, runtime: Path) -> subprocess.Popen[bytes] | None:
    """The zygote of a server whose worker pools share ``runtime``, when the settings want one."""
    return start(settings.store, str(socket_path(runtime)), limit=settings.memory_copy) if wanted(settings) else None


def start(root: Path, socket: str, *, limit: int) -> subprocess.Popen[bytes]:
    """Start a zygote for the builds of ``root``, listening at ``socket``, ending with this process."""
    argv = [sys.executable, "-m", "awardgraph.store.sandbox.zygote", str(root), socket, str(limit), str(os.getpid())]
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, env=child_env(), close_fds=True)


# -- the worker's side ---------------------------------------------------------------------------------------------


def _ask(path: str, request: dict[str, Any]) -> tuple[dict[str, Any], list[int]]:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(ASK_TIMEOUT)
        conn.connect(path)
        conn.sendall(json.dumps(request).encode() + b"\n")
        message, fds, _, _ = socket.recv_fds(conn, 4096, FDS)
    return json.loads(message), fds


def spawn(path: str, store: str, *, memory_mib: int, network: bool) -> QueryProcess | None:
    """A query process forked by the zygote listening at ``path`` over its copy of ``store``; ``None`` when it has
    no copy of that build (yet), or is not there."""
    try:
        answer, fds = _ask(path, {"store": store, "memory_mib": memory_mib, "network": network})
    except (OSError, ValueError):
        return None
    if answer.get("status") != "forked" or len(fds) != FDS:
        for fd in fds:
            os.close(fd)
        return None
    job, answers, pidfd, status = fds
    return QueryProcess(Forked(int(answer["pid"]), job, answers, pidfd, status))


def has_copy(path: str, store: str) -> bool:
    """Whether the zygote at ``path`` has its copy of ``store`` loaded (it starts loading it if it should)."""
    try:
        answer, fds = _ask(path, {"store": store, "probe": True})
    except (OSError, ValueError):
        return False
    for fd in fds:
        os.close(fd)
    return answer.get("status") == "loaded"


# -- the zygote's side ---------------------------------------------------------------------------------------------


class Zygote:
    """The copy (when loaded), which build it is of, and the processes forked from it that are not reaped yet."""

    def __init__(self, root: Path, limit: int) -> None:
        self.root, self.limit = root, limit
        self.lock = threading.Lock()
        self.copy: ox.Store | None = None
        self.copy_of: str | None = None  # the store path of the build the copy is of
        self.loading: str | None = None
        self.refused: set[str] = set()  # builds not copied: too large, or the copy did not match
        self.statuses: dict[int, int] = {}  # pid -> write end of its exit-status pipe

    # -- loading ---------------------------------------------------------------------------------------------------

    def want(self, store: str) -> None:
        """Load ``store``'s build in the background if it is the current build and neither loaded, loading nor
        refused (the old copy is dropped first)."""
        current = builds.current_build(self.root)
        if current is None or str(current / builds.STORE_FOLDER) != store:
            return
        with self.lock:
            if store in (self.copy_of, self.loading) or store in self.refused or self.loading is not None:
                return
            self.copy = self.copy_of = None
            self.loading = store
        threading.Thread(target=self._load, args=(current, store), name="copy", daemon=True).start()

    def _load(self, build: Path, store: str) -> None:
        started = time.monotonic()
        copy: ox.Store | None = None
        try:
            copy, why = _copy(build, store, self.limit)
        except (OSError, ValueError, RuntimeError, SyntaxError) as exc:
            why = f"could not be read: {exc}"
        with self.lock:
            self.loading = None
            if copy is None:
                self.refused.add(store)
            elif builds.current_build(self.root) == build:
                self.copy, self.copy_of = copy, store
        if copy is None:
            _say(f"not copying {build.name} into memory: {why}; its queries read the store on disk")
        else:
            _say(f"copied {build.name} into memory ({len(copy):,} quads, {time.monotonic() - started:.1f} s)")

    # -- forking ---------------------------------------------------------------------------------------------------

    def answer(self, conn: socket.socket) -> None:
        """Read one request from ``conn`` and answer it: a forked process, or why not."""
        conn.settimeout(ASK_TIMEOUT)
        try:
            request = json.loads(conn.recv(4096))
            store = str(request["store"])
        except (OSError, ValueError, KeyError, TypeError):
            return
        with self.lock:
            copy = self.copy if self.copy_of == store else None
        if copy is None:
            self.want(store)
            with contextlib.suppress(OSError):
                conn.sendall(json.dumps({"status": "not here"}).encode())
            return
        if request.get("probe"):
            with contextlib.suppress(OSError):
                conn.sendall(json.dumps({"status": "loaded"}).encode())
            return
        self._fork(conn, copy, store, int(request.get("memory_mib", 0)), bool(request.get("network")))

    def _fork(self, conn: socket.socket, copy: ox.Store, store: str, memory_mib: int, network: bool) -> None:
        job_r, job_w = os.pipe()
        answer_r, answer_w = os.pipe()
        status_r, status_w = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no memory or no process left: the worker starts a process over the disk instead
            for fd in (job_r, job_w, answer_r, answer_w, status_r, status_w):
                os.close(fd)
            with contextlib.suppress(OSError):
                conn.sendall(json.dumps({"status": "not here"}).encode())
            return
        if pid == 0:  # the query process: it never returns from here
            code = 70
            try:
                code = _child(job_r, answer_w, copy, store, memory_mib, network)
            finally:
                os._exit(code)
        for fd in (job_r, answer_w):
            os.close(fd)
        self.statuses[pid] = status_w
        pidfd = os.pidfd_open(pid)
        try:
            socket.send_fds(
                conn, [json.dumps({"status": "forked", "pid": pid}).encode()], [job_w, answer_r, pidfd, status_r]
            )
        except OSError:
            os.kill(pid, signal.SIGKILL)  # the worker is gone: so is the process's reason to be
        finally:
            for fd in (job_w, answer_r, pidfd, status_r):
                os.close(fd)

    def reap(self) -> None:
        """Reap every ended process and write its exit status to its worker."""
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            fd = self.statuses.pop(pid, None)
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.write(fd, os.waitstatus_to_exitcode(status).to_bytes(4, "big", signed=True))
                os.close(fd)


def _copy(build: Path, store: str, limit: int) -> tuple[ox.Store | None, str]:
    """The in-memory copy of ``build`` (its store at ``store``), or ``None`` and why not."""
    manifest = json.loads((build / builds.MANIFEST_FILE).read_text(encoding="utf-8"))
    quads = int(manifest["quads"]) + int(manifest.get("default_graph_triples", 0))
    base = str(manifest["base_iri"])
    if quads > limit:
        return None, f"{quads:,} quads is more than AWARDGRAPH_MEMORY_COPY ({limit:,})"
    disk = ox.Store.read_only(store)
    copy = ox.Store()
    for name, fmt in ((builds.NQUADS_DUMP, ox.RdfFormat.N_QUADS), (builds.NTRIPLES_DUMP, ox.RdfFormat.N_TRIPLES)):
        with gzip.open(build / builds.DUMPS_FOLDER / name, "rb") as dump:  # the named graphs, the default graph
            copy.bulk_load(dump, format=fmt)  # type: ignore[arg-type]  # a GzipFile is an IO[bytes]
    # Oxigraph names the blank nodes of what it loads afresh: those quads come from the store itself, so that a
    # blank node has the same name in an answer from the copy and one from the disk (the site's pages read the
    # disk). Only the graphs that have any are read from the disk (a scan of the whole store takes 10 s at 1M).
    rows = copy.query(_GRAPHS_WITH_BLANKS)
    assert isinstance(rows, ox.QuerySolutions)
    graphs: list[ox.NamedNode | ox.DefaultGraph] = [row["g"] for row in rows]
    if copy.query(_DEFAULT_HAS_BLANKS):
        graphs.append(ox.DefaultGraph())
    if graphs:
        copy.update(_DELETE_BLANK_QUADS)
        for graph in graphs:
            copy.extend(
                quad
                for quad in disk.quads_for_pattern(None, None, None, graph)
                if isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)
            )
    for name in (builds.description_graph(base), builds.shapes_graph(base)):  # written after the dumps
        copy.extend(disk.quads_for_pattern(None, None, None, ox.NamedNode(name)))
    if len(copy) != len(disk):
        return None, f"the copy holds {len(copy):,} quads, the store {len(disk):,}"
    return copy, ""


_BLANK = "FILTER(isBlank(?s) || isBlank(?o))"
_GRAPHS_WITH_BLANKS = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o {_BLANK} }} }}"
_DEFAULT_HAS_BLANKS = f"ASK {{ ?s ?p ?o {_BLANK} }}"
_DELETE_BLANK_QUADS = (
    f"DELETE {{ GRAPH ?g {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o {_BLANK} }} }} ;"
    f"DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o {_BLANK} }}"
)


def _child(job_r: int, answer_w: int, copy: ox.Store, store: str, memory_mib: int, network: bool) -> int:
    """Become a query process over ``copy``: the job loop on the pipes, nothing else of the zygote's kept."""
    signal.set_wakeup_fd(-1)
    for number in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT):
        signal.signal(number, signal.SIG_DFL)
    os.dup2(job_r, 0)
    os.dup2(answer_w, 1)
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the socket, the other processes' pipes, the zygote's own
    stdout = executor.take_stdout()
    confined = executor.confine(network=network)
    executor.answer_jobs(executor.Executor(store, memory_mib, copy), stdout, confined)
    return 0


def _say(message: str) -> None:
    print(f"awardgraph zygote: {message}", file=sys.stderr, flush=True)


def main(argv: list[str]) -> int:
    root, path, limit, parent = Path(argv[0]), argv[1], int(argv[2]), int(argv[3])  # parent: who started it
    zygote = Zygote(root, limit)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so that the wake-up pipe hears of ended processes
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    Path(path).unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    current = builds.current_build(root)
    if current is not None:
        zygote.want(str(current / builds.STORE_FOLDER))
    while os.getppid() == parent:
        readable, _, _ = select.select([listener, wake_r], [], [], PARENT_CHECK)
        if wake_r in readable:
            os.read(wake_r, 512)
        zygote.reap()
        if listener in readable:
            try:
                conn, _ = listener.accept()
            except OSError:  # out of descriptors for a moment: the worker's request times out, it uses the disk
                continue
            with conn:
                zygote.answer(conn)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
