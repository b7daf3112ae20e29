"""How one server worker opens its stores: every store it opens answers users' queries with the worker's one pool
of query processes (:mod:`awardgraph.store.sandbox`), whichever build or remote store it serves. The web layer holds
a :class:`StoreOpener` and never the pool itself."""

from __future__ import annotations

from pathlib import Path

from awardgraph.config import Settings
from awardgraph.store.oxigraph import EmbeddedStore
from awardgraph.store.remote import RemoteStore, open_remote
from awardgraph.store.sandbox.pool import for_server


class StoreOpener:
    """Opens the stores of one server worker (``runtime``: the folder the server's workers share, or ``None`` for
    an app of its own, as in tests)."""

    def __init__(self, settings: Settings, runtime: Path | None = None) -> None:
        self.settings = settings
        self.pool = for_server(settings, runtime)

    def embedded(self, build: Path) -> EmbeddedStore:
        """The finished build in ``build``, read-only."""
        return EmbeddedStore(build, pool=self.pool)

    def remote(self) -> RemoteStore:
        """The remote store of ``settings.endpoint``."""
        return open_remote(self.settings, pool=self.pool)

    def close(self) -> None:
        """Stop the worker's query processes (the stores opened are not used after)."""
        self.pool.close()
