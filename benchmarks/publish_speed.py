"""How long ``awardgraph publish`` takes on real external stores: the seed and a generated 100,000-triple graph,
into Oxigraph server (PyPI ``oxigraph``) and Virtuoso 7 (Debian ``virtuoso-opensource``), with SPARQL Update
batches and with the Graph Store Protocol. Prints a table of the phases (check = loading and validating, then the
store's own stage, switch, clean up and verify) per run.

    .venv/bin/python benchmarks/publish_speed.py [--runs 2] [--triples 100000] [--servers oxigraph,virtuoso]

The servers are the integration tests' own fixtures (tests/integration/servers.py): 127.0.0.1, free ports, a scratch
directory each, stopped by PID at the end. Not part of the test suite: timings are figures, not assertions.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integration.generated import generate  # noqa: E402
from tests.integration.servers import Server, start_server  # noqa: E402

from awardgraph.config import Settings  # noqa: E402
from awardgraph.graph.publish import publish  # noqa: E402

SEED_BASE = "https://w3id.org/awardgraph/"
GENERATED_BASE = "https://gen.example/"
PHASES = ("check", "stage", "switch", "clean up", "verify")


def case_settings(server: Server, data: str, *, graph_store: bool, scratch: Path) -> Settings:
    """The settings of one publish: the seed with the project's shapes, or the generated graph with the mini ones."""
    if data == "seed":
        return server.settings(SEED_BASE, graph_store=graph_store)
    trig = scratch / "generated.trig"
    return server.settings(
        GENERATED_BASE,
        graph_store=graph_store,
        data=(trig,),
        shapes=(ROOT / "tests/fixtures/build/mini-shapes.ttl",),
    )


def timed_publish(settings: Settings) -> dict[str, float]:
    """One publish; the phases' seconds plus ``total`` (check = total minus the store's phases)."""
    result = publish(settings)
    steps = dict(result.steps)
    steps["total"] = result.seconds
    steps["check"] = result.seconds - sum(v for k, v in result.steps.items())
    steps["triples"] = float(result.triples)
    return steps


def spread(values: list[float], fmt: Callable[[float], str]) -> str:
    low, high = min(values), max(values)
    return fmt(low) if fmt(low) == fmt(high) else f"{fmt(low)}-{fmt(high)} (median {fmt(statistics.median(values))})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--triples", type=int, default=100_000, help="size of the generated graph (about)")
    parser.add_argument("--servers", default="oxigraph,virtuoso")
    args = parser.parse_args()
    rows: list[str] = []
    with tempfile.TemporaryDirectory(prefix="publish-speed-") as tmp:
        scratch = Path(tmp)
        cities = 500
        graphs = max(1, round(args.triples / (cities * 3 + 3)))
        generated = generate(scratch / "generated.trig", graphs=graphs, cities_per_graph=cities)
        print(f"generated graph: {generated:,} triples in {graphs} graphs", flush=True)
        for kind in args.servers.split(","):
            server = start_server(kind, scratch / kind)
            try:
                for data in ("seed", "generated"):
                    for graph_store in (False, True):
                        settings = case_settings(server, data, graph_store=graph_store, scratch=scratch)
                        runs = []
                        for _ in range(args.runs):
                            started = time.perf_counter()
                            runs.append(timed_publish(settings))
                            print(
                                f"  {kind} {data} gsp={graph_store}: {time.perf_counter() - started:.2f} s", flush=True
                            )
                        cells = [spread([r[p] for r in runs], lambda v: f"{v:.2f} s") for p in ("total", *PHASES)]
                        loading = "Graph Store PUT" if graph_store else "INSERT DATA"
                        rows.append(
                            f"| {data} ({int(runs[0]['triples']):,} triples) | {kind} | {loading} | "
                            + " | ".join(cells)
                            + " |"
                        )
            finally:
                server.stop()
    print()
    print("| data | store | loading | total | " + " | ".join(PHASES) + " |")
    print("|---" * (4 + len(PHASES)) + "|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
