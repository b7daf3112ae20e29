"""What a reasoner may conclude from the ontology's alignments: nothing false of this data.

The OWL 2 RL closure (owlrl, as pyshacl ships it) runs over the ontology, every graph of the data merged, and the
few axioms of the outside vocabularies that the ontology's alignments lead into, as those vocabularies publish them
(schema.org's RDFS, DCMI terms, PROV-O, W3C ORG, SKOS, FOAF), written here so that no test fetches anything. Then
the conclusions that would be false are looked for by name, and a few true ones must be there (proof that the
closure ran through the alignments at all). See docs/data-model.md, "Alignment".
"""

from __future__ import annotations

import owlrl
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF

from awardgraph.config import DEFAULT_BASE_IRI
from awardgraph.graph.load import load
from awardgraph.resources import resource_dir

AG = Namespace(f"{DEFAULT_BASE_IRI}ontology#")
ID = Namespace(f"{DEFAULT_BASE_IRI}id/")
SCHEMA = Namespace("http://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ERR = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")  # where owlrl reports an inconsistency

# Axioms of the outside vocabularies on the paths the alignments open (subclass and subproperty chains, domains,
# ranges, inverses, disjointness), restated as those vocabularies define them.
OUTSIDE = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix schema: <http://schema.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .

schema:recipient rdfs:subPropertyOf schema:participant .
schema:EventSeries rdfs:subClassOf schema:Event , schema:Series .
schema:Accommodation rdfs:subClassOf schema:Place .
schema:City rdfs:subClassOf schema:AdministrativeArea .
schema:Country rdfs:subClassOf schema:AdministrativeArea .
schema:AdministrativeArea rdfs:subClassOf schema:Place .
schema:NGO rdfs:subClassOf schema:Organization .
schema:GovernmentOrganization rdfs:subClassOf schema:Organization .

dcterms:isPartOf rdfs:subPropertyOf dcterms:relation .
dcterms:references rdfs:subPropertyOf dcterms:relation .
dcterms:isReplacedBy rdfs:subPropertyOf dcterms:relation .
dcterms:publisher rdfs:range dcterms:Agent .

prov:Activity owl:disjointWith prov:Entity .
prov:used rdfs:domain prov:Activity ; rdfs:range prov:Entity .
prov:wasAssociatedWith rdfs:domain prov:Activity ; rdfs:range prov:Agent .
prov:wasDerivedFrom rdfs:domain prov:Entity ; rdfs:range prov:Entity .
prov:wasAttributedTo rdfs:domain prov:Entity ; rdfs:range prov:Agent .
prov:actedOnBehalfOf rdfs:domain prov:Agent ; rdfs:range prov:Agent .

org:FormalOrganization rdfs:subClassOf org:Organization , foaf:Organization .
org:OrganizationalUnit rdfs:subClassOf org:Organization .
org:OrganizationalCollaboration rdfs:subClassOf org:Organization .
org:unitOf rdfs:subPropertyOf org:subOrganizationOf ;
    rdfs:domain org:OrganizationalUnit ; rdfs:range org:FormalOrganization .
org:subOrganizationOf rdfs:domain org:Organization ; rdfs:range org:Organization .
org:holds owl:inverseOf org:heldBy ; rdfs:domain foaf:Agent ; rdfs:range org:Post .
org:heldBy rdfs:domain org:Post ; rdfs:range foaf:Agent .
org:postIn rdfs:domain org:Post ; rdfs:range org:Organization .

skos:closeMatch rdfs:subPropertyOf skos:mappingRelation .
skos:relatedMatch rdfs:subPropertyOf skos:mappingRelation .
skos:mappingRelation rdfs:subPropertyOf skos:semanticRelation .
skos:semanticRelation rdfs:domain skos:Concept ; rdfs:range skos:Concept .
skos:inScheme rdfs:range skos:ConceptScheme .
skos:hasTopConcept rdfs:domain skos:ConceptScheme ; rdfs:range skos:Concept .
skos:Concept owl:disjointWith skos:ConceptScheme .

foaf:Person rdfs:subClassOf foaf:Agent .
foaf:Group rdfs:subClassOf foaf:Agent .
"""


@pytest.fixture(scope="module")
def closure() -> Graph:
    loaded = load([resource_dir("ontology"), resource_dir("data")], DEFAULT_BASE_IRI).dataset
    graph = Graph()
    for s, p, o, _ in loaded.quads():
        graph.add((s, p, o))
    graph.parse(data=OUTSIDE, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


def _ours(term: object) -> bool:
    return isinstance(term, URIRef) and str(term).startswith(str(ID))


def test_the_closure_ran_through_the_alignments(closure: Graph) -> None:
    """True conclusions that need the alignments: if these are missing, the test below proves nothing."""
    assert (ID["organization/stowarzyszenie-nomada"], SCHEMA.location, ID["place/wroclaw"]) in closure  # basedIn
    assert (ID["forum-series/forum-lokalnych-polityk-migracyjnych"], RDF.type, SCHEMA.Event) in closure
    assert (ID["housing/mieszkania-chronione-lublin"], RDF.type, PROV.Entity) in closure  # prov:used
    assert (ID["distinction/2015-krzysztof-zuk"], RDF.type, PROV.Entity) in closure
    office = ID["organization/urzad-miasta-lublin"]
    assert (ID["unit/biuro-obslugi-mieszkancow"], ORG.subOrganizationOf, office) in closure  # org:unitOf


def test_no_distinction_has_participants(closure: Graph) -> None:
    """ag:awardedTo was a subproperty of schema:recipient, which schema.org puts under schema:participant: every
    recipient became a participant of the distinction (Krzysztof Żuk of distinction 1, for one)."""
    assert (ID["distinction/2015-krzysztof-zuk"], SCHEMA.participant, ID["person/krzysztof-zuk"]) not in closure
    assert [(s, o) for s, o in closure.subject_objects(SCHEMA.participant)] == []
    assert [s for s in closure.subjects(SCHEMA.recipient, None)] == []


def test_no_edition_is_part_of_an_organisation(closure: Graph) -> None:
    """ag:heldWithin was a subproperty of dcterms:isPartOf: the IV Forum (an event) became a part of the National
    Platform, which the data models as an organisation (org:OrganizationalCollaboration)."""
    platform = ID["collaboration/krajowa-platforma-wspolpracy-na-rzecz-integracji"]
    assert (ID["forum-edition/wroclaw"], DCTERMS.isPartOf, platform) not in closure
    assert [s for s in closure.subjects(DCTERMS.isPartOf, None) if _ours(s)] == []


def test_nothing_is_merged_and_nothing_is_inconsistent(closure: Graph) -> None:
    """The functional properties (one recipient, one edition, one status) merge no two things, and no disjointness
    (ours, PROV's entity/activity, SKOS's concept/scheme) is broken."""
    merged = sorted(f"{s} = {o}" for s, o in closure.subject_objects(OWL.sameAs) if _ours(s) and _ours(o) and s != o)
    assert merged == []
    errors = sorted(str(m) for m in closure.objects(None, ERR.error))
    assert errors == []


def test_no_thing_gets_a_kind_it_is_not(closure: Graph) -> None:
    activities = set(closure.subjects(RDF.type, PROV.Activity))
    assert not any(str(s).startswith(str(ID["distinction/"])) for s in activities)
    assert not any(str(s).startswith(str(ID["person/"])) for s in closure.subjects(RDF.type, AG.Distinction))
    events = {s for s in closure.subjects(RDF.type, SCHEMA.Event) if _ours(s)}
    assert {str(s).removeprefix(str(ID)).split("/")[0] for s in events} == {"forum-series", "forum-edition", "event"}
