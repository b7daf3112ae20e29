"""``DESCRIBE`` on a remote store, made to answer what the embedded store answers.

SPARQL leaves the triples of ``DESCRIBE`` to the store, and stores differ: Oxigraph gives the *concise bounded
description* (every statement with the resource as subject, and recursively the statements of the blank nodes
they reach), Virtuoso by default only the resource's own statements, other stores their own choice. The remote
adapter therefore never sends ``DESCRIBE``: it runs the query's pattern as a ``SELECT`` of the resources to
describe (:func:`awardgraph.store.sparqltext.describe_as_select`), then fetches their concise bounded
descriptions with ``CONSTRUCT`` queries, following blank nodes as deep as they go (:data:`DEPTHS`).

Resources bound to blank nodes cannot be named in a second query and are not described.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import pyoxigraph as ox

from awardgraph.store import sparqltext

DEPTHS = (3, 8, 32)  # levels of blank nodes fetched; deeper only when the shallower answer was cut
CHUNK = 100  # resources per CONSTRUCT request

Select = Callable[[str], ox.QuerySolutions]
Construct = Callable[[str], Iterable[ox.Triple]]


def describe(sparql: str, select: Select, construct: Construct) -> list[ox.Triple]:
    """The concise bounded descriptions of the IRIs the ``DESCRIBE`` query names or finds.

    ``select`` and ``construct`` run a query text against the store with the query's own options and dataset.
    """
    plan = sparqltext.describe_as_select(sparql)
    solutions = select(plan.select)
    names = plan.variables or tuple(v.value for v in solutions.variables)
    targets: dict[ox.NamedNode, None] = {}
    for row in solutions:
        for name in names:
            term = row[name]
            if isinstance(term, ox.NamedNode):
                targets[term] = None
    found: set[ox.Triple] = set()
    resources = list(targets)
    for start in range(0, len(resources), CHUNK):
        found |= closure(resources[start : start + CHUNK], construct)
    return list(found)


def closure(resources: Sequence[ox.NamedNode], construct: Construct) -> set[ox.Triple]:
    """The statements of ``resources`` and, recursively, of the blank nodes they reach."""
    triples: set[ox.Triple] = set()
    for depth in DEPTHS:
        triples = set(construct(cbd_query(resources, depth)))
        if not cut(triples, resources, depth):
            break
    return triples


def cbd_query(resources: Sequence[ox.NamedNode], depth: int) -> str:
    """A ``CONSTRUCT`` of the statements of ``resources`` and of blank nodes up to ``depth`` levels below them.

    >>> print(cbd_query([ox.NamedNode("http://e.org/a")], 1))
    CONSTRUCT { ?r ?p0 ?o0 . ?o0 ?p1 ?o1 . }
    WHERE { VALUES ?r { <http://e.org/a> } ?r ?p0 ?o0 . OPTIONAL { FILTER(isBlank(?o0)) ?o0 ?p1 ?o1 . } }
    """
    template = " ".join(["?r ?p0 ?o0 .", *(f"?o{i - 1} ?p{i} ?o{i} ." for i in range(1, depth + 1))])
    nested = ""
    for i in range(depth, 0, -1):
        nested = f" OPTIONAL {{ FILTER(isBlank(?o{i - 1})) ?o{i - 1} ?p{i} ?o{i} .{nested} }}"
    values = " ".join(str(r) for r in resources)
    return f"CONSTRUCT {{ {template} }}\nWHERE {{ VALUES ?r {{ {values} }} ?r ?p0 ?o0 .{nested} }}"


def cut(triples: Iterable[ox.Triple], resources: Sequence[ox.NamedNode], depth: int) -> bool:
    """Whether blank nodes below the last level fetched may have statements the answer does not hold."""
    by_subject: dict[ox.NamedNode | ox.BlankNode, list[ox.Triple]] = {}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode | ox.BlankNode):
            by_subject.setdefault(t.subject, []).append(t)
    level: set[ox.NamedNode | ox.BlankNode] = set(resources)
    seen = set(level)
    for _ in range(depth + 1):
        below = {t.object for node in level for t in by_subject.get(node, ()) if isinstance(t.object, ox.BlankNode)}
        level = {node for node in below if node not in seen}
        seen |= level
    return bool(level)
