"""Every write awardgraph makes to a remote store, in one place: the SPARQL Update text and the requests.

``publish`` stages, switches and drops graphs, and :meth:`RemoteStore.replace_graph` replaces one; all of them go
through :class:`UpdateWriter`, which writes the text and hands each request to the store's sender exactly once
(an update is never retried once it may have reached the store; a Graph Store ``PUT`` may be).

Store quirks live here too: Virtuoso refuses blank nodes in ``INSERT DATA`` (so triples with blank nodes are sent
as ``INSERT { … } WHERE { }``, one operation per graph, since it fails on a template with blank nodes in two
``GRAPH`` blocks), and its parser runs out of memory on a ``GRAPH`` block of some thousands of triples (so blocks
hold at most :data:`GRAPH_BLOCK`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

import pyoxigraph as ox

GRAPH_BLOCK = 1000  # triples per GRAPH block of an INSERT DATA
DROP_CHUNK = 500  # graphs dropped per request


class UpdateWriter:
    """Writes graphs through ``send`` (one SPARQL Update request) and, when the store has a Graph Store Protocol
    URL, ``put`` (replace one graph with N-Triples)."""

    def __init__(self, send: Callable[[str], None], put: Callable[[str, bytes], None] | None = None) -> None:
        self._send, self._put = send, put

    def insert(self, graphs: Mapping[str, Sequence[ox.Triple]]) -> None:
        """Add ``graphs``' triples in one request."""
        self._send(insert_text(graphs))

    def replace(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        """Make ``graph`` hold exactly ``triples``: one Graph Store ``PUT``, or one Update request (an empty
        ``triples`` removes the graph)."""
        listed = list(triples)
        if self._put is not None and listed:
            self._put(graph, ntriples(listed))
            return
        drop = f"DROP SILENT GRAPH {ox.NamedNode(graph)}"
        self._send(f"{drop} ;\n{insert_text({graph: listed})}" if listed else drop)

    def switch(self, moves: Mapping[str, str | None], drop: Sequence[str] = ()) -> None:
        """In ONE request: move each graph of ``moves`` over its target (``None``: the store's default graph), then
        drop the graphs of ``drop``. A store that applies a request atomically switches atomically."""
        operations = [
            f"MOVE GRAPH {ox.NamedNode(source)} TO {'DEFAULT' if target is None else f'GRAPH {ox.NamedNode(target)}'}"
            for source, target in moves.items()
        ]
        operations += [f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in drop]
        self._send(" ;\n".join(operations))

    def drop(self, graphs: Sequence[str]) -> None:
        """Remove ``graphs`` (missing ones are no error), :data:`DROP_CHUNK` per request."""
        for start in range(0, len(graphs), DROP_CHUNK):
            self._send(" ;\n".join(f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in graphs[start : start + DROP_CHUNK]))


def ntriples(triples: Iterable[ox.Triple]) -> bytes:
    """N-Triples of ``triples`` (blank node labels kept)."""
    return "".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in triples).encode("utf-8")


def insert_text(graphs: Mapping[str, Sequence[ox.Triple]]) -> str:
    """One Update request adding ``graphs``' triples: ``INSERT DATA`` when there are no blank nodes, otherwise one
    ``INSERT { GRAPH <g> { … } } WHERE { }`` operation per block (see the module docstring).

    >>> t = ox.Triple(ox.NamedNode("http://e.org/s"), ox.NamedNode("http://e.org/p"), ox.Literal("o"))
    >>> print(insert_text({"http://e.org/g": [t]}))
    INSERT DATA {
    GRAPH <http://e.org/g> {
    <http://e.org/s> <http://e.org/p> "o" .
    }
    }
    """
    blank = any(has_blank(t) for triples in graphs.values() for t in triples)
    blocks = [
        f"GRAPH {ox.NamedNode(graph)} {{\n{ntriples(triples[start : start + GRAPH_BLOCK]).decode()}}}"
        for graph, triples in graphs.items()
        for start in range(0, len(triples), GRAPH_BLOCK)
    ]
    if blank:
        return " ;\n".join(f"INSERT {{\n{block}\n}} WHERE {{ }}" for block in blocks)
    return "INSERT DATA {\n" + "\n".join(blocks) + "\n}"


def has_blank(t: ox.Triple) -> bool:
    """Whether the triple has a blank node (which means one node only within one update operation)."""
    return isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode)
