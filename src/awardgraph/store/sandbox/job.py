"""The one message between a worker's pool and its query processes: a :class:`Job`, written as a JSON line by the
pool (:meth:`Job.message`) and read back into the same type by the process (:meth:`Job.read`). Light on purpose:
a query process imports it before anything else."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from awardgraph.store.base import UserQuery
from awardgraph.store.results import Formats


@dataclasses.dataclass(frozen=True)
class Job:
    """One user query with everything its process needs to run and serialize it."""

    store: str
    query: str
    base_iri: str
    prefixes: dict[str, str]
    formats: Formats
    max_rows: int
    max_triples: int
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    parse_only: bool = False  # parse and plan the query, do not run it (``store``: ``executor.PARSE_ONLY``)

    @classmethod
    def of(cls, request: UserQuery, store: str, *, parse_only: bool = False) -> Job:
        """The job of a user's query over the store at ``store`` (``executor.PARSE_ONLY``: none, parse only)."""
        return cls(
            store=store,
            query=request.query,
            base_iri=request.base_iri,
            prefixes=dict(request.prefixes),
            formats=request.formats,
            max_rows=request.limits.rows,
            max_triples=request.limits.triples,
            default_graphs=request.default_graphs,
            named_graphs=request.named_graphs,
            parse_only=parse_only,
        )

    def message(self, timeout: float) -> bytes:
        """The job and its time limit (seconds from now) as one frame for the process."""
        # shallow on purpose: ``dataclasses.asdict`` deep-copies the prefixes, a measurable share of a quick query
        fields: dict[str, Any] = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        fields["formats"] = dataclasses.asdict(self.formats)
        fields["timeout"] = timeout
        return json.dumps(fields).encode("utf-8")

    @classmethod
    def read(cls, frame: bytes) -> tuple[Job, float]:
        """The job of a frame :meth:`message` wrote, and its time limit.

        >>> job = Job("s", "ASK {}", "http://e/", {}, Formats(), 1, 1, default_graphs=("http://e/g",))
        >>> Job.read(job.message(2.5)) == (job, 2.5)
        True
        """
        fields = json.loads(frame)
        timeout = float(fields.pop("timeout"))
        fields["formats"] = Formats(**fields["formats"])
        for name in ("default_graphs", "named_graphs"):
            if fields[name] is not None:
                fields[name] = tuple(fields[name])
        return cls(**fields), timeout
