"""SHACL Core constraints as SPARQL boolean expressions over one node, for Oxigraph.

``holds(...)`` is true when a value node satisfies one parameter; ``conforms(...)`` is true when a node conforms to
a whole shape (for ``sh:node``, ``sh:or``/``and``/``not``/``xone`` and ``sh:qualifiedValueShape``). Every
expression is error-free: a comparison or cast that fails (an ill-typed literal, a blank node given to ``STR``)
makes the constraint fail, as SHACL says, instead of turning the whole filter into an error.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from awardgraph.graph.shacl.model import Shapes, UnsupportedShape
from awardgraph.graph.shacl.paths import sparql_path
from awardgraph.graph.terms import sparql_iri, sparql_string, sparql_term

TYPE_PATH = f"{sparql_iri(str(RDF.type))}/{sparql_iri(str(RDFS.subClassOf))}*"
MAX_COUNTED = 6  # sh:minCount 7 would need 21 pairwise comparisons in one pattern: refused rather than slow
_KINDS = {
    SH.IRI: "isIRI({x})",
    SH.BlankNode: "isBlank({x})",
    SH.Literal: "isLiteral({x})",
    SH.BlankNodeOrIRI: "(isIRI({x}) || isBlank({x}))",
    SH.BlankNodeOrLiteral: "(isBlank({x}) || isLiteral({x}))",
    SH.IRIOrLiteral: "(isIRI({x}) || isLiteral({x}))",
}
_COMPARISONS = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
#: datatypes Oxigraph can cast to: a lexical form is well-formed when the cast succeeds
_CASTABLE = {
    XSD[t]
    for t in (
        *("boolean", "integer", "decimal", "float", "double", "date", "dateTime", "time", "gYear", "gYearMonth"),
        *("gMonth", "gMonthDay", "gDay", "duration", "yearMonthDuration", "dayTimeDuration"),
    )
}
_INTEGER_RANGES: dict[URIRef, tuple[int | None, int | None]] = {
    XSD.positiveInteger: (1, None),
    XSD.nonNegativeInteger: (0, None),
    XSD.negativeInteger: (None, -1),
    XSD.nonPositiveInteger: (None, 0),
    XSD.long: (-(2**63), 2**63 - 1),
    XSD.int: (-(2**31), 2**31 - 1),
    XSD.short: (-(2**15), 2**15 - 1),
    XSD.byte: (-(2**7), 2**7 - 1),
    XSD.unsignedLong: (0, 2**64 - 1),
    XSD.unsignedInt: (0, 2**32 - 1),
    XSD.unsignedShort: (0, 2**16 - 1),
    XSD.unsignedByte: (0, 2**8 - 1),
}
_EMPTY = ox.Store()


class Names:
    """Fresh variable names for one query, so nested patterns never capture each other's variables."""

    def __init__(self) -> None:
        self.count = 0

    def fresh(self) -> str:
        self.count += 1
        return f"?_v{self.count}"


class Expressions:
    """Builds the expressions of one query (fresh names come from ``names``)."""

    def __init__(self, shapes: Shapes, names: Names) -> None:
        self.shapes, self.names = shapes, names
        self._stack: list[Node] = []

    # -- one parameter, one value node ----------------------------------------------------------------------------

    def holds(self, owner: Node, local: str, value: Node, x: str) -> str:
        """True when the value node ``x`` satisfies parameter ``sh:{local} value`` of shape ``owner``."""
        if local == "class":
            return f"EXISTS {{ {x} {TYPE_PATH} {_iri(owner, local, value, self.shapes)} }}"
        if local == "datatype":
            return _datatype(_iri(owner, local, value, self.shapes), value, x)
        if local == "nodeKind":
            if value not in _KINDS:
                raise UnsupportedShape(f"{self.shapes.name(owner)}: unknown sh:nodeKind {value!r}")
            return _KINDS[value].format(x=x)  # type: ignore[index]
        if local == "pattern":
            return self._pattern(owner, value, x)
        if local == "languageIn":
            tags = [str(t) for t in self.shapes.items(value)]
            tests = " || ".join(f"langMatches(LANG({x}), {sparql_string(t)})" for t in tags) or "false"
            return f"COALESCE(isLiteral({x}) && ({tests}), false)"
        if local == "in":
            members = [_term(owner, local, m, self.shapes) for m in self.shapes.items(value)]
            return "(" + (" || ".join(f"sameTerm({x}, {m})" for m in members) or "false") + ")"
        if local == "hasValue":
            return f"sameTerm({x}, {_term(owner, local, value, self.shapes)})"
        if local in _COMPARISONS:
            return f"COALESCE({x} {_COMPARISONS[local]} {_term(owner, local, value, self.shapes)}, false)"
        if local in ("minLength", "maxLength"):
            limit = self.shapes.integer(owner, local)
            op = ">=" if local == "minLength" else "<="
            return f"COALESCE(!isBlank({x}) && STRLEN(STR({x})) {op} {limit}, false)"
        if local == "node":
            return self.conforms(value, x)
        if local == "not":
            return f"!{self.conforms(value, x)}"
        if local in ("or", "and", "xone"):
            parts = [self.conforms(member, x) for member in self.shapes.items(value)]
            if local == "xone":
                return "(" + (" + ".join(f"IF({p}, 1, 0)" for p in parts) or "0") + " = 1)"
            joiner = " || " if local == "or" else " && "
            return "(" + (joiner.join(parts) or ("false" if local == "or" else "true")) + ")"
        raise UnsupportedShape(f"{self.shapes.name(owner)}: sh:{local} is not a value constraint")

    def _pattern(self, owner: Node, value: Node, x: str) -> str:
        flags = self.shapes.one(owner, "flags")
        args = sparql_string(str(value)) + (f", {sparql_string(str(flags))}" if flags is not None else "")
        probe = _EMPTY.query(f"SELECT (REGEX('', {args}) AS ?ok) WHERE {{}}")
        if next(iter(probe))["ok"] is None:  # type: ignore[arg-type]
            raise UnsupportedShape(f"{self.shapes.name(owner)}: Oxigraph cannot run the sh:pattern {str(value)!r}")
        return f"COALESCE(!isBlank({x}) && REGEX(STR({x}), {args}), false)"

    # -- sets of values ---------------------------------------------------------------------------------------------

    def at_least(self, n: int, x: str, path: str, test: Callable[[str], str] | None = None) -> str:
        """True when ``x`` has at least ``n`` distinct values over ``path`` (each passing ``test`` if given)."""
        if n <= 0:
            return "true"
        if n > MAX_COUNTED:
            raise UnsupportedShape(f"counts above {MAX_COUNTED} are not supported by the sparql engine (got {n})")
        names = [self.names.fresh() for _ in range(n)]
        conditions = [f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1 :]]
        if test is not None:
            conditions += [test(v) for v in names]
        patterns = " . ".join(f"{x} {path} {v}" for v in names)
        where = f" FILTER ({' && '.join(conditions)})" if conditions else ""
        return f"EXISTS {{ {patterns}{where} }}"

    def duplicate_language(self, x: str, path: str) -> str:
        a, b = self.names.fresh(), self.names.fresh()
        return (
            f"EXISTS {{ {x} {path} {a} . {x} {path} {b} "
            f'FILTER (!sameTerm({a}, {b}) && LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b}))) }}'
        )

    def set_holds(self, owner: Node, local: str, value: Node, x: str, path: str) -> str:
        """True when focus ``x`` satisfies the set parameter ``sh:{local} value`` of property shape ``owner``."""
        if local == "minCount":
            return self.at_least(self.shapes.integer(owner, local) or 0, x, path)
        if local == "maxCount":
            return f"!{self.at_least((self.shapes.integer(owner, local) or 0) + 1, x, path)}"
        if local == "hasValue":
            return f"EXISTS {{ {x} {path} {_term(owner, local, value, self.shapes)} }}"
        if local == "uniqueLang":
            return f"!{self.duplicate_language(x, path)}" if value == Literal(True) else "true"
        if local == "qualifiedValueShape":
            low, high = (self.shapes.integer(owner, f"qualified{m}Count") for m in ("Min", "Max"))

            def test(v: str) -> str:
                return self.conforms(value, v)

            parts = [self.at_least(low, x, path, test)] if low else []
            parts += [f"!{self.at_least(high + 1, x, path, test)}"] if high is not None else []
            return "(" + (" && ".join(parts) or "true") + ")"
        if local in ("equals", "disjoint"):
            v, other = self.names.fresh(), _iri(owner, local, value, self.shapes)
            if local == "disjoint":
                return f"NOT EXISTS {{ {x} {path} {v} . {x} {other} {v} }}"
            return (
                f"(NOT EXISTS {{ {x} {path} {v} FILTER NOT EXISTS {{ {x} {other} {v} }} }} && "
                f"NOT EXISTS {{ {x} {other} {v} FILTER NOT EXISTS {{ {x} {path} {v} }} }})"
            )
        raise UnsupportedShape(f"{self.shapes.name(owner)}: sh:{local} is not a set constraint")

    # -- whole shapes -----------------------------------------------------------------------------------------------

    def conforms(self, shape: Node, x: str) -> str:
        """True when ``x`` conforms to ``shape`` (its own constraints and those of its property shapes)."""
        if self.shapes.deactivated(shape):
            return "true"
        if shape in self._stack:
            raise UnsupportedShape(f"{self.shapes.name(shape)} refers to itself (recursive shapes are not supported)")
        self.shapes.check_supported(shape)
        if self.shapes.values(shape, "sparql"):
            raise UnsupportedShape(
                f"{self.shapes.name(shape)}: SPARQL constraints inside sh:node, sh:or, sh:and, sh:not, sh:xone "
                "or sh:qualifiedValueShape are not supported by the sparql engine"
            )
        self._stack.append(shape)
        try:
            path_node = self.shapes.path(shape)
            if path_node is None:
                parts = [self.holds(shape, local, value, x) for local, value in self.shapes.parameters(shape)]
                parts += [self.conforms(p, x) for p in self.shapes.values(shape, "property")]
            else:
                parts = self._property_conforms(shape, sparql_path(self.shapes, path_node), x)
        finally:
            self._stack.pop()
        return "(" + (" && ".join(parts) or "true") + ")"

    def _property_conforms(self, shape: Node, path: str, x: str) -> list[str]:
        parts = []
        for local, value in self.shapes.parameters(shape):
            if local in ("minCount", "maxCount", "hasValue", "uniqueLang", "qualifiedValueShape", "equals", "disjoint"):
                parts.append(self.set_holds(shape, local, value, x, path))
            else:
                v = self.names.fresh()
                parts.append(f"NOT EXISTS {{ {x} {path} {v} FILTER (!{self.holds(shape, local, value, v)}) }}")
        for nested in self.shapes.values(shape, "property"):
            v = self.names.fresh()
            parts.append(f"NOT EXISTS {{ {x} {path} {v} FILTER (!{self.conforms(nested, v)}) }}")
        return parts


def _datatype(datatype: str, value: Node, x: str) -> str:
    checks = [f"isLiteral({x})", f"sameTerm(DATATYPE({x}), {datatype})"]
    if value == RDF.langString:
        checks.append(f'LANG({x}) != ""')
    elif value in _CASTABLE:
        checks.append(f"isLiteral({sparql_iri(str(value))}(STR({x})))")
    elif value in _INTEGER_RANGES:
        low, high = _INTEGER_RANGES[value]  # type: ignore[index]
        checks.append(f'REGEX(STR({x}), "^[+-]?[0-9]+$")')
        checks += [f"xsd:integer(STR({x})) >= {low}"] if low is not None else []
        checks += [f"xsd:integer(STR({x})) <= {high}"] if high is not None else []
    return "COALESCE(" + " && ".join(checks).replace("xsd:integer(", f"{sparql_iri(str(XSD.integer))}(") + ", false)"


def _iri(owner: Node, local: str, value: Node, shapes: Shapes) -> str:
    if not isinstance(value, URIRef):
        raise UnsupportedShape(f"{shapes.name(owner)}: sh:{local} must be an IRI, got {value!r}")
    return sparql_iri(str(value))


def _term(owner: Node, local: str, value: Node, shapes: Shapes) -> str:
    if isinstance(value, BNode):
        raise UnsupportedShape(f"{shapes.name(owner)}: sh:{local} with a blank node cannot be compiled to SPARQL")
    return sparql_term(value)
