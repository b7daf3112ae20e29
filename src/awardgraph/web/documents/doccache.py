"""Rendered documents kept per build and answered without Flask or the store.

The data changes only when a build is switched in, so a resource document, a named graph's document or a list page
rendered once is the answer to every later request for the same representation of the same build. This WSGI
middleware sits in front of the Flask app for ``GET``/``HEAD`` of those paths:

- the key is what the answer depends on: path, query string, ``Accept`` and ``Accept-Language`` (the views read
  nothing else of a request), and the build being served (one ``readlink`` for a store directory);
- a miss goes to the app; a ``200`` carrying the build's ``ETag`` is kept with its headers, its body, and the body
  gzip-compressed once (:data:`GZIP_FROM` bytes and more);
- a ``HEAD`` is a ``GET`` without the body: on a miss the app answers the ``GET`` (which is kept), so both carry the
  same headers;
- a hit is answered from memory: ``304`` when ``If-None-Match`` (weak comparison) or ``If-Modified-Since`` says the
  client's copy is current, else the body, gzipped when the client accepts it (``Vary: Accept-Encoding``);
- memory is bounded by what is really held, keys included: least recently used entries go past ``max_bytes``, and
  a request whose key is over :data:`MAX_KEY` bytes (a long query string, a huge ``Accept``) is answered by the app
  and not kept; a new build empties the cache.

Anything else (other methods and paths, a request with a body, errors, answers without the build's ETag) passes
through to the app untouched, so every defence and error page stays the app's.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import gzip
import threading
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.http import parse_date, parse_etags

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]

CACHED_PATHS = ("/doc/", "/graph/", "/list/")
MAX_BYTES = 64 * 1024 * 1024  # per server worker
MAX_KEY = 4096  # characters of path, query string, Accept and Accept-Language a kept answer's key may have
GZIP_FROM = 1024  # bytes: smaller bodies are sent as they are
GZIP_LEVEL = 6
_DROPPED_FROM_304 = {"content-type", "content-length", "content-encoding"}


@dataclasses.dataclass(frozen=True)
class Entry:
    """One kept answer: status line, headers (without length and encoding), body, and the body gzipped."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    gzipped: bytes | None
    etag: str  # without quotes
    built: dt.datetime | None

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"") + sum(len(k) + len(v) for k, v in self.headers) + 256


class DocumentCache:
    """The middleware (see the module's documentation). ``build_id`` names the build being served now, or
    ``None`` when there is none to name (then requests go to the app)."""

    def __init__(self, app: WSGIApp, build_id: Callable[[], str | None], *, max_bytes: int = MAX_BYTES) -> None:
        self.app, self.build_id, self.max_bytes = app, build_id, max_bytes
        self._entries: collections.OrderedDict[tuple[str, ...], Entry] = collections.OrderedDict()
        self._build: str | None = None
        self._bytes = 0
        self._lock = threading.Lock()

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "")
        if method not in ("GET", "HEAD") or not path.startswith(CACHED_PATHS) or _has_body(environ):
            return self.app(environ, start_response)
        try:
            build = self.build_id()
        except Exception:  # the app answers why there is nothing to serve (no build, store unreachable)
            build = None
        if build is None:
            return self.app(environ, start_response)
        key = (
            path,
            environ.get("QUERY_STRING", ""),
            environ.get("HTTP_ACCEPT", ""),
            environ.get("HTTP_ACCEPT_LANGUAGE", ""),
        )
        if sum(map(len, key)) > MAX_KEY:  # kept, it would cost more than most documents: the app answers it
            return self.app(environ, start_response)
        entry = self._get(build, key)
        if entry is None:
            # a HEAD is answered as the GET would be: the app makes the GET's answer, which is kept, and its headers
            # are sent without the body
            filled = self._fill({**environ, "REQUEST_METHOD": "GET"}, start_response, build, key)
            if not isinstance(filled, Entry):
                return [] if method == "HEAD" else [filled]
            entry = filled
        return _answer(entry, environ, start_response)

    @property
    def size(self) -> int:
        """Bytes held now (keys, bodies, compressed bodies, headers)."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def _get(self, build: str, key: tuple[str, ...]) -> Entry | None:
        with self._lock:
            if build != self._build:  # a new build: nothing kept is current any more
                self._entries.clear()
                self._bytes, self._build = 0, build
                return None
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def _fill(self, environ: Environ, start_response: StartResponse, build: str, key: tuple[str, ...]) -> Entry | bytes:
        """Ask the app; keep and return its answer if it is a document of ``build``, else start the response as
        the app did and return the body to send."""
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], None]:
            captured.update(status=status, headers=headers, exc_info=exc_info)
            return lambda _data: None  # Flask never writes through it

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status, headers = captured["status"], captured["headers"]
        entry = _entry(status, headers, body, build)
        if entry is None:
            start_response(status, headers, captured["exc_info"])
            return body
        self._put(build, key, entry)
        return entry

    def _put(self, build: str, key: tuple[str, ...], entry: Entry) -> None:
        if entry.size > self.max_bytes // 16:
            return  # a rare huge page is not worth what it would push out
        with self._lock:
            if build != self._build:
                return
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= _held(key, old)
            self._entries[key] = entry
            self._bytes += _held(key, entry)
            while self._bytes > self.max_bytes and self._entries:
                dropped_key, dropped = self._entries.popitem(last=False)
                self._bytes -= _held(dropped_key, dropped)


def _held(key: tuple[str, ...], entry: Entry) -> int:
    """The bytes an entry holds: its answer and its key."""
    return entry.size + sum(map(len, key))


def _has_body(environ: Environ) -> bool:
    length = environ.get("CONTENT_LENGTH") or "0"
    return length not in ("0", "") or "HTTP_TRANSFER_ENCODING" in environ


def _entry(status: str, headers: list[tuple[str, str]], body: bytes, build: str) -> Entry | None:
    """The answer as an entry, if it may be kept: a ``200`` whose ``ETag`` names ``build``, setting no cookie."""
    if not status.startswith("200 "):
        return None
    names = {k.lower(): v for k, v in headers}
    etag = names.get("etag", "").strip().strip('"')
    if not etag.startswith(f"{build}-") or "set-cookie" in names or "content-encoding" in names:
        return None
    kept = [(k, v) for k, v in headers if k.lower() not in ("content-length", "content-encoding")]
    gzipped = None
    if len(body) >= GZIP_FROM:
        gzipped = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
        vary = names.get("vary")
        kept = [(k, v) for k, v in kept if k.lower() != "vary"]
        kept.append(("Vary", f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"))
    built = parse_date(names["last-modified"]) if "last-modified" in names else None
    return Entry(status, tuple(kept), body, gzipped, etag, built)


def _answer(entry: Entry, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
    """``entry`` as the answer to this request: 304, or the body (gzipped if accepted), or only headers (HEAD)."""
    compressed = entry.gzipped is not None and _accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING"))
    etag = f"{entry.etag}-gzip" if compressed else entry.etag
    headers = [(k, v) if k.lower() != "etag" else (k, f'"{etag}"') for k, v in entry.headers]
    if _not_modified(entry, environ):
        start_response("304 Not Modified", [(k, v) for k, v in headers if k.lower() not in _DROPPED_FROM_304])
        return []
    body = entry.gzipped if compressed and entry.gzipped is not None else entry.body
    if compressed:
        headers.append(("Content-Encoding", "gzip"))
    headers.append(("Content-Length", str(len(body))))
    start_response(entry.status, headers)
    return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


def _not_modified(entry: Entry, environ: Environ) -> bool:
    """Whether the client's copy is current: ``If-None-Match`` (weak comparison, either encoding's ETag), else
    ``If-Modified-Since`` (as :func:`awardgraph.web.respond.not_modified`)."""
    match = environ.get("HTTP_IF_NONE_MATCH")
    if match:
        etags = parse_etags(match)
        return etags.contains_weak(entry.etag) or etags.contains_weak(f"{entry.etag}-gzip")
    since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    return since is not None and entry.built is not None and entry.built <= since


def _accepts_gzip(header: str | None) -> bool:
    """Whether ``Accept-Encoding`` allows gzip (named, or by ``*``, with a quality above 0)."""
    qualities: dict[str, float] = {}
    for part in (header or "").split(","):
        name, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        qualities[name.lower()] = quality
    return qualities.get("gzip", qualities.get("*", 0.0)) > 0
