"""Which source the app serves: the current build of a store directory (:mod:`awardgraph.web.state`) or what
``publish`` put in a remote store (:mod:`awardgraph.web.published`); the one module that knows both."""

from __future__ import annotations

import functools

from awardgraph.config import Settings
from awardgraph.store.opening import StoreOpener
from awardgraph.web.published import RemoteSource
from awardgraph.web.state import LocalSource, Source, open_build


def open_source(settings: Settings, stores: StoreOpener) -> Source:
    """The source the settings name: a remote store (``AWARDGRAPH_ENDPOINT``) or a store directory, its stores
    opened by ``stores`` (with the worker's pool of user-query processes)."""
    if settings.endpoint:
        return RemoteSource.from_settings(settings, stores.remote())
    return LocalSource(settings.store, functools.partial(open_build, open_store=stores.embedded))
