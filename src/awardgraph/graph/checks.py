"""Dataset rules that SHACL cannot state, because they are about named graphs rather than triples.

- every statement is in a named graph, and each triple in exactly one (so the union default graph has no
  duplicates and every triple has exactly one provenance);
- every data graph is described as an ``ag:Assertion`` with a status and a source (nothing without provenance).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from rdflib import Dataset, URIRef
from rdflib.namespace import OWL, PROV, RDF
from rdflib.term import Node

from awardgraph.graph.findings import Finding, Severity


def provenance_graph(base_iri: str) -> URIRef:
    return URIRef(f"{base_iri}graph/provenance")


def dataset_findings(dataset: Dataset, base_iri: str) -> Iterator[Finding]:
    """Every breach of the graph-level rules, as findings that the report prints like SHACL results."""
    ag = f"{base_iri}ontology#"
    graphs: dict[tuple[Node, Node, Node], list[Node]] = defaultdict(list)
    names: set[Node] = set()
    for s, p, o, g in dataset.quads():
        if g is not None:  # the loader keeps no triple in the default graph
            graphs[(s, p, o)].append(g)
            names.add(g)
    for (s, p, o), where in graphs.items():
        if len(where) > 1:
            listed = ", ".join(sorted(str(g) for g in where))
            yield Finding(
                Severity.VIOLATION,
                f"The same triple is stated in {len(where)} graphs ({listed}); keep it in one graph only, "
                "the one whose source states it.",
                rule="awardgraph:one-graph-per-triple",
                focus=s,
                path=str(p),
                value=o,
            )
    union = dataset  # loaded with default_union=True
    assertion, status = URIRef(ag + "Assertion"), URIRef(ag + "assertionStatus")
    exempt = {provenance_graph(base_iri)}
    for name in sorted(names, key=str):
        if name in exempt or (name, RDF.type, OWL.Ontology) in union:
            continue
        missing = [
            label
            for label, present in (
                ("a description as ag:Assertion", (name, RDF.type, assertion) in union),
                ("ag:assertionStatus", (name, status, None) in union),
                ("prov:wasDerivedFrom (its source)", (name, PROV.wasDerivedFrom, None) in union),
            )
            if not present
        ]
        if missing:
            yield Finding(
                Severity.VIOLATION,
                f"Named graph lacks {', '.join(missing)}: describe it in graph/provenance so that every "
                "statement in it can be traced to a source.",
                rule="awardgraph:every-graph-has-a-source",
                focus=name,
            )
