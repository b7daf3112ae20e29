"""SPARQLWrapper or requests on the serving path: the same queries through :class:`RemoteStore` with each client,
against a real Oxigraph server (and, with ``--servers oxigraph,virtuoso``, Virtuoso's Digest-protected endpoint)
started here on 127.0.0.1 with the repository's data published into it. Prints milliseconds per query, median and
90th percentile, the two clients taking turns so that the machine's load falls on both alike.

    .venv/bin/python benchmarks/sparql_clients.py [--rounds 200] [--servers oxigraph]

The servers are the integration tests' own (tests/integration/servers.py): free ports, a scratch directory each,
stopped by PID at the end. Not part of the test suite: timings are figures, not assertions.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.integration.servers import start_server  # noqa: E402

from awardgraph.config import DEFAULT_BASE_IRI  # noqa: E402
from awardgraph.graph.publish import publish  # noqa: E402
from awardgraph.store.remote import ClientKind, RemoteStore, open_remote  # noqa: E402

CLIENTS: tuple[ClientKind, ...] = ("requests", "sparqlwrapper")
THING = f"{DEFAULT_BASE_IRI}id/place/lublin"
QUERIES = {  # what pages ask: a round trip, a document's statements, a list, an aggregate over everything
    "ASK {}": "ASK {}",
    "labels of one thing": f"SELECT ?l WHERE {{ <{THING}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}",
    "a document (CONSTRUCT)": f"CONSTRUCT {{ <{THING}> ?p ?o }} WHERE {{ GRAPH ?g {{ <{THING}> ?p ?o }} }}",
    "DESCRIBE (SELECT + CONSTRUCT)": f"DESCRIBE <{THING}>",
    "GROUP BY over everything": "SELECT ?p (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?p",
    "every triple (CONSTRUCT)": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
}


def measure(stores: dict[ClientKind, RemoteStore], rounds: int) -> dict[tuple[str, ClientKind], list[float]]:
    """Milliseconds of each query with each client; the clients take turns, first one then the other."""
    times: dict[tuple[str, ClientKind], list[float]] = {}
    for name, sparql in QUERIES.items():
        for store in stores.values():
            _run(store, sparql)  # warm-up
        for n in range(rounds):
            order = CLIENTS if n % 2 == 0 else CLIENTS[::-1]
            for kind in order:
                started = time.perf_counter()
                _run(stores[kind], sparql)
                times.setdefault((name, kind), []).append((time.perf_counter() - started) * 1000)
    return times


def _run(store: RemoteStore, sparql: str) -> None:
    result = store.query(sparql)
    if not isinstance(result, ox.QueryBoolean):
        for _ in result:
            pass


def report(server: str, times: dict[tuple[str, ClientKind], list[float]]) -> None:
    print(f"\n{server}: milliseconds, median / 90th percentile")
    print(f"| query | {' | '.join(CLIENTS)} | sparqlwrapper / requests (median) |")
    print(f"|---|{'---|' * len(CLIENTS)}---|")
    for name in QUERIES:
        cells = []
        for kind in CLIENTS:
            values = sorted(times[(name, kind)])
            cells.append(f"{statistics.median(values):.2f} / {values[int(len(values) * 0.9)]:.2f}")
        ratio = statistics.median(times[(name, "sparqlwrapper")]) / statistics.median(times[(name, "requests")])
        print(f"| {name} | {' | '.join(cells)} | {ratio:.2f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--servers", default="oxigraph")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        for kind in args.servers.split(","):
            server = start_server(kind, Path(scratch) / kind)
            try:
                settings = server.settings(DEFAULT_BASE_IRI)
                published = publish(settings)
                print(f"{kind}: published {published.triples:,} triples in {published.seconds:.1f} s")
                stores = {c: open_remote(settings, client=c) for c in CLIENTS}
                try:
                    report(
                        f"{kind} ({settings.endpoint.split('/')[-1] if settings.endpoint else ''})",
                        measure(stores, args.rounds),
                    )
                finally:
                    for store in stores.values():
                        store.close()
            finally:
                server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
