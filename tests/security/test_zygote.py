"""The zygote: its in-memory copy answers as the store on disk does, a new build is copied while the old is
dropped, a build over the limit is never copied, exit statuses reach the worker, and it ends with its parent."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_query_pool import gone, job, parent_of, running_zygote, wait_for

from awardgraph.config import Settings
from awardgraph.store.oxigraph import STORE_FOLDER
from awardgraph.store.results import Formats
from awardgraph.store.sandbox.pool import QueryPool
from awardgraph.store.sandbox.zygote import has_copy, spawn

pytestmark = pytest.mark.slow
NTRIPLES = "application/n-triples"
QUERIES = [
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "SELECT ?s ?label WHERE { ?s rdfs:label ?label FILTER(CONTAINS(LCASE(?label), 'lub')) } ORDER BY ?s ?label",
    "SELECT ?b ?p ?o WHERE { ?b ?p ?o FILTER(isBlank(?b)) } ORDER BY ?b ?p ?o",  # blank nodes keep their names
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
]


@pytest.fixture(scope="module")
def current(settings: Settings) -> Path:
    return (settings.store / "current").resolve()


def answers(pool: QueryPool, store: str) -> list[bytes]:
    prefixes = {"rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
    formats = Formats(table="application/sparql-results+json", graph=NTRIPLES)
    out = []
    for query in QUERIES:
        body = pool.run(job(store, query, prefixes=prefixes, formats=formats, max_rows=10**7), timeout=60).body
        out.append(b"\n".join(sorted(body.splitlines())) if query.startswith("CONSTRUCT") else body)
    return out


def test_the_copy_answers_as_the_disk_does(settings: Settings, current: Path, tmp_path: Path) -> None:
    store = str(current / STORE_FOLDER)
    disk = QueryPool(size=1, long_after=30.0, wait=5.0)
    with running_zygote(settings.store, tmp_path) as (socket, zygote):
        assert wait_for(lambda: has_copy(socket, store))
        memory = QueryPool(size=1, long_after=30.0, wait=5.0, zygote=socket)
        try:
            expected, got = answers(disk, store), answers(memory, store)
            assert all(parent_of(pid) == zygote.pid for pid in memory.pids())
            assert json.loads(expected[0])["results"]["bindings"][0]["n"]["value"] != "0"
            assert got == expected
        finally:
            disk.close()
            memory.close()


def test_exit_statuses_reach_the_worker(settings: Settings, current: Path, tmp_path: Path) -> None:
    store = str(current / STORE_FOLDER)
    with running_zygote(settings.store, tmp_path) as (socket, _):
        assert wait_for(lambda: has_copy(socket, store))
        process = spawn(socket, store, memory_mib=0, network=False)
        assert process is not None and process.forked
        assert json.loads(process.receive(time.monotonic() + 10))["status"] == "ready"
        os.kill(process.pid, signal.SIGSEGV)
        assert wait_for(lambda: gone(process.pid), 10)  # reaped by the zygote
        assert process.kill() == -signal.SIGSEGV  # which wrote how it ended


def test_a_new_build_is_copied_and_the_old_copy_dropped(settings: Settings, current: Path, tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "builds").mkdir(parents=True)
    old, new = root / "builds" / "old", root / "builds" / "new"
    shutil.copytree(current, old)
    shutil.copytree(current, new)
    (root / "current").symlink_to(Path("builds") / "old")
    with running_zygote(root, tmp_path) as (socket, _):
        assert wait_for(lambda: has_copy(socket, str(old / STORE_FOLDER)))
        assert not has_copy(socket, str(new / STORE_FOLDER))  # not current: not copied
        (root / "next").symlink_to(Path("builds") / "new")
        (root / "next").rename(root / "current")
        assert spawn(socket, str(new / STORE_FOLDER), memory_mib=0, network=False) is None  # loading: not here yet
        assert wait_for(lambda: has_copy(socket, str(new / STORE_FOLDER)))
        assert not has_copy(socket, str(old / STORE_FOLDER))  # one copy at a time
        pool = QueryPool(size=1, long_after=30.0, wait=5.0, zygote=socket)
        try:
            count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
            assert pool.run(job(str(new / STORE_FOLDER), count), timeout=30).count == 1
        finally:
            pool.close()


def test_a_build_over_the_limit_is_not_copied(settings: Settings, current: Path, tmp_path: Path) -> None:
    store = str(current / STORE_FOLDER)
    with running_zygote(settings.store, tmp_path, limit=10) as (socket, _):
        pool = QueryPool(size=1, long_after=30.0, wait=5.0, zygote=socket)
        try:
            assert pool.run(job(store, "ASK { ?s ?p ?o }"), timeout=30).body  # answered from the disk
            time.sleep(1.0)
            assert not has_copy(socket, store)
            assert all(parent_of(pid) == os.getpid() for pid in pool.pids())
        finally:
            pool.close()


def test_the_zygote_ends_with_its_parent(settings: Settings, tmp_path: Path) -> None:
    socket = str(tmp_path / "zygote.sock")
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from awardgraph.store.sandbox.zygote import start\n"
        "print(start(Path(sys.argv[1]), sys.argv[2], limit=10_000_000).pid, flush=True)\n"
    )
    argv = [sys.executable, "-c", script, str(settings.store), socket]
    pid = int(subprocess.run(argv, capture_output=True, text=True, timeout=60, check=True).stdout)
    assert wait_for(lambda: gone(pid), 10)
