"""The systems under test: how each is loaded, started, queried and stopped, on 127.0.0.1 and free ports.

Each ``prepare()`` records what the comparison needs: the time to load (or build) the data, the time from starting
the server until it answers a query, and the peak memory of the loading step (the server's own peak is sampled
for the whole run under the key ``<system>:serve``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from procs import Proc, Sampler, free_port, run_timed

# Oxigraph's default graph is a graph of its own: it holds awardgraph's (a copy, as awardgraph's build writes it)
DEFAULT_COPY = "default graph: awardgraph's, loaded as its own default graph (no --union-default-graph)"


def quad_graph(line: str) -> str:
    """The graph IRI of a line of the peers' N-Quads (every one names its graph: the generator writes no default
    graph, and awardgraph's extra graphs are written with theirs)."""
    return line.rsplit(" ", 2)[-2].strip("<>")


@dataclass
class Context:
    scratch: Path
    trig: Path
    base: str
    shapes: Path
    project_bin: Path  # the project's venv (awardgraph)
    bench_bin: Path  # benchmarks/.venv (oxigraph, rdflib-endpoint)
    sampler: Sampler
    workers: int = 2
    awardgraph_env: dict[str, str] = field(default_factory=dict)  # AWARDGRAPH_* settings for awardgraph serve
    build_timeout: float = 1800.0
    ready_timeout: float = 300.0
    # other checkouts' venvs, by label (``--compare LABEL=VENV``), each served beside this one as ``awardgraph@LABEL``
    compare: dict[str, Path] = field(default_factory=dict)
    nquads: Path | None = None  # what the peers load: the generated quads plus awardgraph's own extra graphs
    # awardgraph's default graph (N-Triples), for the peers that can hold a default graph of their own, and the
    # graphs left out of it (the catalogue's: dataset description, shapes), for those whose default is a union
    default_triples: Path | None = None
    outside_default: frozenset[str] = frozenset()


@dataclass
class Setup:
    load_s: float | None = None
    ready_s: float | None = None
    load_rss: int | None = None
    notes: list[str] = field(default_factory=list)
    error: str | None = None


class System:
    key = "system"
    label = "system"
    query_path = "/sparql"
    restartable = False  # whether a restart is cheap (serves its data from disk) and keeps the data

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.port = free_port()
        self.proc: Proc | None = None
        self.setup = Setup()
        self.folder = ctx.scratch / self.key
        self.folder.mkdir(parents=True, exist_ok=True)
        self.query_prefix = ""  # text put before every query (Virtuoso: which graphs make the default graph)
        self.command: list[str] = []
        self.env: dict[str, str] | None = None  # the server's environment (None: the harness's own)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def query_url(self) -> str:
        return self.url + self.query_path

    def available(self) -> str | None:
        """None if the system can run here, else why not."""
        return None

    def prepare(self) -> None:
        raise NotImplementedError

    def start_server(self, command: list[str], *, log: str = "server.log") -> float:
        """Start the server; returns seconds until it answers ``ASK {}`` (raises if it dies or never does)."""
        start = time.monotonic()
        self.command = command
        self.proc = Proc(command, self.folder / log, cwd=self.folder, env=self.env)
        self.ctx.sampler.watch(f"{self.key}:serve", self.proc.pid)
        deadline = start + self.ctx.ready_timeout
        while time.monotonic() < deadline:
            if not self.proc.alive():
                raise RuntimeError(f"{self.label} exited: {self.proc.tail()}")
            try:
                answer = requests.get(self.query_url, params={"query": "ASK {}"}, timeout=2)
                if answer.status_code == 200:
                    return time.monotonic() - start
            except requests.RequestException:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"{self.label} did not answer within {self.ctx.ready_timeout:.0f} s")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.stop()

    def restart(self) -> float:
        """Stop the server and start it again on the same data (after a request it would not give up)."""
        self.stop()
        return self.start_server(self.command)


class Awardgraph(System):
    key = "awardgraph"
    label = "awardgraph"
    restartable = True

    @property
    def bin(self) -> Path:
        return self.ctx.project_bin

    def prepare(self) -> None:
        store = self.folder / "store"
        binary = str(self.bin / "awardgraph")
        build = [binary, "build", "--data", str(self.ctx.trig), "--shapes", str(self.ctx.shapes)]
        build += ["--base-iri", self.ctx.base, "--store", str(store)]
        seconds, code = run_timed(
            build, self.folder / "build.log", self.ctx.sampler, f"{self.key}:load", timeout=self.ctx.build_timeout
        )
        self.setup.load_rss = self.ctx.sampler.peak(f"{self.key}:load")[0]
        self.setup.load_s = seconds
        log = (self.folder / "build.log").read_text(errors="replace")
        self.setup.notes += [line.strip() for line in log.splitlines() if line.startswith("[")]
        if code != 0:
            raise RuntimeError("awardgraph build timed out" if code == -1 else f"awardgraph build failed: {log[-800:]}")
        serve = [binary, "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(self.port)]
        serve += ["--base-iri", self.ctx.base, "--workers", str(self.ctx.workers)]
        self.env = {**os.environ, **self.ctx.awardgraph_env}
        self.setup.ready_s = self.start_server(serve)
        self.setup.notes.append(f"server workers: {self.ctx.workers}")
        if self.ctx.awardgraph_env:
            self.setup.notes.append("served with " + " ".join(f"{k}={v}" for k, v in self.ctx.awardgraph_env.items()))

    def doc_path(self, iri: str) -> str:
        """The local path of the document describing ``iri`` (``{base}id/k/s`` -> ``/doc/k/s``)."""
        local = iri.removeprefix(self.ctx.base)
        return "/doc/" + local.removeprefix("id/")

    def extra_graphs(self, generated: set[str]) -> str:
        """N-Quads of the graphs the build added (the dataset description), for the peers to load too."""
        query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
        answer = requests.get(
            self.query_url, params={"query": query}, headers={"Accept": "application/sparql-results+json"}, timeout=60
        )
        answer.raise_for_status()
        graphs = [b["g"]["value"] for b in answer.json()["results"]["bindings"]]
        lines = []
        for graph in sorted(set(graphs) - generated):
            construct = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
            body = requests.get(
                self.query_url, params={"query": construct}, headers={"Accept": "application/n-triples"}, timeout=60
            )
            body.raise_for_status()
            lines += [line[:-1].rstrip() + f" <{graph}> .\n" for line in body.text.splitlines() if line.endswith(".")]
            self.setup.notes.append(f"build added graph <{graph}>: {len(lines)} triples (loaded into the peers too)")
        return "".join(lines)

    def default_graph(self, out: Path) -> None:
        """Write what a query naming no graph sees here (N-Triples), for the peers to hold as their default graph."""
        construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
        headers = {"Accept": "application/n-triples"}
        with requests.get(
            self.query_url, params={"query": construct}, headers=headers, timeout=self.ctx.build_timeout, stream=True
        ) as answer:
            answer.raise_for_status()
            with out.open("wb") as file:
                for chunk in answer.iter_content(1 << 20):
                    file.write(chunk)


class AwardgraphCheckout(Awardgraph):
    """Another checkout of awardgraph (``--compare LABEL=VENV``), built and served the same way: a change's before
    and after measured in one run, interleaved like any two systems."""

    def __init__(self, ctx: Context, name: str) -> None:
        self.name = name
        self.key, self.label = f"awardgraph@{name}", f"awardgraph ({name})"
        super().__init__(ctx)

    @property
    def bin(self) -> Path:
        return self.ctx.compare[self.name] / "bin"

    def available(self) -> str | None:
        if not (self.bin / "awardgraph").exists():
            return f"{self.bin} has no awardgraph command"
        return None


class OxigraphDisk(System):
    key = "oxigraph-disk"
    label = "Oxigraph server (disk)"
    query_path = "/query"
    restartable = True

    def binary(self) -> str:
        return str(self.ctx.bench_bin / "oxigraph")

    def available(self) -> str | None:
        return None if Path(self.binary()).is_file() else "benchmarks/.venv has no oxigraph (make bench-venv)"

    def prepare(self) -> None:
        assert self.ctx.nquads is not None
        location = str(self.folder / "db")
        assert self.ctx.default_triples is not None
        load = [self.binary(), "load", "--location", location, "--file", str(self.ctx.nquads)]
        load.append(str(self.ctx.default_triples))  # awardgraph's default graph, as its own default graph
        seconds, code = run_timed(
            load, self.folder / "load.log", self.ctx.sampler, f"{self.key}:load", timeout=self.ctx.build_timeout
        )
        self.setup.load_s, self.setup.load_rss = seconds, self.ctx.sampler.peak(f"{self.key}:load")[0]
        if code != 0:
            raise RuntimeError(f"oxigraph load failed ({code})")
        bind = f"127.0.0.1:{self.port}"
        self.setup.ready_s = self.start_server([self.binary(), "serve", "--location", location, "--bind", bind])
        self.setup.notes.append(DEFAULT_COPY)


class OxigraphMemory(OxigraphDisk):
    key = "oxigraph-mem"
    label = "Oxigraph server (memory)"
    restartable = False

    def prepare(self) -> None:
        assert self.ctx.nquads is not None
        bind = f"127.0.0.1:{self.port}"
        self.setup.ready_s = self.start_server([self.binary(), "serve", "--bind", bind])
        assert self.proc is not None and self.ctx.default_triples is not None
        self.ctx.sampler.watch(f"{self.key}:load", self.proc.pid)
        start = time.monotonic()
        parts = ((self.ctx.nquads, "/store", "application/n-quads"),)
        parts += ((self.ctx.default_triples, "/store?default", "application/n-triples"),)
        for path, target, media_type in parts:
            with path.open("rb") as data:
                answer = requests.post(
                    self.url + target, data=data, headers={"Content-Type": media_type}, timeout=self.ctx.build_timeout
                )
            if answer.status_code >= 300:
                raise RuntimeError(f"POST {target} answered {answer.status_code}: {answer.text[:300]}")
        self.setup.load_s = time.monotonic() - start
        self.ctx.sampler.unwatch(f"{self.key}:load")
        self.setup.load_rss = self.ctx.sampler.peak(f"{self.key}:load")[0]
        self.setup.notes.append("ready = the empty server; loaded afterwards with POST /store (N-Quads, N-Triples)")
        self.setup.notes.append(DEFAULT_COPY)


class RdflibEndpoint(System):
    key = "rdflib-endpoint"
    label = "rdflib-endpoint"
    query_path = "/"  # rdflib-endpoint 0.6.3 serves its endpoint at /, whatever its help says

    def binary(self) -> str:
        return str(self.ctx.bench_bin / "rdflib-endpoint")

    def available(self) -> str | None:
        return None if Path(self.binary()).is_file() else "benchmarks/.venv has no rdflib-endpoint (make bench-venv)"

    def prepare(self) -> None:
        assert self.ctx.nquads is not None
        # its default graph is the union of every graph: load it without the graphs awardgraph's default leaves out
        data = self.folder / "data.nq"
        with self.ctx.nquads.open(encoding="utf-8") as source, data.open("w", encoding="utf-8") as out:
            out.writelines(line for line in source if quad_graph(line) not in self.ctx.outside_default)
        command = [self.binary(), "serve", str(data), "--host", "127.0.0.1", "--port", str(self.port)]
        self.setup.ready_s = self.start_server(command)
        self.setup.notes.append("loads (rdflib Dataset, default_union) before it listens: ready includes loading")
        if self.ctx.outside_default:
            left = ", ".join(f"<{g}>" for g in sorted(self.ctx.outside_default))
            self.setup.notes.append(f"its default graph is the union of its graphs: loaded without {left}")


VIRTUOSO_INI = """\
; written by benchmarks/systems.py for one benchmark run
[Database]
DatabaseFile       = {dir}/virtuoso.db
ErrorLogFile       = {dir}/virtuoso.log
LockFile           = {dir}/virtuoso.lck
TransactionFile    = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {dir}/virtuoso-temp.db
TransactionFile    = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort          = 127.0.0.1:{sql_port}
DisableUnixSocket   = 1
CheckpointInterval  = 0
CaseMode            = 2
DirsAllowed         = ., {dir}, {data_dir}
; 8 KB pages: about 1.3 GB of buffers at most, the setting Virtuoso suggests for a few GB of free memory
NumberOfBuffers     = 170000
MaxDirtyBuffers     = 130000
MaxQueryMem         = 2G
; the stock value makes a large CONSTRUCT fail ("FRVEC ... max vector length")
MaxVectorSize       = 4000000
ThreadsPerQuery     = 2
; the stock 10,000 refuses ORDER BY ... OFFSET past 10,000 rows ("SR353: Sorted TOP clause specifies more than ...")
MaxSortedTopRows    = 10000000
AsyncQueueMaxThreads = 10

[HTTPServer]
ServerPort            = 127.0.0.1:{http_port}
ServerRoot            = {dir}/vsp
MaxClientConnections  = 10
ServerThreads         = 10
Charset               = UTF-8
EnabledGzipContent    = 0

[SPARQL]
; the stock 10,000 silently truncates larger answers
ResultSetMaxRows           = 100000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 0
"""


class Virtuoso(System):
    key = "virtuoso"
    label = "Virtuoso 7"

    def available(self) -> str | None:
        if shutil.which("virtuoso-t") and shutil.which("isql-vt"):
            return None
        return "virtuoso-t is not installed (Debian: apt-get install virtuoso-opensource)"

    def isql(self, statement: str, *, timeout: float) -> str:
        done = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statement}"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise RuntimeError(f"isql-vt {statement!r}: {done.stdout[-400:]} {done.stderr[-400:]}")
        return done.stdout

    def prepare(self) -> None:
        assert self.ctx.nquads is not None
        self.sql_port = free_port()
        (self.folder / "vsp").mkdir(exist_ok=True)
        ini = VIRTUOSO_INI.format(
            dir=self.folder, sql_port=self.sql_port, http_port=self.port, data_dir=self.ctx.nquads.parent
        )
        (self.folder / "virtuoso.ini").write_text(ini, encoding="utf-8")
        command = ["virtuoso-t", "+configfile", str(self.folder / "virtuoso.ini"), "+foreground"]
        self.setup.ready_s = self.start_server(command)
        system_graphs = self.graphs()
        assert self.proc is not None
        self.ctx.sampler.watch(f"{self.key}:load", self.proc.pid)
        start = time.monotonic()
        data = self.ctx.nquads
        self.isql(f"ld_dir('{data.parent}', '{data.name}', 'urn:awardgraph:bench:unused');", timeout=60)
        self.isql("rdf_loader_run();", timeout=self.ctx.build_timeout)
        self.isql("checkpoint;", timeout=self.ctx.build_timeout)
        self.setup.load_s = time.monotonic() - start
        self.ctx.sampler.unwatch(f"{self.key}:load")
        self.setup.load_rss = self.ctx.sampler.peak(f"{self.key}:load")[0]
        errors = self.isql("SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL;", timeout=60)
        if data.name in errors:
            raise RuntimeError(f"Virtuoso bulk load failed: {errors[-500:]}")
        # Virtuoso's default graph is the union of *all* its graphs, its own system graphs included: leave those out
        # awardgraph's default graph leaves the catalogue's graphs out too
        excluded = sorted(system_graphs | self.ctx.outside_default)
        self.query_prefix = "".join(f"DEFINE input:default-graph-exclude <{g}>\n" for g in excluded)
        self.setup.notes.append(
            "ready = the empty server; bulk-loaded with isql-vt ld_dir + rdf_loader_run() + checkpoint; "
            f"its {len(system_graphs)} system graphs and the {len(self.ctx.outside_default)} graphs awardgraph's "
            "default graph leaves out are excluded from its default graph (DEFINE input:default-graph-exclude)"
        )

    def graphs(self) -> set[str]:
        answer = requests.get(
            self.query_url,
            params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        answer.raise_for_status()
        return {b["g"]["value"] for b in answer.json()["results"]["bindings"]}


SYSTEMS: dict[str, type[System]] = {
    cls.key: cls for cls in (Awardgraph, OxigraphDisk, OxigraphMemory, RdflibEndpoint, Virtuoso)
}
