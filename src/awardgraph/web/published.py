"""The site source of a remote SPARQL store: what ``awardgraph publish`` put there, read back from the store.

A publish switches all of the project's graphs in one update, among them the dataset description ``{base}dataset``
(whose ``dcat:version`` is the publish id, its catalogue's ``dcterms:modified`` the time) and the shapes
``{base}shapes``. So the store itself says which data it holds: :class:`RemoteSource` asks it (``build-info.rq``) at
most once every ``AWARDGRAPH_REMOTE_REFRESH`` seconds per process, and when the publish id changes it starts a new
:class:`PublishedBuild` (new ``ETag``\\ s, fresh memos: labels, classes, counts). Between two checks, requests are
answered from the build it knows, and a conditional request for an unchanged page costs no query at all.

There are no dump files: ``/dumps/`` answers 404 and says where the data is (``/sparql``, the documents).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time

import pyoxigraph as ox

from awardgraph import queries
from awardgraph.builds import description_graph, shapes_graph
from awardgraph.config import Settings
from awardgraph.namespaces import prefixes
from awardgraph.store.remote import RemoteStore, open_remote
from awardgraph.web.state import Build, NoBuild


@dataclasses.dataclass(kw_only=True)
class PublishedBuild(Build):
    """What one publish put in the store; the description and shapes are the store's graphs, in Turtle."""

    base_iri: str

    def description_turtle(self) -> bytes:
        return self.memo("description-turtle", lambda: self._turtle("dataset"))

    def shapes_turtle(self) -> bytes | None:
        return self.memo("shapes-turtle", lambda: self._turtle("shapes") or None)

    def _turtle(self, query: str) -> bytes:
        """A named graph in Turtle: blank nodes canonically labelled and statements sorted, so that every app
        node serves the same bytes under the same ``ETag``."""
        found = ox.Dataset(
            ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
            for t in queries.construct(self.store, query, base_iri=self.base_iri)
        )
        if not len(found):
            return b""
        found.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        triples = sorted((q.triple for q in found), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
        names = {k: v for k, v in prefixes(self.base_iri).items() if k not in ("id", "g")}
        iris = {str(term.value) for t in triples for term in (t.subject, t.predicate, t.object)}
        used = {k: v for k, v in names.items() if any(iri.startswith(v) for iri in iris)}
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=used) or b""


class RemoteSource:
    """The data a remote store holds for the base IRI, checked again every ``refresh`` seconds."""

    def __init__(self, store: RemoteStore, base_iri: str, *, refresh: float = 10.0) -> None:
        self.store, self.base_iri, self.refresh = store, base_iri, refresh
        self._build: PublishedBuild | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, store: RemoteStore | None = None) -> RemoteSource:
        """The source of ``settings.endpoint``, read through ``store`` if given (a server worker's, with its pool)."""
        return cls(store or open_remote(settings), settings.base_iri, refresh=settings.remote_refresh)

    def current(self) -> Build:
        """The published data; :class:`NoBuild` when the store holds none for the base IRI, and the store's
        error (:class:`~awardgraph.store.base.StoreUnavailable` when it cannot be reached) when it cannot say."""
        build = self._build
        if build is not None and time.monotonic() - self._checked < self.refresh:
            return build
        with self._lock:
            if self._build is not None and time.monotonic() - self._checked < self.refresh:
                return self._build
            rows = queries.select(self.store, "build-info", base_iri=self.base_iri)
            if not rows or rows[0]["version"] is None:
                raise NoBuild(
                    f"the SPARQL store holds no data published for {self.base_iri} (no graph "
                    f"<{description_graph(self.base_iri)}>); run 'awardgraph publish'"
                )
            version = str(rows[0]["version"].value)
            if self._build is None or self._build.id != version:
                self.store.forget_graphs()  # a publish may have added or removed graphs
                self._build = self._open(version, rows[0])
            self._checked = time.monotonic()
            return self._build

    def _open(self, version: str, row: ox.QuerySolution) -> PublishedBuild:
        built = _time(row["modified"])
        triples = int(row["triples"].value) if isinstance(row["triples"], ox.Literal) else None
        meta = {description_graph(self.base_iri), shapes_graph(self.base_iri)}
        graphs = [r["g"] for r in queries.select(self.store, "graphs", base_iri=self.base_iri)]
        manifest: dict[str, object] = {
            "build": version,
            "built": built.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "base_iri": self.base_iri,
            "triples": triples,
            "quads": triples,  # every statement of the data is in exactly one named graph
            "graphs": sum(1 for g in graphs if isinstance(g, ox.NamedNode) and g.value not in meta),
            "dumps": {},
        }
        return PublishedBuild(id=version, store=self.store, manifest=manifest, built=built, base_iri=self.base_iri)


def _time(term: object) -> dt.datetime:
    """A ``dcterms:modified`` value as an aware UTC time to the second (now, if it is not a time)."""
    text = str(getattr(term, "value", ""))
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        parsed = dt.datetime.now(dt.UTC)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    return parsed.astimezone(dt.UTC).replace(microsecond=0)
