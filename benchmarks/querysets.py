"""The benchmark queries: ``benchmarks/queries/*.rq``, each with a header saying what it is and how it is run.

    # title: 3-way join (awards of a city in a year)
    # group: site | research
    # weight: light | heavy           (the issue's targets differ for the two)
    # params: join                    (the list in params.json whose entries fill ${name} placeholders)
    # ordered: yes | no               (compare rows in order, or as a multiset)

``${base}`` is the data's base IRI. Placeholders are filled with ``string.Template``, so a query must not use
``$name`` variables (write ``?name``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

FOLDER = Path(__file__).resolve().parent / "queries"
# Light before heavy; what rdflib-endpoint may never finish at 1M (groupby, the site's describe query) comes last,
# so that a server stopped after a timeout has answered everything else first.
ORDER = ("describe", "inbound", "ask", "join", "search", "text", "list", "paged", "export", "groupby", "describe-site")


@dataclass(frozen=True)
class Query:
    name: str
    title: str
    group: str
    weight: str
    params: str
    ordered: bool
    template: str

    @property
    def graph(self) -> bool:
        """Whether the answer is RDF (CONSTRUCT/DESCRIBE) rather than a result set."""
        body = re.sub(r"(?m)^\s*(#|PREFIX).*$", "", self.template)
        return body.lstrip().upper().startswith(("CONSTRUCT", "DESCRIBE"))

    def render(self, values: dict[str, object], base: str) -> str:
        return Template(self.template).substitute({"base": base, **{k: str(v) for k, v in values.items()}})


def parse(path: Path) -> Query:
    header: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines:
        found = re.match(r"#\s*(title|group|weight|params|ordered):\s*(.+)$", line)
        if found:
            header[found.group(1)] = found.group(2).strip()
    missing = {"title", "group", "weight", "params", "ordered"} - header.keys()
    if missing:
        raise ValueError(f"{path.name}: header lacks {', '.join(sorted(missing))}")
    return Query(
        name=path.stem,
        title=header["title"],
        group=header["group"],
        weight=header["weight"],
        params=header["params"],
        ordered=header["ordered"] == "yes",
        template="\n".join(lines) + "\n",
    )


def load(names: list[str] | None = None) -> list[Query]:
    """The queries, light before heavy, in a fixed order (``names`` keeps only those)."""
    found = {q.name: q for q in map(parse, sorted(FOLDER.glob("*.rq")))}
    order = [n for n in ORDER if n in found] + sorted(set(found) - set(ORDER))
    return [found[n] for n in order if names is None or n in names]
