"""Limits every request meets before a view runs, and who the client is.

- A request target longer than ``max_url`` bytes: 414. (granian refuses a request head over 408 KiB itself: 431.)
- A body longer than ``max_body`` bytes, by its ``Content-Length`` or as it is read: 413, and the connection is
  closed. A declared body of up to :data:`DRAIN` bytes is read and thrown away first: clients that write the whole
  body before they read (Python's urllib, and SPARQLWrapper through it) would otherwise meet a closed socket and
  report a broken pipe instead of the 413. A larger one is not read (it may be a flood): the 413 is sent at once.
- The client is the socket peer's address; an IPv6 client is its /64 network (an address of one's own is cheap
  there). Only when the peer is one of ``trusted_proxies`` is ``X-Forwarded-For`` read, from the right, skipping
  the trusted proxies; the first other address is the client. No other header (``Forwarded``, ``X-Real-IP``) is
  believed.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from urllib.parse import quote

from flask import Flask, Request, Response, request

from awardgraph.config import Settings
from awardgraph.web.errors import Problem

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
DRAIN = 64 << 20  # bytes of a refused body read and thrown away so that the client reads its 413
CHUNK = 1 << 20


def install(app: Flask, settings: Settings) -> None:
    """Apply the request limits of ``settings`` to ``app``."""
    app.config.update(MAX_CONTENT_LENGTH=settings.max_body, MAX_FORM_MEMORY_SIZE=settings.max_body)

    @app.before_request
    def _limits() -> None:
        length = len(target(request))
        if length > settings.max_url:
            raise Problem(
                414,
                f"The request's URL is {length:,} bytes long; at most {settings.max_url:,} are accepted.",
                detail="Send a long query with POST (form-encoded or application/sparql-query).",
            )
        if request.content_length is not None and request.content_length > settings.max_body:
            if request.content_length <= DRAIN:
                _discard(request.content_length)
            raise Problem(
                413,
                f"The request's body is {request.content_length:,} bytes long; at most {settings.max_body:,} are "
                "accepted.",
                headers={"Connection": "close"},
            )

    @app.after_request
    def _close_after_refused_body(response: Response) -> Response:
        if response.status_code == 413:
            response.headers["Connection"] = "close"
        return response


def _discard(length: int) -> None:
    """Read and drop ``length`` bytes of the request's body (fewer if the client stops sending)."""
    stream = request.environ["wsgi.input"]
    while length > 0:
        chunk = stream.read(min(CHUNK, length))
        if not chunk:
            return
        length -= len(chunk)


def target(req: Request) -> str:
    """The request target as the client sent it (where the server keeps it: ``RAW_URI``, ``REQUEST_URI``), or as
    rebuilt from the path and query string."""
    raw = req.environ.get("RAW_URI") or req.environ.get("REQUEST_URI")
    if isinstance(raw, str) and raw:
        return raw
    query = req.environ.get("QUERY_STRING", "")
    path = quote(req.environ.get("PATH_INFO", ""), safe="/;=,:@!$&'()*+~")
    return f"{path}?{query}" if query else path


def trusted(networks: Sequence[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(n, strict=False) for n in networks)


def client(req: Request, proxies: Sequence[Network]) -> str:
    """Who is asking: the peer's address (an IPv6 client as its /64), or behind a trusted proxy the address that
    proxy saw (see the module's documentation)."""
    peer = _address(req.remote_addr)
    if peer is not None and proxies and _inside(peer, proxies):
        hops = [h.strip() for h in ",".join(req.headers.getlist("X-Forwarded-For")).split(",") if h.strip()]
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                break  # a malformed hop: trust nothing further to its left
            peer = address
            if not _inside(address, proxies):
                break
    if peer is None:
        return req.remote_addr or "unknown"
    if isinstance(peer, ipaddress.IPv6Address):
        if peer.ipv4_mapped is not None:
            return str(peer.ipv4_mapped)
        return str(ipaddress.IPv6Network((peer, 64), strict=False))
    return str(peer)


def _address(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not text:
        return None
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def _inside(address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: Sequence[Network]) -> bool:
    return any(address.version == n.version and address in n for n in networks)
