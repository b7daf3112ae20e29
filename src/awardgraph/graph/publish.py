"""``awardgraph publish``: validate, then replace the project's named graphs in a remote SPARQL 1.1 store.

Readers of the store never see a half-loaded graph:

1. **check**: load and validate exactly as ``build`` does (:func:`awardgraph.graph.build.check`); bad data stops
   here and nothing is sent.
2. **stage**: every graph is loaded into a fresh staging graph ``urn:awardgraph:staging:<publish-id>:<graph>``
   (SPARQL Update ``INSERT DATA`` in batches, or one Graph Store ``PUT`` per graph). Live graphs are untouched.
3. **verify staging**: the store must hold, in each staging graph, as many triples as the data has.
4. **switch**: ONE SPARQL Update request of ``MOVE GRAPH <staging> TO GRAPH <live>`` for every graph (the
   project's default graph, :func:`awardgraph.store.remote.default_graph_iri`, ``TO DEFAULT`` when the store keeps
   it as its own default graph, ``AWARDGRAPH_DEFAULT_GRAPH=store``), plus
   ``DROP SILENT GRAPH`` for live graphs of the project that the data no longer has. A store that applies an
   update request atomically (Oxigraph, Fuseki/TDB2, GraphDB, Virtuoso in its default transaction mode) switches
   atomically. This request is never retried: sent twice, it would move empty graphs over the new ones.
5. **clean up**: staging graphs left by this or earlier (failed) publishes of the project are dropped.
6. **verify**: the project's graphs in the store hold exactly the local triples, graph by graph.

A failure in 1-3 leaves the live graphs as they were (the staging graphs are dropped when the store still
answers); a failure of 4 is reported with what the store guarantees; a failure in 5-6 is reported too.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

import pyoxigraph as ox
from rdflib import Graph

from awardgraph import __version__
from awardgraph.config import Settings
from awardgraph.graph import defaultgraph, describe
from awardgraph.graph.build import check, description_graph, shapes_graph, to_nquads
from awardgraph.graph.load import Loaded
from awardgraph.store.base import StoreError
from awardgraph.store.http import public_url
from awardgraph.store.remote import RemoteStore, default_graph_iri, open_remote
from awardgraph.store.writing import has_blank

Progress = Callable[[str], None]
Graphs = dict[str, list[ox.Triple]]

STAGING = "urn:awardgraph:staging:"
BLANK_BATCH = 100


class PublishFailed(Exception):
    """Publishing stopped; the message says at which step, why, and in which state the live graphs are."""


@dataclasses.dataclass(frozen=True)
class PublishResult:
    publish_id: str
    endpoint: str
    graphs: int
    triples: int
    removed: list[str]
    seconds: float
    steps: dict[str, float]


def publish(
    settings: Settings, progress: Progress = lambda _: None, *, store: RemoteStore | None = None
) -> PublishResult:
    """Validate the data, then replace the project's graphs in the remote store (see the module docstring)."""
    started = time.perf_counter()
    loaded, validation = check(settings, progress)
    publish_id = new_publish_id()
    remote = store or open_remote(settings)
    try:
        graphs = local_graphs(
            loaded,
            settings.base_iri,
            publish_id,
            shapes=validation.shapes,
            previous=_previous(remote, settings.base_iri),
            contact_email=settings.contact_email,
        )
        return _Publisher(remote, graphs, settings, publish_id, progress).run(started)
    finally:
        if store is None:
            remote.close()


def new_publish_id() -> str:
    """A UTC timestamp with microseconds and the process id: sortable, unique, no ``:``."""
    now = time.time()
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + f".{int(now * 1e6) % 1_000_000:06d}Z"
    return f"{stamp}-{os.getpid()}"


def _previous(remote: RemoteStore, base_iri: str) -> describe.Content | None:
    """What the description already in the store says of its data (for ``dcterms:modified``); ``None`` when there
    is none, or the store does not answer (staging then fails with the message that says so)."""
    try:
        return describe.previous_content(remote, base_iri)
    except StoreError:
        return None


def local_graphs(
    loaded: Loaded,
    base_iri: str,
    publish_id: str,
    *,
    shapes: Graph | None = None,
    previous: describe.Content | None = None,
    contact_email: str | None = None,
) -> Graphs:
    """The validated data's triples per named graph, plus the graphs a build adds to its store: the project's
    default graph (:func:`~awardgraph.store.remote.default_graph_iri`), the dataset description (``{base}dataset``,
    which also identifies the publish for servers: ``dcat:version`` is the publish id, the catalogue's
    ``dcterms:modified`` its time; the dataset's ``dcterms:modified`` is ``previous``'s while the data is the same)
    and the shapes validated with (``{base}shapes``)."""
    nquads = to_nquads(loaded)
    graphs: Graphs = {}
    for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    in_default = defaultgraph.graphs(loaded.store, base_iri)
    # blank nodes get labels of their own: a label in two graphs of one update request is refused by Virtuoso, and a
    # blank node shared by two graphs is one node per graph in a remote store anyway
    graphs[default_graph_iri(base_iri)] = [_own_blanks(t) for g in sorted(in_default) for t in graphs.get(g, [])]
    memory = ox.Store()
    memory.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    described = description_graph(base_iri)
    stats = describe.compute_stats(memory, base_iri)
    built = dt.datetime.now(dt.UTC)
    found = describe.content(describe.fingerprint(loaded.files, base_iri), previous, built)
    description = describe.describe(
        base_iri,
        stats,
        [],
        build_id=publish_id,
        version=__version__,
        built=built,
        content=found,
        contact_email=contact_email,
    )
    text = description.serialize(format="nt", encoding="utf-8")
    graphs[described] = [quad.triple for quad in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)]
    if shapes is not None:
        text = shapes.serialize(format="nt", encoding="utf-8")
        graphs[shapes_graph(base_iri)] = [quad.triple for quad in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)]
    return {graph: triples for graph, triples in sorted(graphs.items()) if triples}


def _own_blanks(t: ox.Triple) -> ox.Triple:
    if not has_blank(t):
        return t
    s, o = (ox.BlankNode(f"d{n.value}") if isinstance(n, ox.BlankNode) else n for n in (t.subject, t.object))
    return ox.Triple(s, t.predicate, o)  # type: ignore[arg-type]


def staging_name(publish_id: str, graph: str) -> str:
    return f"{STAGING}{publish_id}:{graph}"


class _Publisher:
    def __init__(
        self, store: RemoteStore, graphs: Graphs, settings: Settings, publish_id: str, progress: Progress
    ) -> None:
        self.store, self.graphs, self.settings = store, graphs, settings
        self.publish_id, self.say = publish_id, progress
        self.base = settings.base_iri
        self.staging = {g: staging_name(publish_id, g) for g in graphs}
        # the project's default graph: the store's own default graph (store mode), or a named graph (listed mode)
        self.own_default = default_graph_iri(self.base) if settings.default_graph == "store" else None
        self.copy = default_graph_iri(self.base)  # the default graph: a copy of graphs below, not data of its own
        self.staged = sum(len(t) for t in graphs.values())
        self.triples = self.staged - len(graphs.get(self.copy, []))
        self.data_graphs = len(graphs) - (self.copy in graphs)
        self.steps: dict[str, float] = {}

    def run(self, started: float) -> PublishResult:
        where = public_url(self.store.endpoint)
        try:
            live = self.store.graphs(self.base, fresh=True)
        except StoreError as exc:
            raise PublishFailed(f"cannot read the remote store's graphs: {exc}. Nothing was changed.") from None
        self.say(
            f"publishing {self.triples:,} triples in {self.data_graphs} graphs and the default graph "
            f"({len(self.graphs.get(self.copy, [])):,} triples) to {where} "
            f"(publish {self.publish_id}; the store has {len(live)} graphs of this project)"
        )
        try:
            self._timed("stage", self._stage)
            self._timed("verify staging", self._verify_staging)
        except StoreError as exc:
            dropped = self._drop_quietly(list(self.staging.values()))
            tail = "" if dropped else " Staging graphs may be left; the next publish removes them."
            raise PublishFailed(
                f"loading the staging graphs failed: {exc}. The live graphs were not changed.{tail}"
            ) from None
        obsolete = [g for g in live if g not in self.graphs]
        try:
            self._timed("switch", lambda: self._switch(obsolete))
        except StoreError as exc:
            hint = (
                " (AWARDGRAPH_DEFAULT_GRAPH=store moves the project's default graph into the store's own: a store "
                "without one, such as Virtuoso, needs listed)"
                if self.own_default is not None and exc.status == 400
                else ""
            )
            raise PublishFailed(
                f"the switch request failed: {exc}{hint}. A store that applies an update request atomically (see "
                "docs/deployment.md) holds either all the old graphs or all the new ones; publish again to finish."
            ) from None
        self._timed("clean up", self._clean_up)
        self._timed("verify", self._verify_live)
        seconds = time.perf_counter() - started
        return PublishResult(
            self.publish_id, where, self.data_graphs, self.triples, obsolete, seconds, dict(self.steps)
        )

    def _timed(self, step: str, action: Callable[[], None]) -> None:
        started = time.perf_counter()
        action()
        self.steps[step] = time.perf_counter() - started

    # -- 2. stage ------------------------------------------------------------------------------------------------

    def _stage(self) -> None:
        sent_triples = sent_graphs = 0
        if self.store.graph_store:
            for graph, triples in self.graphs.items():
                self.store.replace_graph(self.staging[graph], triples)  # one Graph Store PUT
                sent_triples, sent_graphs = sent_triples + len(triples), sent_graphs + 1
                self._loaded(sent_triples, sent_graphs)
            return
        seen: set[str] = set()
        for batch in batches(self.graphs, self.settings.publish_batch):
            request: dict[str, list[ox.Triple]] = {}
            for graph, triples in batch:
                request.setdefault(self.staging[graph], []).extend(triples)
                seen.add(graph)
            self.store.writer.insert(request)
            sent_triples += sum(len(t) for _, t in batch)
            self._loaded(sent_triples, len(seen))

    def _loaded(self, triples: int, graphs: int) -> None:
        self.say(f"staging: {triples:,}/{self.staged:,} triples, {graphs}/{len(self.graphs)} graphs")

    # -- 3. verify staging ----------------------------------------------------------------------------------------

    def _verify_staging(self) -> None:
        counts = self.store.graph_counts(list(self.staging.values()))
        wrong = [
            f"{g} holds {counts.get(self.staging[g], 0)} (expected {len(t)})"
            for g, t in self.graphs.items()
            if counts.get(self.staging[g], 0) != len(t)
        ]
        if wrong:
            raise StoreError(f"{len(wrong)} staging graph(s) do not hold the data: " + "; ".join(wrong[:5]))
        self.say(f"staging verified: {sum(counts.values()):,} triples in {len(counts)} graphs")

    # -- 4. switch ------------------------------------------------------------------------------------------------

    def _switch(self, obsolete: Sequence[str]) -> None:
        moves = {self.staging[g]: (None if g == self.own_default else g) for g in self.graphs}
        self.store.writer.switch(moves, obsolete)
        gone = f", removed {len(obsolete)} graph(s) the data no longer has" if obsolete else ""
        self.say(f"switched {self.data_graphs} graphs and the default graph in one update request{gone}")

    # -- 5. clean up -----------------------------------------------------------------------------------------------

    def _clean_up(self) -> None:
        try:
            mine = re.compile(rf"{re.escape(STAGING)}[^:]+:{re.escape(self.base)}")
            leftovers = [g for g in self.store.graphs(STAGING, fresh=True) if mine.match(g)]
        except StoreError as exc:
            self.say(f"warning: could not list staging leftovers: {exc}")
            return
        if leftovers and self._drop_quietly(leftovers):
            self.say(f"removed {len(leftovers)} staging graph(s) left by earlier publishes")

    def _drop_quietly(self, graphs: Sequence[str]) -> bool:
        try:
            self.store.writer.drop(graphs)
        except StoreError as exc:
            self.say(f"warning: could not remove staging graphs: {exc}")
            return False
        return True

    # -- 6. verify ------------------------------------------------------------------------------------------------

    def _verify_live(self) -> None:
        try:
            counts = self.store.graph_counts([g for g in self.graphs if g != self.own_default])
            if self.own_default is not None:
                counts[self.own_default] = self.store.default_count()
            extra = sorted(set(self.store.graphs(self.base, fresh=True)) - set(self.graphs))
        except StoreError as exc:
            raise PublishFailed(f"the graphs were switched, but verifying them failed: {exc}") from None
        total = sum(n for g, n in counts.items() if g != self.copy)
        wrong = [g for g, t in self.graphs.items() if counts.get(g, 0) != len(t)]
        if self.own_default in wrong:
            raise PublishFailed(
                f"the graphs were switched, but the store's default graph holds {counts[self.own_default]:,} "
                f"triples where the project's has {len(self.graphs[self.own_default]):,}: a store whose default graph "
                "is the union of its graphs (Oxigraph server with --union-default-graph, Virtuoso, GraphDB) needs "
                "AWARDGRAPH_DEFAULT_GRAPH=listed (docs/deployment.md)"
            )
        if wrong or extra:
            raise PublishFailed(
                f"the graphs were switched, but the store now holds {total:,} triples of this project where the "
                f"data has {self.triples:,} ({len(wrong)} graph(s) differ, {len(extra)} unexpected graph(s), e.g. "
                f"{(wrong + extra)[0]}); is something else writing to these graphs?"
            )
        self.say(
            f"verified: the store holds {total:,} triples in {self.data_graphs} graphs, and the default graph, "
            "as the data"
        )


def batches(graphs: Mapping[str, list[ox.Triple]], size: int) -> Iterator[list[tuple[str, list[ox.Triple]]]]:
    """Groups of (graph, triples) of about ``size`` triples each, one group per Update request.

    Triples without blank nodes are split freely. Triples with blank nodes are kept together by graph and
    connected component (a blank node label means the same node only within one update operation, so all the
    triples of a graph that share one must travel together) and sent in smaller groups of about
    :data:`BLANK_BATCH`, because they go as ``INSERT { … } WHERE { }``, which Virtuoso compiles to SQL text of
    bounded length. A blank node shared by two graphs becomes one node per graph in the remote store.
    """
    plain: list[tuple[str, ox.Triple]] = []
    blank: list[tuple[str, ox.Triple]] = []
    for graph, triples in graphs.items():
        for t in triples:
            (blank if has_blank(t) else plain).append((graph, t))
    yield from _pack([[quad] for quad in plain], size)
    yield from _pack(_components(blank), min(size, BLANK_BATCH))


def _components(quads: list[tuple[str, ox.Triple]]) -> list[list[tuple[str, ox.Triple]]]:
    """The quads grouped so that quads sharing a blank node are in the same group (union-find)."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for graph, t in quads:
        nodes = [f"{graph} {n.value}" for n in (t.subject, t.object) if isinstance(n, ox.BlankNode)]
        for other in nodes[1:]:
            parent[find(other)] = find(nodes[0])
    groups: dict[str, list[tuple[str, ox.Triple]]] = {}
    for quad in quads:
        t = quad[1]
        first = t.subject if isinstance(t.subject, ox.BlankNode) else t.object
        assert isinstance(first, ox.BlankNode)
        groups.setdefault(find(f"{quad[0]} {first.value}"), []).append(quad)
    return list(groups.values())


def _pack(groups: Iterable[list[tuple[str, ox.Triple]]], size: int) -> Iterator[list[tuple[str, list[ox.Triple]]]]:
    batch: dict[str, list[ox.Triple]] = {}
    filled = 0
    for group in groups:
        if batch and filled + len(group) > size:
            yield list(batch.items())
            batch, filled = {}, 0
        for graph, t in group:
            batch.setdefault(graph, []).append(t)
        filled += len(group)
    if batch:
        yield list(batch.items())
