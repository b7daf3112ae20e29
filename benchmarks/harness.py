"""The benchmark: one generated graph, loaded into awardgraph and its peers, the same queries asked of all of them.

    .venv/bin/python benchmarks/harness.py --size 100000          (or: make bench SIZE=100000)

Steps: generate the graph (benchmarks/generate.py); build and serve awardgraph; load the same quads (plus the
dataset description awardgraph's build adds, so every system holds exactly the same data) into Oxigraph server
on disk and in memory, rdflib-endpoint and, when installed, Virtuoso 7; then

1. answers: every query with every parameter set, once per system; normalised answers are compared and any
   mismatch reported (this is also the warm-up);
2. latency: each query ``--reps`` times, the systems interleaved (their order rotates every round); median, p95;
   a system stops repeating a query once it has spent ``--budget`` seconds on it;
3. throughput: ``--clients`` concurrent keep-alive clients for ``--seconds`` seconds, ``--rounds`` rounds,
   the systems interleaved: the describe query over SPARQL on every system, awardgraph's documents in Turtle and HTML.

Every process runs on 127.0.0.1 on a free port and is stopped by its PID at the end (or on Ctrl-C). A query that
takes longer than ``--timeout`` is recorded as "timeout"; the harness then waits for that server to go idle, and
stops it (recording why) if it does not within ``--idle-limit`` seconds. Results: ``benchmarks/results/<run>/``
(results.json, report.md; the scratch folder is removed unless ``--keep``).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import answers
import generate
import loadgen
import querysets
import report
import runinfo
from procs import Sampler, stop_all, wait_idle
from systems import SYSTEMS, Awardgraph, AwardgraphCheckout, Context, System, quad_graph

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DOC_ACCEPT = {"doc-ttl": "text/turtle", "doc-html": "text/html"}


class Run:
    def __init__(self, args: argparse.Namespace, scratch: Path) -> None:
        self.args = args
        self.scratch = scratch
        self.sampler = Sampler()
        self.systems: list[System] = []
        self.dead: dict[str, str] = {}
        self.skip: dict[tuple[str, str], str] = {}  # (query, system) -> why it is not run any more
        self.clients: dict[str, answers.Client] = {}
        self.reused: set[tuple[str, str]] = set()  # latency taken from the answer check (over budget there)
        self.first: dict[tuple[str, str], list[float]] = {}  # the answer check's times, per (query, system)
        self.described: dict[int, set[str]] = {}  # describe's answer per parameter set, to check the documents
        self.results: dict[str, Any] = {"systems": {}, "answers": {}, "latency": {}, "throughput": {}}
        self.params: dict[str, list[dict[str, object]]] = {}
        self.base = args.base
        self.load: list[tuple[str, float]] = []

    # -- setting up -------------------------------------------------------------------------------------------
    def loadavg(self, phase: str) -> None:
        self.load.append((phase, round(os.getloadavg()[0], 2)))

    def prepare(self) -> None:
        self.loadavg("start")
        start = time.monotonic()
        summary = generate.generate(self.scratch / "gen", triples=self.args.size, seed=self.args.seed, base=self.base)
        self.params = summary.pop("params")  # type: ignore[assignment]
        summary["seconds"] = round(time.monotonic() - start, 2)
        summary["trig_bytes"] = (self.scratch / "gen" / "data.trig").stat().st_size
        self.results["data"] = summary
        print(f"generated {summary['triples']:,} triples in {summary['graphs']:,} graphs ({summary['seconds']} s)")
        ctx = Context(
            scratch=self.scratch,
            trig=self.scratch / "gen" / "data.trig",
            base=self.base,
            shapes=self.args.shapes,
            project_bin=Path(sys.executable).parent,
            compare=self.args.compare,
            bench_bin=self.args.bench_venv / "bin",
            sampler=self.sampler,
            workers=self.args.workers,
            awardgraph_env=self.args.awardgraph_env,
            build_timeout=self.args.build_timeout,
            ready_timeout=self.args.ready_timeout,
        )
        chosen = [SYSTEMS[key](ctx) for key in self.args.systems]
        chosen[1:1] = [AwardgraphCheckout(ctx, name) for name in self.args.compare]
        peers_data = self.scratch / "peers" / "data.nq"
        peers_data.parent.mkdir()
        shutil.copyfile(self.scratch / "gen" / "data.nq", peers_data)
        ctx.nquads = peers_data
        for system in sorted(chosen, key=lambda s: not isinstance(s, Awardgraph)):  # awardgraph first
            record: dict[str, Any] = {"label": system.label}
            self.results["systems"][system.key] = record
            reason = system.available()
            if reason:
                record["error"] = f"not run: {reason}"
                print(f"{system.label}: {record['error']}")
                continue
            self.loadavg(f"before {system.key}")
            try:
                system.prepare()
                if type(system) is Awardgraph:  # once, not once per checkout
                    generated = self.graph_names()
                    extra = system.extra_graphs(generated)
                    with peers_data.open("a", encoding="utf-8") as out:
                        out.write(extra)
                    ctx.default_triples = peers_data.parent / "default.nt"
                    system.default_graph(ctx.default_triples)
                    # the build's own graphs (the catalogue's) are the ones its default graph leaves out
                    ctx.outside_default = frozenset(quad_graph(line) for line in extra.splitlines())
            except Exception as error:  # a system that cannot be set up is reported, and the run goes on
                system.setup.error = f"{type(error).__name__}: {error}"[:600]
                system.stop()
                print(f"{system.label}: FAILED {system.setup.error}")
            record.update(vars(system.setup))
            if system.setup.error is None:
                self.systems.append(system)
                self.clients[system.key] = answers.Client("127.0.0.1", system.port)
                print(f"{system.label}: load {fmt_s(system.setup.load_s)}, ready {fmt_s(system.setup.ready_s)}")

    def graph_names(self) -> set[str]:
        """The graphs of the generated data (read back from the N-Quads' fourth terms)."""
        with (self.scratch / "gen" / "data.nq").open(encoding="utf-8") as data:
            return {line.rsplit(" ", 2)[-2].strip("<>") for line in data}

    # -- asking -----------------------------------------------------------------------------------------------
    def ask(self, system: System, query: querysets.Query, values: dict[str, object]) -> answers.Outcome:
        client = self.clients[system.key]
        if query.name.startswith("doc-"):
            assert isinstance(system, Awardgraph)
            path = system.doc_path(str(values["resource"]))
            return client.get(path, accept=DOC_ACCEPT[query.name], timeout=self.args.timeout)
        text = system.query_prefix + query.render(values, str(self.base))
        accept = answers.GRAPH_TYPES if query.graph else answers.SELECT_TYPES
        return client.query(system.query_path, text, accept=accept, timeout=self.args.timeout)

    def failed(self, system: System, query: str, outcome: answers.Outcome) -> None:
        self.skip[(query, system.key)] = f"{outcome.status}: {outcome.detail}"
        if outcome.status != "timeout" or system.proc is None:
            return
        print(f"  {system.label}: timeout on {query}; waiting for it to go idle")
        if wait_idle(system.proc, limit=self.args.idle_limit):
            return
        busy = f"still busy {self.args.idle_limit:.0f} s after a timeout on {query}"
        if system.restartable:  # its data is on disk: start it again rather than lose it for the other queries
            seconds = system.restart()
            system.setup.notes.append(f"{busy}: restarted (ready again in {seconds:.1f} s)")
            self.results["systems"][system.key]["notes"] = system.setup.notes
            print(f"  {system.label}: {busy}: restarted")
            return
        system.stop()
        self.dead[system.key] = f"{busy}: stopped"
        print(f"  {system.label}: {self.dead[system.key]}")

    def runs(self, query: querysets.Query) -> list[System]:
        if query.name.startswith("doc-"):
            return [s for s in self.systems if isinstance(s, Awardgraph) and s.key not in self.dead]
        return [s for s in self.systems if s.key not in self.dead]

    def check_answers(self, queries: list[querysets.Query]) -> None:
        self.loadavg("answers")
        for query in queries:
            sets = self.params.get(query.params, [{}])
            record: dict[str, Any] = {"sets": len(sets), "systems": {}, "mismatches": []}
            self.results["answers"][query.name] = record
            spent: dict[str, float] = {}
            for index, values in enumerate(sets):
                canons: dict[str, answers.Canon] = {}
                for system in self.runs(query):
                    if (query.name, system.key) in self.skip:
                        continue
                    if spent.get(system.key, 0.0) > self.args.budget:  # a slow system checks fewer sets
                        continue
                    outcome = self.ask(system, query, values)
                    spent[system.key] = spent.get(system.key, 0.0) + outcome.seconds
                    if outcome.status == "ok":
                        self.first.setdefault((query.name, system.key), []).append(outcome.seconds)
                    status = record["systems"].setdefault(system.key, {"ok": 0, "rows": 0})
                    if outcome.status != "ok":
                        status["failed"] = f"{outcome.status}: {outcome.detail}"
                        self.failed(system, query.name, outcome)
                        continue
                    status["ok"] += 1
                    if query.name == "doc-html":
                        continue
                    canons[system.key] = answers.canonical(outcome, ordered=query.ordered)
                    status["rows"] += canons[system.key].count
                if query.name == "describe" and canons:
                    self.described[index] = set(next(iter(canons.values())).rows)
                if query.name == "doc-ttl" and "awardgraph" in canons:
                    lacking = self.described.get(index, set()) - set(canons["awardgraph"].rows)
                    if lacking:  # a document must hold at least what the describe query answers
                        record["mismatches"].append(
                            {
                                "set": index,
                                "system": "awardgraph",
                                "reference": "describe",
                                "missing": len(lacking),
                                "missing_sample": sorted(lacking)[:3],
                            }
                        )
                    continue
                record["mismatches"] += [{"set": index, **m} for m in answers.disagreements(canons)]
            agree = "agree" if not record["mismatches"] else f"{len(record['mismatches'])} mismatch(es)"
            print(
                f"answers {query.name:9} {agree}: "
                + ", ".join(f"{k} {v['rows']}" for k, v in record["systems"].items())
            )

    def latency(self, queries: list[querysets.Query]) -> None:
        self.loadavg("latency")
        for query in queries:
            sets = self.params.get(query.params, [{}])
            times: dict[str, list[float]] = {}
            spent: dict[str, float] = {}
            for system in self.runs(query):  # a system that used its budget in the answer check is not asked again
                checked = self.first.get((query.name, system.key), [])
                if sum(checked) > self.args.budget:
                    times[system.key], spent[system.key] = list(checked), sum(checked)
                    self.reused.add((query.name, system.key))
            for rep in range(self.args.reps):
                systems = self.runs(query)
                if not systems:
                    break
                shift = rep % len(systems)
                for system in systems[shift:] + systems[:shift]:
                    if (query.name, system.key) in self.skip or system.key in self.dead:
                        continue
                    done = len(times.get(system.key, []))
                    if spent.get(system.key, 0.0) > self.args.budget and done >= self.args.min_reps:
                        continue
                    outcome = self.ask(system, query, sets[rep % len(sets)])
                    spent[system.key] = spent.get(system.key, 0.0) + outcome.seconds
                    if outcome.status != "ok":
                        self.failed(system, query.name, outcome)
                        continue
                    times.setdefault(system.key, []).append(outcome.seconds)
            self.results["latency"][query.name] = {
                key: self.summary(query.name, key, times.get(key, [])) for key in (s.key for s in self.systems)
            }
            line = ", ".join(
                f"{k} {fmt_ms(v.get('median_ms'))}" for k, v in self.results["latency"][query.name].items()
            )
            print(f"latency {query.name:9} {line}")

    def summary(self, query: str, key: str, seconds: list[float]) -> dict[str, Any]:
        if query.startswith("doc-") and not key.startswith("awardgraph"):
            return {"status": "n/a"}
        why = self.skip.get((query, key)) or self.dead.get(key)
        if not seconds:
            return {"status": (why or "not run").split(":")[0], "detail": why}
        ms = sorted(s * 1000 for s in seconds)
        p95 = ms[min(len(ms) - 1, max(0, round(0.95 * len(ms)) - 1))]
        result = {"status": "ok", "n": len(ms), "median_ms": statistics.median(ms), "p95_ms": p95, "min_ms": ms[0]}
        if (query, key) in self.reused:
            result["from_check"] = True  # the first (cold) runs, made while checking the answers
        if why:
            result["detail"] = why
        return result

    def throughput(self) -> None:
        self.loadavg("throughput")
        describe = querysets.load(["describe"])[0]
        resources = self.params.get("describe", [])
        targets: list[tuple[str, str]] = [("describe", "text/turtle"), ("doc-ttl", "text/turtle")]
        targets.append(("doc-html", "text/html"))
        for target, _ in targets:
            self.results["throughput"][target] = {}
        for round_ in range(self.args.rounds):
            for target, accept in targets:
                systems = [s for s in self.systems if s.key not in self.dead]
                if target != "describe":
                    systems = [s for s in systems if isinstance(s, Awardgraph)]
                if not systems:
                    continue
                shift = round_ % len(systems)
                for system in systems[shift:] + systems[:shift]:
                    if (target, system.key) in self.skip:  # it failed or timed out on this already
                        self.results["throughput"][target][system.key] = {
                            "rounds": [],
                            "skipped": self.skip[(target, system.key)],
                        }
                        continue
                    if target == "describe":
                        query = [system.query_prefix + describe.render(v, str(self.base)) for v in resources]
                        paths = [f"{system.query_path}?{urlencode({'query': q})}" for q in query]
                    else:
                        assert isinstance(system, Awardgraph)
                        paths = [system.doc_path(str(v["resource"])) for v in resources]
                    result = loadgen.measure(
                        "127.0.0.1",
                        system.port,
                        paths,
                        accept=accept,
                        clients=self.args.clients,
                        seconds=self.args.seconds,
                        folder=self.scratch,
                    )
                    record = self.results["throughput"][target].setdefault(system.key, {"rounds": []})
                    record["rounds"].append(
                        {
                            "requests": result.requests,
                            "rps": round(result.rps, 1),
                            "ok_rps": True,  # rps counts successful answers only
                            "errors": result.errors,
                            "p50_ms": result.p50_ms,
                            "p99_ms": result.p99_ms,
                        }
                    )
                    record["client"] = result.client
                    print(f"throughput {target:9} {system.key:16} {result.rps:8.0f}/s errors {result.errors}")
        for by_system in self.results["throughput"].values():
            for record in by_system.values():
                if not record["rounds"]:
                    continue
                best = max(record["rounds"], key=lambda r: r["rps"])
                record.update({k: best[k] for k in ("requests", "rps", "errors", "p50_ms", "p99_ms")})

    def finish(self) -> None:
        self.loadavg("end")
        for system in self.systems:
            system.stop()
        for key, record in self.results["systems"].items():
            rss, pss = self.sampler.peak(f"{key}:serve")
            record.update(serve_rss=rss or None, serve_pss=pss or None)
            if key in self.dead:
                record["stopped"] = self.dead[key]
        self.sampler.close()


def fmt_s(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.1f} s"


def fmt_ms(ms: float | None) -> str:
    return "-" if ms is None else f"{ms:.1f} ms"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    add = parser.add_argument
    add("--size", type=int, default=100_000, help="triples to generate (default 100000)")
    add("--seed", type=int, default=1)
    add("--base", default=generate.DEFAULT_BASE, help="base IRI of the generated data")
    add("--systems", default=",".join(SYSTEMS), help=f"comma-separated, from: {', '.join(SYSTEMS)}")
    add("--queries", default=None, help="comma-separated query names (default: all in benchmarks/queries/)")
    add("--reps", type=int, default=15, help="latency repetitions per query and system (default 15)")
    add("--min-reps", type=int, default=1, help="repetitions made even past the budget (default 1)")
    add(
        "--budget",
        type=float,
        default=20.0,
        help="seconds a system may spend on one query's parameter sets, and on repeating it (default 20)",
    )
    add("--timeout", type=float, default=60.0, help="seconds before a query counts as a timeout (default 60)")
    add("--idle-limit", type=float, default=120.0, help="seconds to wait for a server to go idle after a timeout")
    add("--clients", type=int, default=4, help="concurrent clients for throughput (default 4)")
    add("--seconds", type=float, default=5.0, help="seconds per throughput measurement (default 5)")
    add("--rounds", type=int, default=2, help="throughput rounds, systems interleaved; the best counts (default 2)")
    add("--workers", type=int, default=2, help="awardgraph serve --workers (default 2, its own default)")
    add("--build-timeout", type=float, default=1800.0, help="seconds allowed for a build or load")
    add(
        "--ready-timeout",
        type=float,
        default=300.0,
        help="seconds allowed for a server to answer (rdflib-endpoint loads first)",
    )
    add(
        "--awardgraph-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an AWARDGRAPH_* setting for awardgraph serve (repeatable); by default the endpoint's defences are\n"
        "widened so that it answers what the peers answer: no per-client budget, complete answers,\n"
        "the harness's --timeout as its deadline (see docs/performance.md)",
    )
    add("--awardgraph-defaults", action="store_true", help="serve awardgraph with its shipped limits instead")
    add("--shapes", type=Path, default=ROOT / "tests/fixtures/build/mini-shapes.ttl", help="SHACL shapes for the build")
    add("--bench-venv", type=Path, default=HERE / ".venv", help="venv with oxigraph and rdflib-endpoint")
    add(
        "--compare",
        action="append",
        default=[],
        metavar="LABEL=VENV",
        help="another checkout's venv (pip install -e it), served as the system awardgraph@LABEL: a change measured "
        "before and after in one run (repeatable)",
    )
    add("--out", type=Path, default=HERE / "results", help="folder for the run's results")
    add("--label", default=None, help="name of the run's folder (default: SIZE-TIMESTAMP)")
    add("--no-throughput", action="store_true")
    add("--keep", action="store_true", help="keep the scratch folder (stores, data, logs)")
    args = parser.parse_args()
    args.systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    try:
        args.compare = {label: Path(venv) for label, venv in (item.split("=", 1) for item in args.compare)}
    except ValueError:
        parser.error("--compare takes LABEL=VENV")
    widened = {
        "AWARDGRAPH_CLIENT_BUDGET": "0",  # one benchmark client is not the public: no query-seconds budget
        "AWARDGRAPH_MAX_ROWS": "100000000",  # complete answers, as the peers give
        "AWARDGRAPH_MAX_TRIPLES": "100000000",
        "AWARDGRAPH_QUERY_MEMORY": "0",
        "AWARDGRAPH_QUERY_TIMEOUT": f"{args.timeout:g}",  # the same deadline as every other system
    }
    given = dict(item.split("=", 1) for item in args.awardgraph_env)
    args.awardgraph_env = given if args.awardgraph_defaults else {**widened, **given}
    unknown = set(args.systems) - set(SYSTEMS)
    if unknown:
        parser.error(f"unknown systems: {', '.join(sorted(unknown))}")
    return args


def main() -> None:
    args = arguments()
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    run_dir = args.out / (args.label or f"{args.size}-{stamp}")
    run_dir.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="awardgraph-bench-"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    run = Run(args, scratch)
    started = time.monotonic()
    meta: dict[str, Any] = {
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "date": stamp,
        "cores": os.cpu_count(),
        "versions": runinfo.versions(ROOT, args.bench_venv),
        "settings": json.loads(json.dumps(vars(args), default=str)),  # paths (and --compare's) as text
    }
    run.results["meta"] = meta
    queries = querysets.load(args.queries.split(",") if args.queries else None)
    docs = [
        querysets.Query(n, f"awardgraph document ({n[4:].upper()})", "site", "light", "describe", False, "")
        for n in DOC_ACCEPT
    ]
    try:
        run.prepare()
        run.results["queries"] = {
            q.name: {"title": q.title, "group": q.group, "weight": q.weight} for q in queries + docs
        }
        run.check_answers(queries + docs)
        run.latency(queries + docs)
        if not args.no_throughput:
            run.throughput()
    finally:
        run.finish()
        stop_all()
        meta["loadavg"] = run.load
        meta["seconds"] = round(time.monotonic() - started, 1)
        (run_dir / "results.json").write_text(json.dumps(run.results, indent=1, ensure_ascii=False) + "\n")
        if args.keep:
            print(f"scratch kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    text = report.markdown(run.results)
    (run_dir / "report.md").write_text(text, encoding="utf-8")
    print(text)
    print(f"results: {run_dir}")


if __name__ == "__main__":
    main()
