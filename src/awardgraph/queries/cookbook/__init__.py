"""The SPARQL cookbook: worked questions a migration-policy researcher asks of this graph, one ``.rq`` file each in
``queries/cookbook/``, with a title and an explanation in Polish and English in its header comments::

    # title@en: ...
    # title@pl: ...
    # description@en: ...
    # description@pl: ...

The files are what ``/queries`` shows and what the test suite runs against its expected answers, so the page
never shows a query whose answer was not checked.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.resources
import re

_HEADER = re.compile(r"^# (title|description)@(en|pl): (.+)$")


@dataclasses.dataclass(frozen=True)
class Recipe:
    """One worked question."""

    slug: str
    titles: dict[str, str]
    descriptions: dict[str, str]
    text: str  # the whole file

    @property
    def sparql(self) -> str:
        """The query without its header comments (what the editor is opened with)."""
        lines = self.text.splitlines()
        return "\n".join(line for line in lines if not _HEADER.match(line)).strip() + "\n"

    def for_editor(self, lang: str) -> str:
        """The query headed by its title in ``lang``."""
        return f"# {self.titles[lang]}\n{self.sparql}"


class BadRecipe(ValueError):
    """A cookbook file without a title and an explanation in both languages."""


def parse(slug: str, text: str) -> Recipe:
    """A recipe from its file's text.

    >>> r = parse("x", "# title@en: Who?\\n# title@pl: Kto?\\n# description@en: A.\\n# description@pl: B.\\nASK {}")
    >>> r.titles["pl"], r.sparql, r.for_editor("en")
    ('Kto?', 'ASK {}\\n', '# Who?\\nASK {}\\n')
    """
    found: dict[str, dict[str, str]] = {"title": {}, "description": {}}
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match:
            found[match[1]][match[2]] = match[3].strip()
    for kind, texts in found.items():
        if set(texts) != {"en", "pl"}:
            raise BadRecipe(f"cookbook/{slug}.rq needs a {kind} in en and pl, has {sorted(texts)}")
    return Recipe(slug, found["title"], found["description"], text)


@functools.cache
def recipes() -> tuple[Recipe, ...]:
    """Every recipe, in file-name order."""
    folder = importlib.resources.files("awardgraph.queries").joinpath("cookbook")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".rq")), key=lambda f: f.name)
    return tuple(parse(f.name.removesuffix(".rq"), f.read_text(encoding="utf-8")) for f in files)


def by_slug(slug: str) -> Recipe | None:
    return next((r for r in recipes() if r.slug == slug), None)
