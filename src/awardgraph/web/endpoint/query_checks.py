"""What is checked in a user query before any SPARQL parser sees it: its size, its nesting, and whether it would make
a store reach outside the dataset (``SERVICE``, ``file:`` IRIs); and which graphs its dataset names, so that the
graphs the dataset does not hold are read as empty, never fetched (:func:`held`).

The checks read the query's tokens (:func:`awardgraph.queries.lexer.tokens`: strings, comments and IRIs are whole
tokens, so ``"SERVICE"`` or ``# FROM <x>`` never count, while ``sErViCe`` after a comment or inside an
``OPTIONAL``/``FILTER EXISTS``/subquery does). They take a few milliseconds on the largest query accepted.

>>> nesting_depth("SELECT * { { { ?s ?p ?o } } FILTER(!!BOUND(?s)) }")
4
>>> outbound = Outbound(base_iri="https://example.org/", prefixes={}, federation=())
>>> try:
...     outbound.check_query("SELECT * { ?s ?p ?o # }\\n OPTIONAL { sErViCe <http://10.0.0.1/> {} } }")
... except Refused as refused:
...     print(refused.status, refused.message)
400 SERVICE (a federated query) is not available on this endpoint: it never sends requests to other servers.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from urllib.parse import urljoin

from awardgraph.queries import lexer

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_LOCAL_ESCAPE = re.compile(r"\\(.)")

Graphs = Callable[[], Collection[str]]


class Refused(Exception):
    """The request is refused before the query runs; ``status`` is the HTTP status, ``message`` says why."""

    def __init__(self, status: int, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.retry_after = status, message, retry_after


def check_size(text: str, *, max_bytes: int) -> None:
    """413 when the query text is longer than ``max_bytes`` (UTF-8)."""
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise Refused(413, f"The query is {size:,} bytes long; at most {max_bytes:,} are accepted.")


def nesting_depth(text: str) -> int:
    """How deeply the query nests groups, lists, expressions and ``!`` negations."""
    return _depth(lexer.tokens(text, comments=False))


def check_depth(text: str, *, max_depth: int) -> None:
    """400 when the query nests deeper than ``max_depth`` (Oxigraph's parser crashes its process near 3,000)."""
    depth = nesting_depth(text)
    if depth > max_depth:
        raise Refused(
            400,
            f"The query is nested {depth} levels deep (braces, brackets, parentheses, negations); "
            f"at most {max_depth} are accepted.",
        )


def _depth(stream: Iterable[lexer.Token]) -> int:
    """The deepest nesting in ``stream``: each open bracket counts one level until it closes, and a run of ``!``
    counts one level per ``!`` until the next token that is not one."""
    depth = deepest = negations = 0
    for token in stream:
        text = token.text if token.kind == "punct" else ""
        if text == "!":
            negations += 1
        else:
            negations = 0
            if text in ("{", "(", "["):
                depth += 1
            elif text in ("}", ")", "]"):
                depth = max(depth - 1, 0)
        deepest = max(deepest, depth + negations)
    return deepest


@dataclasses.dataclass(frozen=True)
class Dataset:
    """The graphs a query runs over: its default graph is the merge of ``default``, its named graphs ``named``."""

    default: tuple[str, ...]
    named: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Held:
    """A dataset with the graphs the store does not hold taken out (``unknown``, in the order first named): they
    are read as empty graphs, as Oxigraph, Fuseki and Virtuoso read them, and no store is ever asked for them."""

    dataset: Dataset
    unknown: tuple[str, ...]


def held(dataset: Dataset, graphs: Graphs) -> Held:
    """``dataset`` without the graphs ``graphs()`` does not list: what a store is sent instead of it.

    >>> asked = Dataset(("http://kasei.us/data0.rdf", "urn:g"), ("urn:g", "file:///etc/passwd"))
    >>> found = held(asked, lambda: {"urn:g"})
    >>> found.dataset, found.unknown
    (Dataset(default=('urn:g',), named=('urn:g',)), ('http://kasei.us/data0.rdf', 'file:///etc/passwd'))
    """
    if not dataset.default and not dataset.named:
        return Held(dataset, ())
    names = graphs()
    unknown = tuple(dict.fromkeys(g for g in (*dataset.default, *dataset.named) if g not in names))
    if not unknown:
        return Held(dataset, ())
    kept = Dataset(tuple(g for g in dataset.default if g in names), tuple(g for g in dataset.named if g in names))
    return Held(kept, unknown)


class Outbound:
    """Refuses what would make a store fetch from elsewhere: ``SERVICE`` (unless its endpoint is in ``federation``)
    and ``file:`` IRIs; and reads the graphs a query's ``FROM``/``FROM NAMED`` clauses name, resolved as the parser
    would (the query's ``BASE`` and ``PREFIX``, then ``base_iri`` and ``prefixes``).

    A graph named in a dataset (the query's, or the protocol's ``default-graph-uri``/``named-graph-uri``) is never
    refused, wherever it is: one the dataset does not hold is read as empty and never sent to a store (:func:`held`),
    ``file:`` IRIs included, so nothing is ever fetched or read for it.
    """

    def __init__(self, *, base_iri: str, prefixes: Mapping[str, str], federation: Sequence[str]) -> None:
        self.base_iri, self.prefixes, self.federation = base_iri, dict(prefixes), frozenset(federation)

    def check_query(self, text: str) -> Dataset | None:
        """Refuse ``SERVICE`` and ``file:`` IRIs (:class:`Refused`); return the query's own dataset, or ``None``
        when it has no ``FROM``/``FROM NAMED`` clause (or one the parser would refuse: an undeclared prefix)."""
        base, prefixes = self.base_iri, dict(self.prefixes)
        stream = list(lexer.tokens(text, comments=False))
        default: list[str] = []
        named: list[str] = []
        graph_names: set[int] = set()  # the tokens naming a graph in a FROM clause: not refused as files
        declared = unresolved = False
        for number, token in enumerate(stream):
            if token.kind == "iri" and number not in graph_names:
                _refuse_file(_resolve(token.iri, base))
            keyword = token.keyword
            following = stream[number + 1 : number + 4]
            if keyword == "BASE" and following and following[0].kind == "iri":
                base = _resolve(following[0].iri, base)
            elif keyword == "PREFIX" and len(following) > 1 and following[0].kind == "pname":
                if following[1].kind == "iri":
                    prefixes[following[0].text[:-1]] = _resolve(following[1].iri, base)
            elif keyword == "SERVICE":
                self._check_service(following, base, prefixes)
            elif keyword == "FROM":
                declared = True
                is_named = bool(following) and following[0].keyword == "NAMED"
                target = following[1:] if is_named else following
                iri = _named(target[0], base, prefixes) if target else None
                if iri is None:
                    unresolved = True
                    continue
                graph_names.add(number + (2 if is_named else 1))
                (named if is_named else default).append(iri)
        if not declared or unresolved:
            return None
        return Dataset(tuple(default), tuple(named))

    def _check_service(self, following: Sequence[lexer.Token], base: str, prefixes: Mapping[str, str]) -> None:
        if not self.federation:
            raise Refused(
                400,
                "SERVICE (a federated query) is not available on this endpoint: it never sends requests to other "
                "servers.",
            )
        target = following[1:] if following and following[0].keyword == "SILENT" else following
        iri = _named(target[0], base, prefixes) if target else None
        if iri is None or iri not in self.federation:
            shown = f"<{iri}>" if iri else "an endpoint given by a variable"
            allowed = ", ".join(f"<{url}>" for url in sorted(self.federation))
            raise Refused(400, f"SERVICE {shown} is not allowed; this endpoint may only call {allowed}.")


def _named(token: lexer.Token, base: str, prefixes: Mapping[str, str]) -> str | None:
    """The IRI an ``iri`` or ``pname`` token stands for (``None``: another kind, or an undeclared prefix, which the
    parser refuses anyway)."""
    if token.kind == "iri":
        return _resolve(token.iri, base)
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        namespace = prefixes.get(prefix)
        return None if namespace is None else namespace + _LOCAL_ESCAPE.sub(r"\1", local)
    return None


def _resolve(iri: str, base: str) -> str:
    return iri if _SCHEME.match(iri) else urljoin(base, iri)


def _refuse_file(iri: str) -> None:
    if iri[:5].lower() == "file:":
        raise Refused(400, f"<{iri}> is a file: IRI; this endpoint never reads files.")
