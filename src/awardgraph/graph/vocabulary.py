"""Every ``rdf:type`` is a known class: one the ontology declares or one of the accepted outside vocabularies.

Why: a typo in a type is still a valid IRI, so no shape targets the thing and its checks silently stop applying
(``schema:NG0`` passed, ``ag:Distinciton`` showed up only as "needs a known type"). The accepted outside classes are
listed in ``accepted_classes.ttl`` beside this module; the ontology's are the ``owl:Class``/``rdfs:Class`` of the
project's ontology and of any ontology loaded with the data. An unknown class gets the nearest known one as a
suggestion.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import OWL, RDF, RDFS

from awardgraph.graph.findings import Finding, Severity
from awardgraph.graph.load import rdf_files
from awardgraph.graph.terms import compact, sparql_iri, to_rdflib
from awardgraph.resources import resource_dir

RULE = "awardgraph:known-classes"
ACCEPTED = Path(__file__).with_name("accepted_classes.ttl")
_CLASS_TYPES = (ox.NamedNode(str(OWL.Class)), ox.NamedNode(str(RDFS.Class)))
GROUP = (
    "rdf:type names a class that neither the ontology nor an accepted outside vocabulary defines: correct the "
    "typo, or declare the class in the ontology, or add an outside class to src/awardgraph/graph/accepted_classes.ttl."
)

_USED = "SELECT DISTINCT ?class WHERE { GRAPH ?g { ?s a ?class } }"
_DECLARED = f"""
SELECT DISTINCT ?class WHERE {{
    GRAPH ?g {{ ?g a <{OWL.Ontology}> . ?class a ?kind }}
    FILTER (isIRI(?class) && ?kind IN (<{OWL.Class}>, <{RDFS.Class}>))
}}
"""


def known_classes(store: ox.Store, base_iri: str) -> frozenset[str]:
    """The classes the data may use: the loaded ontologies', the project ontology's and the accepted outside ones."""
    declared = store.query(_DECLARED)
    assert isinstance(declared, ox.QuerySolutions)
    loaded = {row["class"].value for row in declared}
    return frozenset(loaded | _file_classes(ACCEPTED, None) | _project_ontology_classes(base_iri))


def unknown_class_findings(store: ox.Store, base_iri: str) -> Iterator[Finding]:
    """One violation per statement typing something with a class nobody defines, with a suggestion if close."""
    known = known_classes(store, base_iri)
    used = store.query(_USED)
    assert isinstance(used, ox.QuerySolutions)
    unknown = sorted(
        {row["class"].value for row in used if isinstance(row["class"], ox.NamedNode)} - known,
    )
    for iri in unknown:
        rows = store.query(f"SELECT ?g ?s WHERE {{ GRAPH ?g {{ ?s a {sparql_iri(iri)} }} }}")
        assert isinstance(rows, ox.QuerySolutions)
        advice = suggest(iri, known)
        hint = f": did you mean {' or '.join(compact(s, base_iri) for s in advice)}?" if advice else "."
        message = f"{compact(iri, base_iri)} is not a class of the ontology or of an accepted vocabulary{hint}"
        for row in sorted(rows, key=lambda r: (str(r["s"]), str(r["g"]))):
            yield Finding(
                Severity.VIOLATION,
                message,
                rule=RULE,
                focus=to_rdflib(row["s"]),
                path=str(RDF.type),
                value=to_rdflib(ox.NamedNode(iri)),
                graph=to_rdflib(row["g"]),
                group=GROUP,
            )


def suggest(iri: str, known: Iterable[str], *, most: int = 2) -> list[str]:
    """The known classes nearest to ``iri`` (a typo or a namespace mix-up), nearest first; none if none is close.

    >>> suggest("http://schema.org/NG0", ["http://schema.org/NGO", "http://schema.org/Place"])
    ['http://schema.org/NGO']
    """
    namespace, local = _split(iri)
    scored: list[tuple[int, int, str]] = []
    for candidate in known:
        other_namespace, other_local = _split(candidate)
        distance = edit_distance(local.lower(), other_local.lower()) + (other_namespace != namespace)
        if local != other_local or namespace != other_namespace:
            scored.append((distance, other_namespace != namespace, candidate))
    if not scored:
        return []
    scored.sort()
    best = scored[0][0]
    if best > max(1, len(local) // 4):
        return []
    return [candidate for distance, _, candidate in scored if distance == best][:most]


def edit_distance(a: str, b: str) -> int:
    """Edits (insert, delete, replace, swap two neighbours) that turn ``a`` into ``b``.

    >>> edit_distance("Distinciton", "Distinction")
    1
    """
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def _split(iri: str) -> tuple[str, str]:
    cut = max(iri.rfind("#"), iri.rfind("/")) + 1
    return iri[:cut], iri[cut:]


@functools.lru_cache(maxsize=8)
def _project_ontology_classes(base_iri: str) -> frozenset[str]:
    found: set[str] = set()
    folder = resource_dir("ontology")
    for path in rdf_files([folder]) if folder.is_dir() else []:
        found |= _file_classes(path, base_iri)
    return frozenset(found)


@functools.lru_cache(maxsize=8)
def _file_classes(path: Path, base_iri: str | None) -> frozenset[str]:
    if not path.is_file():
        return frozenset()
    typed = (q for q in ox.parse(path=path, base_iri=base_iri) if q.predicate.value == str(RDF.type))
    return frozenset(q.subject.value for q in typed if q.object in _CLASS_TYPES and isinstance(q.subject, ox.NamedNode))
