"""The store dies (SIGKILL) while ``awardgraph publish`` runs: the live graphs stay whole, the CLI says why.

A real ``awardgraph publish`` process loads a generated 50,000-triple dataset over a published mini dataset.
The server is killed at a chosen moment, then restarted on the same directory. The project's graphs must then
be exactly the old ones or exactly the new ones, never a mix, and a second publish must finish the job.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from awardgraph.config import Settings
from awardgraph.graph.load import load
from awardgraph.graph.publish import STAGING, local_graphs, publish
from awardgraph.graph.validate import load_shapes
from awardgraph.store.remote import default_graph_iri, open_remote
from tests.conftest import MINI_DATA, MINI_SHAPES
from tests.integration.generated import generate
from tests.integration.servers import Server, start_server

pytestmark = pytest.mark.slow

#: after which progress line the server is killed: while staging is loading, or as the switch request is sent
MOMENTS = {"staging": "staging: ", "switch": "staging verified"}


@pytest.fixture(params=["oxigraph", "virtuoso"])
def own_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    """A server for this test alone (it gets killed)."""
    server = start_server(str(request.param), tmp_path / str(request.param))
    try:
        yield server
    finally:
        server.stop()


def _state(settings: Settings) -> dict[str, int]:
    store = open_remote(settings)
    try:
        counts = store.graph_counts(store.graphs(settings.base_iri, fresh=True))
        copy = default_graph_iri(settings.base_iri)  # the project's default graph: the store's own, or named
        in_default = (
            store.default_count() if settings.default_graph == "store" else store.graph_counts([copy]).get(copy)
        )
        return {**counts, copy: in_default} if in_default else counts
    finally:
        store.close()


def _command(settings: Settings, data: Path) -> list[str]:
    command = [sys.executable, "-m", "awardgraph", "publish", "--base-iri", settings.base_iri]
    command += ["--endpoint", str(settings.endpoint), "--data", str(data), "--shapes", str(MINI_SHAPES[0])]
    command += ["--publish-batch", "5000"]
    if settings.update_endpoint:
        command += ["--update-endpoint", settings.update_endpoint]
    if settings.auth_user:
        command += ["--auth-user", settings.auth_user, "--auth-password-env", "AG_TEST_PASSWORD"]
    return command


@pytest.mark.parametrize("moment", sorted(MOMENTS))
def test_killing_the_store_mid_publish_leaves_old_or_new_graphs_never_a_mix(
    own_server: Server, moment: str, base_iri: str, tmp_path: Path
) -> None:
    settings = own_server.settings(base_iri, data=MINI_DATA, shapes=MINI_SHAPES)
    publish(settings)
    old = _state(settings)
    data = tmp_path / "generated.trig"
    generate(data, graphs=40, cities_per_graph=416)  # 50,040 triples: 10 staging requests of 5,000
    shapes = load_shapes(MINI_SHAPES, base_iri)  # publish carries the shapes as the graph {base}shapes
    new = {g: len(t) for g, t in local_graphs(load([data], base_iri), base_iri, "any", shapes=shapes).items()}

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "AG_TEST_PASSWORD": own_server.password or ""}
    process = subprocess.Popen(_command(settings, data), stderr=subprocess.PIPE, text=True, env=env)
    assert process.stderr is not None
    seen: list[str] = []
    for line in process.stderr:
        seen.append(line)
        if MOMENTS[moment] in line:
            own_server.kill()
            break
    rest = process.stderr.read()
    process.stderr.close()
    code = process.wait(timeout=300)
    err = "".join(seen) + rest
    assert own_server.process is not None and own_server.process.returncode is not None, f"never killed: {err}"
    if moment == "staging":
        assert code == 2, err
        assert "publish failed: loading the staging graphs failed" in err
        assert "cannot reach the store" in err and "The live graphs were not changed." in err
    else:  # the switch request may have been applied before the kill, or not
        assert code in (0, 2), err
        if code == 2:
            assert "publish failed" in err and "cannot reach the store" in err
    assert "Traceback" not in err

    own_server.start()  # the same directory: recovery after a crash
    after = _state(settings)
    assert after in (old, new), f"a mix after a kill at {moment}: {len(after)} graphs, {sum(after.values())} triples"

    publish(settings.replace(data=(data,), publish_batch=20_000))
    assert _state(settings) == new
    store = open_remote(settings)
    try:
        assert not [g for g in store.graphs(STAGING, fresh=True) if base_iri in g]
    finally:
        store.close()
