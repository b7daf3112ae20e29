"""User queries over the store on disk against the same queries over the zygote's in-memory copy, through the real
query pool (the code ``/sparql`` runs them with), on an existing build: medians, and each process's memory after.

    .venv/bin/python benchmarks/copy_speed.py --store DIR [--reps 5]

``DIR`` is a store folder (``DIR/current`` is the build), for example one written by ``benchmarks/build_speed.py``
or ``awardgraph build --store DIR``. Both pools run one query at a time, interleaved; figures are wall-clock
milliseconds on this machine, so read the ratio column.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from awardgraph.store.results import Formats
from awardgraph.store.sandbox.pool import Job, QueryPool
from awardgraph.store.sandbox.zygote import has_copy, start

QUERIES = {
    "ask": "ASK { ?s ?p ?o }",
    "count": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "text": "SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER(CONTAINS(LCASE(?l), 'lub')) }",
    "group": "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n)",
    "sorted page": "SELECT ?s ?l WHERE { ?s rdfs:label ?l } ORDER BY ?l OFFSET 1000 LIMIT 100",
    "export": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
}
FORMATS = Formats(
    table="application/sparql-results+json", boolean="application/sparql-results+json", graph="application/n-triples"
)


def private_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Private_Dirty:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    store = str((args.store / "current").resolve() / "oxigraph")
    socket = str(Path(tempfile.mkdtemp(prefix="copy-speed-")) / "zygote.sock")
    zygote = start(args.store, socket, limit=10**9)
    options = {"size": 2, "long_after": 600.0, "wait": 10.0, "memory_mib": 0}
    pools = {"disk": QueryPool(**options), "copy": QueryPool(**options, zygote=socket)}  # type: ignore[arg-type]
    try:
        started = time.monotonic()
        while not has_copy(socket, store):
            if zygote.poll() is not None or time.monotonic() - started > 600:
                print("the zygote did not load its copy", file=sys.stderr)
                return 1
            time.sleep(0.2)
        print(f"copy loaded after {time.monotonic() - started:.1f} s")
        prefixes = {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
        print("| query | disk (median ms) | copy (median ms) | disk ÷ copy |\n|---|---|---|---|")
        for name, query in QUERIES.items():
            job = Job(
                store=store,
                query=query,
                base_iri="https://example.org/",
                prefixes=prefixes,
                formats=FORMATS,
                max_rows=10**9,
                max_triples=10**9,
            )
            times: dict[str, list[float]] = {"disk": [], "copy": []}
            for _ in range(args.reps):
                for label, pool in pools.items():
                    begun = time.perf_counter()
                    pool.run(job, timeout=600).payload.close()
                    times[label].append((time.perf_counter() - begun) * 1000)
            disk, copy = statistics.median(times["disk"]), statistics.median(times["copy"])
            print(f"| {name} | {disk:,.1f} | {copy:,.1f} | {disk / copy:.2f}× |", flush=True)
        for label, pool in pools.items():
            held = ", ".join(f"{private_mib(pid):,.0f}" for pid in pool.pids())
            print(f"{label}: private memory of each query process after the runs (MiB): {held}")
        print(f"zygote: {private_mib(zygote.pid):,.0f} MiB private (the copy, shared with the processes it forked)")
    finally:
        for pool in pools.values():
            pool.close()
        zygote.terminate()
        zygote.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
