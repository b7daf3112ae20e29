"""The SPARQL protocol client of remote stores: SPARQLWrapper, with the behaviour ``docs/deployment.md`` promises.

SPARQLWrapper writes each request (query or update form, protocol dataset parameters, ``Accept``, Basic
credentials); this module keeps what it does not give:

- **Its own opener.** SPARQLWrapper opens requests with urllib's process-wide opener, and for Digest installs a new
  one process-wide on every request. Requests are opened here with an opener of this client's own: no proxy or
  credentials from the environment, no redirects followed, Digest answered by a handler bound to this client,
  and a connect timeout of at most :data:`CONNECT_SECONDS` besides the read timeout.
- **Retries** only where safe: a request that never reached the store (refused, no route, connect timeout) is
  sent again whatever it is; one that may have reached it only when it is a query. An update is never sent twice.
- **Authentication** ``auto`` sends nothing until the store challenges, then answers the scheme it names and keeps
  it (Virtuoso's ``/sparql-auth`` asks for Digest); ``basic``/``digest`` from the start; a token as a bearer.
- **Errors** as :mod:`awardgraph.store.http` words them: no credentials, no query string, 502-504 and connection
  failures :class:`~awardgraph.store.base.StoreUnavailable`.
"""

from __future__ import annotations

import errno
import http.client
import socket
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Sequence
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

from SPARQLWrapper import BASIC, POST, POSTDIRECTLY, SELECT, URLENCODED, SPARQLWrapper
from SPARQLWrapper.Wrapper import INSERT

from awardgraph.store.base import StoreUnavailable
from awardgraph.store.http import USER_AGENT, Credentials, Reply, failure, root_reason, unreachable

CONNECT_SECONDS = 10.0  # connecting waits at most this long, whatever the read timeout


class SparqlClient:
    """Queries and updates to one store's endpoints through SPARQLWrapper (see the module docstring)."""

    def __init__(
        self, credentials: Credentials | None = None, *, timeout: float = 30.0, retries: int = 2, backoff: float = 0.25
    ) -> None:
        self._credentials = credentials or Credentials()
        self._timeout, self._retries, self._backoff = timeout, retries, backoff
        c = self._credentials
        self._scheme: str | None = None if c.token or c.user is None or c.scheme == "auto" else c.scheme
        self._opener = self._build_opener()

    def close(self) -> None:
        """Nothing to release: every request has its own connection."""

    def query(self, endpoint: str, text: str, *, accept: str, form: Sequence[tuple[str, str]] = ()) -> Reply:
        """A SPARQL query (``POST``, form-encoded, with the dataset parameters ``form``); retried when safe."""
        endpoint = _without_user_info(endpoint)
        wrapper = self._wrapper(endpoint, text, SELECT, URLENCODED)
        wrapper.addCustomHttpHeader("Accept", accept)
        for name, value in form:
            wrapper.addParameter(name, value)
        return self._send(wrapper, endpoint, idempotent=True, timeout=self._timeout)

    def update(self, endpoint: str, text: str, *, timeout: float | None = None) -> None:
        """One SPARQL Update request (``application/sparql-update``), never sent twice once it may have arrived."""
        endpoint = _without_user_info(endpoint)
        wrapper = self._wrapper(endpoint, text, INSERT, POSTDIRECTLY)
        wrapper.addCustomHttpHeader("Content-Type", "application/sparql-update; charset=utf-8")
        self._send(wrapper, endpoint, idempotent=False, timeout=self._timeout if timeout is None else timeout)

    def _wrapper(self, endpoint: str, text: str, kind: str, encoding: str) -> _Wrapper:
        wrapper = _Wrapper(endpoint, updateEndpoint=endpoint, agent=USER_AGENT, opener=self._opener)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(encoding)
        wrapper.setOnlyConneg(True)  # no format/output parameters: the Accept header says what is wanted
        with warnings.catch_warnings():  # its guess of the query form warns on a prologue it does not know
            warnings.simplefilter("ignore", RuntimeWarning)
            wrapper.setQuery(text)
        wrapper.queryType = kind  # the caller knows whether this is a query or an update; no guessing
        c = self._credentials
        if c.token:
            wrapper.addCustomHttpHeader("Authorization", f"Bearer {c.token}")
        elif self._scheme == "basic" and c.user is not None:
            wrapper.setCredentials(c.user, c.password or "")
            wrapper.setHTTPAuth(BASIC)
        return wrapper

    def _send(self, wrapper: _Wrapper, url: str, *, idempotent: bool, timeout: float) -> Reply:
        attempt = 0
        while True:
            attempt += 1
            wrapper.open_timeout = timeout
            try:
                return _reply(wrapper.query().response)
            except urllib.error.HTTPError as exc:
                try:
                    body = exc.read().decode("utf-8", "replace") if exc.fp is not None else ""
                finally:
                    exc.close()
                if exc.code == 401 and self._answer_challenge(exc):
                    return self._send(self._again(wrapper), url, idempotent=idempotent, timeout=timeout)
                raise failure(self._credentials, url, exc.code, exc.reason, body, self._scheme_name()) from None
            except (OSError, http.client.HTTPException) as exc:
                reached = not _never_sent(exc)
                if attempt > self._retries or (reached and not idempotent):
                    reason = _reason(exc)
                    raise StoreUnavailable(
                        unreachable(self._credentials, url, reason, attempt), detail=reason
                    ) from None
                time.sleep(self._backoff * 2 ** (attempt - 1))

    def _answer_challenge(self, exc: urllib.error.HTTPError) -> bool:
        """In ``auto`` mode, take the scheme the store asks for; ``True`` when the request should be sent again."""
        c = self._credentials
        if c.user is None or c.token or c.scheme != "auto" or self._scheme is not None:
            return False
        challenge = (exc.headers.get("WWW-Authenticate") or "").lower()
        if challenge.startswith("digest") or ", digest" in challenge:
            self._scheme = "digest"
        elif "basic" in challenge:
            self._scheme = "basic"
        else:
            return False
        self._opener = self._build_opener()
        return True

    def _again(self, wrapper: _Wrapper) -> _Wrapper:
        """The same request, written again with the scheme just learnt."""
        again = self._wrapper(wrapper.endpoint, wrapper.queryString, wrapper.queryType or SELECT, wrapper.requestMethod)
        again.customHttpHeaders.update(wrapper.customHttpHeaders)
        again.parameters = {k: list(v) for k, v in wrapper.parameters.items()}
        return again

    def _scheme_name(self) -> str | None:
        return {"basic": "Basic", "digest": "Digest"}.get(self._scheme or "")

    def _build_opener(self) -> urllib.request.OpenerDirector:
        handlers: list[urllib.request.BaseHandler] = [
            urllib.request.ProxyHandler({}),
            _NoRedirect(),
            _HTTPHandler(),
            _HTTPSHandler(),
        ]
        c = self._credentials
        if self._scheme == "digest" and c.user is not None:
            handlers.append(_Digest(_OnePassword(c.user, c.password or "")))
        return urllib.request.build_opener(*handlers)


class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper whose requests go through the client's opener, with its timeouts."""

    def __init__(self, endpoint: str, *, updateEndpoint: str, agent: str, opener: Any) -> None:  # noqa: N803
        super().__init__(endpoint, updateEndpoint=updateEndpoint, agent=agent)
        self._opener = opener
        self.open_timeout = 30.0

    def _query(self) -> tuple[http.client.HTTPResponse, str]:
        response = self._opener.open(self._createRequest(), timeout=self.open_timeout)
        return response, self.returnFormat


def _reply(response: http.client.HTTPResponse) -> Reply:
    body = response.read()  # a timeout or reset while reading is an OSError, as while connecting
    response.close()
    media = (response.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    return Reply(response.status, media, body, dict(response.headers.items()))


class _ConnectFirst(http.client.HTTPConnection):
    """Connects within :data:`CONNECT_SECONDS`, then reads with the request's own timeout."""

    def connect(self) -> None:
        read = self.timeout
        self.timeout = min(CONNECT_SECONDS, read) if isinstance(read, float | int) else CONNECT_SECONDS
        try:
            super().connect()
        finally:
            self.timeout = read
        self.sock.settimeout(read)


class _ConnectFirstTLS(_ConnectFirst, http.client.HTTPSConnection):
    """The same over TLS: HTTPSConnection.connect wraps the socket that HTTPConnection.connect (reached through
    :class:`_ConnectFirst`, within the connect timeout) opened."""


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_ConnectFirst, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(_ConnectFirstTLS, req)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other: the store's URL is wrong, and a POST must not become a GET."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class _OnePassword(urllib.request.HTTPPasswordMgr):
    """The store's user and password for whatever realm it names: the opener talks to this store only."""

    def __init__(self, user: str, password: str) -> None:
        super().__init__()
        self._pair = (user, password)

    def find_user_password(self, realm: str | None, authuri: str) -> tuple[str, str]:
        return self._pair


class _Digest(urllib.request.HTTPDigestAuthHandler):
    """Answers a Digest challenge once per request: refused credentials are a 401, not five more tries."""

    def http_error_401(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: Any
    ) -> http.client.HTTPResponse | None:
        if req.get_header("Authorization"):
            return None
        answer: http.client.HTTPResponse | None = super().http_error_401(req, fp, code, msg, headers)
        if answer is not None:
            fp.close()  # the challenge, answered
        return answer


def _without_user_info(url: str) -> str:
    """``url`` without ``user:password@`` (urllib would read it as part of the host name)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _never_sent(exc: BaseException) -> bool:
    """Whether the request certainly never reached the store (safe to send again, whatever it does)."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else None
    if not isinstance(reason, OSError):
        return False  # failed while reading the answer: the request was sent
    return isinstance(reason, ConnectionRefusedError | TimeoutError | socket.gaierror) or reason.errno in (
        errno.EHOSTUNREACH,
        errno.ENETUNREACH,
    )


def _reason(exc: BaseException) -> str:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError):
        return "no answer in time (timeout)"
    return root_reason(reason if isinstance(reason, BaseException) else exc)
