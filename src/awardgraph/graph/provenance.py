"""What ``graph/provenance`` says about each assertion (named graph): its status, quotes and sources.

Read once per validation for the rules that weigh statements by where they come from: dates from ``ag:external``
graphs are not compared with the source's, and a stated quote is checked against the source's archived text.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import pyoxigraph as ox

from awardgraph.graph.checks import provenance_graph
from awardgraph.graph.terms import sparql_iri

_PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
_DESCRIPTIONS = "SELECT ?g ?p ?o WHERE {{ GRAPH {provenance} {{ ?g ?p ?o }} FILTER (?p IN ({wanted})) }}"


def squeeze(text: str) -> str:
    """``text`` with every run of whitespace (line breaks, tabs, no-break spaces) as one space, trimmed."""
    return " ".join(text.split())


@dataclasses.dataclass(frozen=True)
class Provenance:
    """Per assertion IRI: its statuses (local names: stated, derived, …), its quotes and its sources."""

    statuses: dict[str, set[str]]
    quotes: dict[str, list[ox.Literal]]
    sources: dict[str, list[str]]

    @classmethod
    def read(cls, store: ox.Store, base_iri: str) -> Provenance:
        ag = f"{base_iri}ontology#"
        wanted = [f"{ag}assertionStatus", f"{ag}quote", _PROV_DERIVED]
        query = _DESCRIPTIONS.format(
            provenance=sparql_iri(provenance_graph(base_iri)), wanted=", ".join(sparql_iri(w) for w in wanted)
        )
        rows = store.query(query)
        assert isinstance(rows, ox.QuerySolutions)
        statuses: dict[str, set[str]] = defaultdict(set)
        quotes: dict[str, list[ox.Literal]] = defaultdict(list)
        sources: dict[str, list[str]] = defaultdict(list)
        for row in rows:
            graph, predicate, obj = row["g"], row["p"].value, row["o"]
            if not isinstance(graph, ox.NamedNode):
                continue
            if predicate == wanted[0] and isinstance(obj, ox.NamedNode):
                statuses[graph.value].add(obj.value.removeprefix(ag))
            elif predicate == wanted[1] and isinstance(obj, ox.Literal):
                quotes[graph.value].append(obj)
            elif predicate == _PROV_DERIVED and isinstance(obj, ox.NamedNode):
                sources[graph.value].append(obj.value)
        return cls(dict(statuses), dict(quotes), dict(sources))

    def external(self, graph: object) -> bool:
        return isinstance(graph, ox.NamedNode) and "external" in self.statuses.get(graph.value, ())

    def stated(self, graph: object) -> bool:
        return isinstance(graph, ox.NamedNode) and "stated" in self.statuses.get(graph.value, ())

    def comparable(self, a: object, b: object) -> bool:
        """Whether values from graphs ``a`` and ``b`` should agree: one graph, or neither an outside claim."""
        return a == b or not (self.external(a) or self.external(b))

    def quoted(self, graph: object, text: str) -> bool:
        """Whether ``text`` is part of a quote of the stated assertion ``graph`` (the source's own words)."""
        if not self.stated(graph) or not isinstance(graph, ox.NamedNode):
            return False
        wanted = squeeze(text)
        return bool(wanted) and any(wanted in squeeze(q.value) for q in self.quotes.get(graph.value, ()))
