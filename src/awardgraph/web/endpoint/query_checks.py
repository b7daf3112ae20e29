"""What is checked in a user query before any SPARQL parser sees it: its size, its nesting, and whether it would make
a store reach outside the dataset (``SERVICE``, graphs that are not local, ``file:`` IRIs).

The checks read the query's tokens (:func:`awardgraph.queries.lexer.tokens`: strings, comments and IRIs are whole
tokens, so ``"SERVICE"`` or ``# FROM <x>`` never count, while ``sErViCe`` after a comment or inside an
``OPTIONAL``/``FILTER EXISTS``/subquery does). They take a few milliseconds on the largest query accepted.

>>> nesting_depth("SELECT * { { { ?s ?p ?o } } FILTER(!!BOUND(?s)) }")
4
>>> outbound = Outbound(base_iri="https://example.org/", prefixes={}, federation=())
>>> try:
...     outbound.check_query("SELECT * { ?s ?p ?o # }\\n OPTIONAL { sErViCe <http://10.0.0.1/> {} } }", set)
... except Refused as refused:
...     print(refused.status, refused.message)
400 SERVICE (a federated query) is not available on this endpoint: it never sends requests to other servers.
"""

from __future__ import annotations

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


class Outbound:
    """Refuses what would make a store fetch from elsewhere: ``SERVICE`` (unless its endpoint is in ``federation``),
    ``FROM``/``FROM NAMED`` and protocol graph parameters that name graphs outside the dataset, ``file:`` IRIs.

    A graph is local when the dataset holds it or its IRI is under ``base_iri``; ``graphs`` lists the dataset's
    graphs and is only called when a graph outside the base is named.
    """

    def __init__(self, *, base_iri: str, prefixes: Mapping[str, str], federation: Sequence[str]) -> None:
        self.base_iri, self.prefixes, self.federation = base_iri, dict(prefixes), frozenset(federation)

    def check_query(self, text: str, graphs: Graphs) -> None:
        base, prefixes = self.base_iri, dict(self.prefixes)
        stream = list(lexer.tokens(text, comments=False))
        for number, token in enumerate(stream):
            if token.kind == "iri":
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
                target = following[1:] if following and following[0].keyword == "NAMED" else following
                iri = _named(target[0], base, prefixes) if target else None
                if iri is not None:
                    self._check_graph(iri, graphs, "FROM")

    def check_dataset(self, default_graphs: Iterable[str], named_graphs: Iterable[str], graphs: Graphs) -> None:
        """The protocol's ``default-graph-uri`` and ``named-graph-uri`` values must name local graphs too."""
        for parameter, values in (("default-graph-uri", default_graphs), ("named-graph-uri", named_graphs)):
            for value in values:
                _refuse_file(value)
                self._check_graph(value, graphs, parameter)

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

    def _check_graph(self, iri: str, graphs: Graphs, where: str) -> None:
        if iri.startswith(self.base_iri) or iri in graphs():
            return
        raise Refused(
            400,
            f"{where} <{iri}> names a graph this dataset does not hold; graphs are never fetched from elsewhere. "
            "The service description (GET /sparql) lists the dataset's graphs.",
        )


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
