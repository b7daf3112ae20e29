"""The build's VoID statistics (``awardgraph.graph.describe.compute_stats``) alone: whole and query by query, on
``build_speed.py``'s generated data loaded as a build loads it, optionally against another version's describe.py.

    .venv/bin/python benchmarks/stats_speed.py --sizes 100000,1000000 --reps 5
    git show 16e389b:src/awardgraph/graph/describe.py > /tmp/describe_16e389b.py
    .venv/bin/python benchmarks/stats_speed.py --against /tmp/describe_16e389b.py

In the build the statistics run beside the dumps and the store's bulk load, so the step ``build_speed.py`` reports
moves with them; here they run alone, on the in-memory store of the loaded data (the project's ontology and data
plus the generated TriG, same seed, same bytes as ``build_speed.py``; ``--out`` reuses its folder). With
``--against``, the other version's ``compute_stats`` runs interleaved with this one, on the same store, and both
must give the same figures. Wall-clock seconds, median and minimum of ``--reps`` runs; the machine's load average
is printed, as figures taken on a busy machine are slower.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import build_speed
import pyoxigraph as ox

from awardgraph import queries
from awardgraph.builds import description_graph
from awardgraph.config import DEFAULT_BASE_IRI
from awardgraph.graph import describe
from awardgraph.graph.load import load

ROOT = Path(__file__).resolve().parent.parent


def module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("describe_against", path)
    assert spec and spec.loader
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = loaded  # dataclasses look their module up there
    spec.loader.exec_module(loaded)
    return loaded


def seconds(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def measure(store: ox.Store, size: int, reps: int, other: ModuleType | None, against: Path | None) -> None:
    """Time ``compute_stats`` (and the other version's), then each named query, interleaved over ``reps`` rounds."""
    base = DEFAULT_BASE_IRI
    ours = describe.compute_stats(store, base)
    runs: dict[str, Callable[[], object]] = {"compute_stats": lambda: describe.compute_stats(store, base)}
    if other is not None and against is not None:
        old_style = "exclude" in inspect.signature(other.compute_stats).parameters  # main's before the .rq files
        kwargs = {"exclude": {description_graph(base)}} if old_style else {}
        theirs = other.compute_stats(store, base, **kwargs)
        same = dict(vars(theirs), period=str(theirs.period)) == dict(vars(ours), period=str(ours.period))
        print(f"same figures as {against}: {same}")
        runs[f"compute_stats ({against.name})"] = lambda: other.compute_stats(store, base, **kwargs)
    distinctions = [c for c in sorted(ours.classes) if c.endswith("#Distinction")]
    for name in ("subjects", "objects", "graphs", "properties", "classes", "period"):
        runs[f"stats-{name}.rq"] = lambda name=name: queries.select(store, f"stats-{name}", base_iri=base)
    runs["stats-example.rq (?c bound)"] = lambda: [
        queries.select(store, "stats-example", base_iri=base, c=c) for c in distinctions
    ]
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(reps):  # interleaved, so that the machine's other work falls on all alike
        for name, run in runs.items():
            times[name].append(seconds(run))
    for name, values in times.items():
        print(f"{size:>9,} {name:<44} median {statistics.median(values):7.3f} s, min {min(values):7.3f} s")
    print(f"load avg {os.getloadavg()[0]:.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000", help="sizes in triples (comma-separated)")
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "awardgraph-stats-speed")
    parser.add_argument("--against", type=Path, help="another version's describe.py, timed on the same store")
    args = parser.parse_args()
    other = module(args.against) if args.against else None
    for size in [int(s) for s in args.sizes.split(",") if s]:
        data = args.out / f"gen-{size}" / "data.trig"
        if not data.exists():
            build_speed.generate(data, size, args.seed)
        store = load([ROOT / "ontology", ROOT / "data", data], DEFAULT_BASE_IRI).store
        print(f"# {size:,} triples generated, {len(store):,} quads loaded; load avg {os.getloadavg()[0]:.1f}")
        measure(store, size, args.reps, other, args.against)


if __name__ == "__main__":
    main()
