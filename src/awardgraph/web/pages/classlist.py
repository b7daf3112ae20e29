"""The classes of the things under ``{base}id/``, each with its list page: what the home page, the list pages
(:mod:`awardgraph.web.pages.lists`) and the sitemap share. A local build answers from the list index it wrote
(:class:`awardgraph.indexes.ListIndex`), a remote store from ``queries/classes.rq``.

This module reads no request and no app state (the base IRI is an argument), so the home page's module
(:mod:`awardgraph.web.site`, whose accessors every view uses) and the list pages can both import it without
importing each other.
"""

from __future__ import annotations

import dataclasses

from awardgraph import indexes, queries
from awardgraph.namespaces import prefixes
from awardgraph.web import paths
from awardgraph.web.state import Build, LocalBuild


@dataclasses.dataclass(frozen=True)
class ListedClass:
    iri: str
    slug: str
    count: int

    @property
    def path(self) -> str:
        return f"{paths.LIST}{self.slug}"


def classes(build: Build, base_iri: str) -> dict[str, ListedClass]:
    """Every class of the things under ``{base}id/``, by slug, most members first (once per build)."""

    def compute() -> dict[str, ListedClass]:
        found: dict[str, ListedClass] = {}
        index = list_index(build)
        if index is not None:
            counted = index.classes()
        else:
            counted = [
                (str(row["class"].value), int(row["n"].value))
                for row in queries.select(build.store, "classes", base_iri=base_iri)
            ]
        for iri, count in counted:
            slug = stem = paths.class_slug(iri, prefixes(base_iri))
            number = 1
            while slug in found:  # two classes with the same CURIE words: keep both, stably
                number += 1
                slug = f"{stem}-{number}"
            found[slug] = ListedClass(iri, slug, count)
        return found

    return build.memo("list-classes", compute)


def list_index(build: Build) -> indexes.ListIndex | None:
    """The list index the build wrote (pages are slices of it); ``None`` for a remote store or an older build,
    whose pages are sorted by ``list.rq`` instead."""
    folder = build.path if isinstance(build, LocalBuild) else None
    return build.memo("list-index", lambda: indexes.ListIndex.open(folder) if folder is not None else None)
