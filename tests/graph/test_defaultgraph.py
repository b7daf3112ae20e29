"""Which graphs make up the default graph: the rule of docs/data-model.md, "The default graph"."""

from __future__ import annotations

import pyoxigraph as ox

from awardgraph.graph import defaultgraph

BASE = "https://example.org/b/"
DATA = """
@prefix ag: <https://example.org/b/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
<https://example.org/b/graph/stated> { <https://example.org/b/id/x/a> ag:p 1 . }
<https://example.org/b/graph/outside> { <https://example.org/b/id/x/a> ag:p 2 . }
<https://example.org/b/graph/curated> { <https://example.org/b/id/x/a> ag:q 3 . }
<https://example.org/b/graph/derived> { <https://example.org/b/id/x/a> ag:r 4 . }
<https://example.org/b/graph/on-outside> { <https://example.org/b/id/x/a> ag:r 5 . }
<https://example.org/b/graph/on-on-outside> { <https://example.org/b/id/x/a> ag:r 6 . }
<https://example.org/b/graph/loop-a> { <https://example.org/b/id/x/a> ag:r 7 . }
<https://example.org/b/graph/loop-b> { <https://example.org/b/id/x/a> ag:r 8 . }
<https://example.org/b/shapes> { <https://example.org/b/shapes#S> a <http://www.w3.org/ns/shacl#NodeShape> . }
<https://example.org/b/ontology> { ag:p a <http://www.w3.org/2002/07/owl#DatatypeProperty> . }
<https://example.org/b/graph/provenance> {
    <https://example.org/b/graph/stated> ag:assertionStatus ag:stated ;
        prov:wasDerivedFrom <https://example.org/b/id/source/page> .
    <https://example.org/b/graph/outside> ag:assertionStatus ag:external ;
        prov:wasDerivedFrom <https://example.org/b/id/source/other> .
    <https://example.org/b/graph/curated> ag:assertionStatus ag:curated ;
        prov:wasDerivedFrom <https://example.org/b/graph/outside> .
    <https://example.org/b/graph/derived> ag:assertionStatus ag:derived ;
        prov:wasDerivedFrom <https://example.org/b/graph/stated>, <https://example.org/b/graph/curated> .
    <https://example.org/b/graph/on-outside> ag:assertionStatus ag:derived ;
        prov:wasDerivedFrom <https://example.org/b/graph/stated>, <https://example.org/b/graph/outside> .
    <https://example.org/b/graph/on-on-outside> ag:assertionStatus ag:derived ;
        prov:wasDerivedFrom <https://example.org/b/graph/on-outside> .
    <https://example.org/b/graph/loop-a> ag:assertionStatus ag:derived ;
        prov:wasDerivedFrom <https://example.org/b/graph/loop-b> .
    <https://example.org/b/graph/loop-b> ag:assertionStatus ag:derived ;
        prov:wasDerivedFrom <https://example.org/b/graph/loop-a> .
}
"""


def test_the_default_graph_holds_what_the_project_vouches_for() -> None:
    store = ox.Store()
    store.load(DATA.encode(), format=ox.RdfFormat.TRIG)
    chosen = {g.removeprefix(BASE) for g in defaultgraph.graphs(store, BASE)}
    # stated and curated (even a curated record about an outside claim), derived from them, the descriptions and the
    # ontology; not an outside claim, nothing that rests on one however far back, no circular derivation, no shapes
    assert chosen == {"graph/stated", "graph/curated", "graph/derived", "graph/provenance", "ontology"}
