"""Asking a system a query over HTTP, and turning its answer into a normalised form that compares across systems.

Normalisation: blank nodes become ``_:`` (the data has none; the dataset description has a few), language tags
are lowercased, ``xsd:string`` equals a plain literal, and numbers compare by value (Virtuoso answers a COUNT as
``xsd:int``, Oxigraph as ``xsd:integer``). Graph answers are parsed with pyoxigraph, and duplicate triples dropped
(a CONSTRUCT answer is a set). Rows of a query with ORDER BY compare in order; all others as multisets.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

import pyoxigraph

XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGERS = {
    XSD + t
    for t in [
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    ]
}
NUMBERS = INTEGERS | {XSD + "decimal", XSD + "double", XSD + "float"}
SELECT_TYPES = "application/sparql-results+json"
GRAPH_TYPES = "application/n-triples, text/turtle;q=0.9"
MAX_GET = 6000  # longer queries are POSTed (form-encoded): request lines have limits


@dataclass
class Outcome:
    status: str  # "ok", "timeout", "error"
    seconds: float
    body: bytes = b""
    content_type: str = ""
    detail: str = ""


class Client:
    """One keep-alive HTTP/1.1 connection to a server (http.client: about 0.2 ms per request on this machine,
    where requests adds more than 1 ms, which would hide the differences between fast servers)."""

    IDLE = 5.0  # reconnect after this long unused: Oxigraph server answers 500 "Resource temporarily unavailable
    # (os error 11)" on a keep-alive connection left idle for about a minute, instead of closing it

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.connection: http.client.HTTPConnection | None = None
        self.used = 0.0

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def request(
        self, method: str, path: str, *, headers: dict[str, str], body: bytes | None, timeout: float
    ) -> Outcome:
        """Send one request and read the whole answer; the time covers both."""
        if time.monotonic() - self.used > self.IDLE:
            self.close()
        start = time.perf_counter()
        for attempt in (1, 2):  # a keep-alive connection the server closed in between is reopened once
            reused = self.connection is not None
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
            self.connection.timeout = timeout
            if self.connection.sock is not None:
                self.connection.sock.settimeout(timeout)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                answer = self.connection.getresponse()
                data = answer.read()
            except TimeoutError:
                self.close()
                return Outcome("timeout", time.perf_counter() - start, detail=f"no answer within {timeout:.0f} s")
            except (OSError, http.client.HTTPException) as error:
                self.close()
                if attempt == 1 and reused:
                    start = time.perf_counter()
                    continue
                return Outcome("error", time.perf_counter() - start, detail=f"{type(error).__name__}: {error}"[:300])
            break
        seconds = time.perf_counter() - start
        self.used = time.monotonic()
        if answer.getheader("Connection", "").lower() == "close":
            self.close()
        if seconds > timeout:
            return Outcome("timeout", seconds, detail=f"answer took {seconds:.1f} s")
        if answer.status != 200:
            text = data[:300].decode("utf-8", "replace")
            return Outcome("error", seconds, detail=f"HTTP {answer.status}: {text}")
        return Outcome("ok", seconds, data, answer.getheader("Content-Type", ""))

    def query(self, path: str, query: str, *, accept: str, timeout: float) -> Outcome:
        """A SPARQL query: GET (POST form-encoded when the URL would be too long)."""
        encoded = urlencode({"query": query})
        if len(encoded) < MAX_GET:
            return self.request("GET", f"{path}?{encoded}", headers={"Accept": accept}, body=None, timeout=timeout)
        headers = {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, headers=headers, body=encoded.encode(), timeout=timeout)

    def get(self, path: str, *, accept: str, timeout: float) -> Outcome:
        return self.request("GET", path, headers={"Accept": accept}, body=None, timeout=timeout)


def literal(value: str, lang: str | None, datatype: str | None) -> str:
    if lang:
        return f'"{value}"@{lang.lower()}'
    if datatype in NUMBERS:
        try:
            number = Decimal(value)
        except InvalidOperation:
            return f'"{value}"^^<{datatype}>'
        return f"{number.normalize():f}" if datatype not in INTEGERS else str(int(number))
    if datatype == XSD + "dateTime" and value.endswith("+00:00"):  # rdflib writes UTC so, Oxigraph as Z
        value = value[:-6] + "Z"
    if datatype and datatype != XSD + "string":
        return f'"{value}"^^<{datatype}>'
    return f'"{value}"'


def json_term(term: dict[str, str] | None) -> str:
    if term is None:
        return "UNDEF"
    kind = term["type"]
    if kind == "uri":
        return f"<{term['value']}>"
    if kind == "bnode":
        return "_:"
    return literal(term["value"], term.get("xml:lang"), term.get("datatype"))


def oxi_term(term: object) -> str:
    if isinstance(term, pyoxigraph.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, pyoxigraph.BlankNode):
        return "_:"
    assert isinstance(term, pyoxigraph.Literal)
    return literal(term.value, term.language, term.datatype.value)


def graph_format(content_type: str) -> pyoxigraph.RdfFormat:
    media = content_type.split(";")[0].strip().lower()
    if media in ("text/plain", "text/ntriples"):
        return pyoxigraph.RdfFormat.N_TRIPLES
    found = pyoxigraph.RdfFormat.from_media_type(media)
    if found is None:
        raise ValueError(f"unexpected graph media type {content_type!r}")
    return found


@dataclass
class Canon:
    """A normalised answer: its rows (sorted unless ordered) and their digest."""

    rows: list[str] = field(default_factory=list)
    digest: str = ""

    @property
    def count(self) -> int:
        return len(self.rows)


def canonical(outcome: Outcome, *, ordered: bool) -> Canon:
    media = outcome.content_type.split(";")[0].strip().lower()
    if "json" in media and "ld+json" not in media:
        data = json.loads(outcome.body)
        if "boolean" in data:
            rows = ["true" if data["boolean"] else "false"]
        else:
            names = data["head"]["vars"]
            rows = ["\t".join(json_term(b.get(v)) for v in names) for b in data["results"]["bindings"]]
    else:
        triples = set(pyoxigraph.parse(outcome.body, format=graph_format(outcome.content_type)))
        rows = [" ".join(oxi_term(t) for t in (x.subject, x.predicate, x.object)) for x in triples]
    if not ordered:
        rows.sort()
    return Canon(rows, hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16])


def difference(reference: Canon, other: Canon, *, limit: int = 3) -> dict[str, object]:
    """Rows only in one of the two answers (a few of each), or where the order differs."""
    ref, oth = Counter(reference.rows), Counter(other.rows)
    missing, extra = list((ref - oth).elements()), list((oth - ref).elements())
    result: dict[str, object] = {"rows": other.count, "reference_rows": reference.count}
    if missing or extra:
        result.update(
            missing=len(missing), extra=len(extra), missing_sample=missing[:limit], extra_sample=extra[:limit]
        )
    else:
        first = next(i for i, (a, b) in enumerate(zip(reference.rows, other.rows, strict=True)) if a != b)
        result.update(order_differs_at=first, reference_row=reference.rows[first], row=other.rows[first])
    return result


def disagreements(canons: dict[str, Canon], *, preferred: str = "oxigraph-mem") -> list[dict[str, object]]:
    """The systems whose answer differs from the reference: the answer most systems give (on a tie, the one the
    ``preferred`` system gives), each with a sample of the difference."""
    if len(canons) < 2:
        return []
    votes: dict[str, list[str]] = {}
    for key, canon in canons.items():
        votes.setdefault(canon.digest, []).append(key)
    favourite = canons.get(preferred, next(iter(canons.values()))).digest
    reference = max(votes, key=lambda d: (len(votes[d]), d == favourite))
    ref_key = votes[reference][0]
    return [
        {"system": key, "reference": ref_key, **difference(canons[ref_key], canons[key])}
        for digest, keys in votes.items()
        if digest != reference
        for key in keys
    ]
