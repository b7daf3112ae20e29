"""A generated dataset of any size that passes the mini shapes: cities with a Polish and an English label."""

from __future__ import annotations

from pathlib import Path

HEADER = (
    "@prefix ag: <ontology#> .\n@prefix prov: <http://www.w3.org/ns/prov#> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix schema: <http://schema.org/> .\n"
)


def generate(path: Path, *, graphs: int, cities_per_graph: int) -> int:
    """Write the dataset to ``path``; returns its number of triples (3 per city, 3 per graph of provenance)."""
    parts = [HEADER]
    for g in range(graphs):
        parts.append(f"<graph/gen/f{g}> {{\n")
        for c in range(cities_per_graph):
            parts.append(f'<id/place/c{g}-{c}> a schema:City ; rdfs:label "Miasto {g}-{c}"@pl, "City {g}-{c}"@en .\n')
        parts.append("}\n")
        parts.append(
            f"<graph/provenance> {{ <graph/gen/f{g}> a ag:Assertion ; ag:assertionStatus ag:stated ; "
            "prov:wasDerivedFrom <id/source/gen> . }\n"
        )
    path.write_text("".join(parts), encoding="utf-8")
    return graphs * (cities_per_graph * 3 + 3)
