"""Dataset rules that SHACL cannot state, because they are about named graphs rather than triples.

- every statement is in a named graph, and each triple in exactly one (so the union default graph has no
  duplicates and every triple has exactly one provenance);
- every data graph is described as an ``ag:Assertion`` with a status and a source (nothing without provenance).

Both are SPARQL queries run by Oxigraph over the loaded store (the loader keeps no triple in the default graph).
"""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox

from awardgraph.graph.findings import Finding, Severity
from awardgraph.graph.terms import sparql_iri, to_rdflib

_OWL_ONTOLOGY = "http://www.w3.org/2002/07/owl#Ontology"
_PROV_DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"

_SAME_TRIPLE = """
SELECT ?s ?p ?o (COUNT(DISTINCT ?g) AS ?n) (GROUP_CONCAT(DISTINCT STR(?g); SEPARATOR=" ") AS ?graphs) WHERE {
    GRAPH ?g { ?s ?p ?o }
    GRAPH ?other { ?s ?p ?o }
    FILTER (?other != ?g)
}
GROUP BY ?s ?p ?o
"""

_UNSOURCED = """
SELECT ?g ?typed ?status ?source WHERE {{
    GRAPH ?g {{ }}  # the named graphs (the loader creates none empty)
    FILTER (?g != {provenance})
    FILTER NOT EXISTS {{ ?g a <{ontology}> }}
    BIND (EXISTS {{ ?g a {assertion} }} AS ?typed)
    BIND (EXISTS {{ ?g {status} ?any }} AS ?status)
    BIND (EXISTS {{ ?g <{derived}> ?from }} AS ?source)
    FILTER (!?typed || !?status || !?source)
}}
"""


def provenance_graph(base_iri: str) -> str:
    return f"{base_iri}graph/provenance"


def dataset_findings(store: ox.Store, base_iri: str) -> Iterator[Finding]:
    """Every breach of the graph-level rules, as findings that the report prints like SHACL results."""
    duplicates = store.query(_SAME_TRIPLE, use_default_graph_as_union=True)
    assert isinstance(duplicates, ox.QuerySolutions)
    for row in sorted(duplicates, key=lambda r: (str(r["s"]), str(r["p"]), str(r["o"]))):
        listed = ", ".join(sorted(row["graphs"].value.split(" ")))
        yield Finding(
            Severity.VIOLATION,
            f"The same triple is stated in {row['n'].value} graphs ({listed}); keep it in one graph only, "
            "the one whose source states it.",
            rule="awardgraph:one-graph-per-triple",
            focus=to_rdflib(row["s"]),
            path=row["p"].value,
            value=to_rdflib(row["o"]),
            group="The same triple is stated in more than one graph: keep it in one graph only, the one whose "
            "source states it.",
        )
    ag = f"{base_iri}ontology#"
    query = _UNSOURCED.format(
        provenance=sparql_iri(provenance_graph(base_iri)),
        ontology=_OWL_ONTOLOGY,
        assertion=sparql_iri(ag + "Assertion"),
        status=sparql_iri(ag + "assertionStatus"),
        derived=_PROV_DERIVED,
    )
    unsourced = store.query(query, use_default_graph_as_union=True)
    assert isinstance(unsourced, ox.QuerySolutions)
    for row in sorted(unsourced, key=lambda r: str(r["g"].value)):
        missing = [
            label
            for label, flag in (
                ("a description as ag:Assertion", "typed"),
                ("ag:assertionStatus", "status"),
                ("prov:wasDerivedFrom (its source)", "source"),
            )
            if row[flag].value != "true"
        ]
        yield Finding(
            Severity.VIOLATION,
            f"Named graph lacks {', '.join(missing)}: describe it in graph/provenance so that every "
            "statement in it can be traced to a source.",
            rule="awardgraph:every-graph-has-a-source",
            focus=to_rdflib(row["g"]),
            group="A named graph is not described in graph/provenance as an ag:Assertion with ag:assertionStatus "
            "and prov:wasDerivedFrom: describe it there, so that every statement in it can be traced to a source.",
        )
