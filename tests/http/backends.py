"""The stores the HTTP tests run against: the embedded store of a build, and real remote stores.

Every test that asks for ``client`` (or ``app``, ``backend``) runs once per backend:

- ``embedded``: ``awardgraph build`` into a temporary store directory, served from it;
- ``oxigraph``: Oxigraph server (PyPI ``oxigraph``), whose default graph is a graph of its own, the data put there
  by ``awardgraph publish``, served with ``Settings(endpoint=...)`` and ``default_graph="store"`` (publish moves
  the project's default graph into the store's);
- ``virtuoso``: Virtuoso Open Source 7 (Debian), the same, with ``default_graph="listed"`` (its default graph is
  every graph, its own system graphs too: the project's default graph stays a named graph the app names).

The servers run on 127.0.0.1 in scratch directories for the whole session and are stopped by their PIDs. A
server that is not installed skips its variants with the reason, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

from tests.integration.servers import Server, start_server

from awardgraph.config import Settings
from awardgraph.graph.publish import publish

BACKENDS = ("embedded", "oxigraph", "virtuoso")
DEFAULT_GRAPH = {"oxigraph": "store", "virtuoso": "listed"}


@dataclasses.dataclass(frozen=True)
class Backend:
    """One store serving the test data: the settings to build the app with, and what identifies the data."""

    kind: str
    settings: Settings
    build_id: str
    triples: int

    @property
    def remote(self) -> bool:
        return self.kind != "embedded"


def running(kind: str, folder: Path) -> Iterator[Server]:
    server = start_server(kind, folder)
    try:
        yield server
    finally:
        server.stop()


def published(server: Server, local: Settings, triples: int, *, default_graph: str | None = None) -> Backend:
    """``local``'s data published to ``server`` under its base IRI, and settings serving it from there
    (``triples``: how many the data has, as its build counted them)."""
    settings = server.settings(
        local.base_iri,
        data=local.data,
        shapes=local.shapes,
        default_graph=default_graph or DEFAULT_GRAPH[server.name],
        store=local.store,
    )
    result = publish(settings)
    return Backend(server.name, settings, result.publish_id, triples)
