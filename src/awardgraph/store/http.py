"""HTTP for remote stores with requests: a session, timeouts, safe retries, authentication, errors without secrets.

- **Timeouts**: every request has a connect timeout and a read timeout; nothing waits forever.
- **Retries**: a request that never reached the server (the connection was refused or could not be opened) is
  retried whatever it is; one that may have reached it (reset, read timeout) is retried only when it is
  idempotent (queries, Graph Store ``PUT``/``DELETE``), never a SPARQL Update ``POST``.
- **Authentication**: HTTP Basic or Digest with a user and password, or a bearer token. ``auto`` sends nothing
  until the server challenges, then answers the scheme it names (Virtuoso's ``/sparql-auth`` asks for Digest,
  Fuseki and GraphDB for Basic), and keeps that scheme for later requests.
- **Errors**: :class:`~awardgraph.store.base.StoreUnavailable` for connection failures and 502/503/504 answers
  (worth trying again later), :class:`~awardgraph.store.base.StoreError` for everything else (a 500 included: the
  store is there but failed). Messages name the URL without user info or query string, and any credential that a
  server might echo is blanked out; ``detail`` holds the store's own words (or the reason it was not reached)
  without the URL.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, Sequence
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from awardgraph import __version__
from awardgraph.store.base import StoreError, StoreUnavailable

AuthScheme = Literal["auto", "basic", "digest"]
USER_AGENT = f"awardgraph/{__version__}"
UNAVAILABLE = (502, 503, 504)  # statuses that say "not now" (a gateway or the store itself), not "never"


@dataclasses.dataclass(frozen=True, kw_only=True)
class Credentials:
    """A user and password, or a token; ``repr`` never shows the secret."""

    user: str | None = None
    password: str | None = dataclasses.field(default=None, repr=False)
    token: str | None = dataclasses.field(default=None, repr=False)
    scheme: AuthScheme = "auto"

    def secrets(self) -> list[str]:
        return [s for s in (self.password, self.token) if s]


@dataclasses.dataclass(frozen=True)
class Reply:
    """A successful answer: status, media type (no parameters) and body."""

    status: int
    media_type: str
    body: bytes
    headers: Mapping[str, str]


def public_url(url: str) -> str:
    """``url`` as it may appear in a message: no user info, no query string, no fragment."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


class Client:
    """One HTTP session to a store's endpoints."""

    def __init__(
        self,
        credentials: Credentials | None = None,
        *,
        timeout: float = 30.0,
        retries: int = 2,
        backoff: float = 0.25,
    ) -> None:
        self._credentials = credentials or Credentials()
        self._timeout, self._retries, self._backoff = timeout, retries, backoff
        self._session = requests.Session()
        self._session.headers["User-Agent"] = USER_AGENT
        self._session.trust_env = False  # no proxy or .netrc credentials picked up behind the settings' back
        self._auth: AuthBase | None = self._initial_auth()

    def close(self) -> None:
        self._session.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        params: Sequence[tuple[str, str]] = (),
        data: bytes | Sequence[tuple[str, str]] | None = None,
        headers: dict[str, str] | None = None,
        idempotent: bool,
        timeout: float | None = None,
        expect: Sequence[int] = (200, 201, 204),
    ) -> Reply:
        """Send one request (with the retries that are safe) and return the answer, or raise a store error."""
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._request(method, url, params, data, headers, timeout)
            except requests.RequestException as exc:
                reached = not _never_sent(exc)
                if attempt > self._retries or (reached and not idempotent):
                    reason = _reason(exc)
                    raise StoreUnavailable(self._unreachable(url, reason, attempt), detail=reason) from None
                time.sleep(self._backoff * 2 ** (attempt - 1))
                continue
            if response.status_code == 401 and self._answer_challenge(response):
                response = self._request(method, url, params, data, headers, timeout)
            if response.status_code in expect:
                media = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
                return Reply(response.status_code, media, response.content, response.headers)
            raise self._failure(url, response)

    def query(self, endpoint: str, text: str, *, accept: str, form: Sequence[tuple[str, str]] = ()) -> Reply:
        """A SPARQL query (``POST``, form-encoded, with the dataset parameters ``form``); retried when safe."""
        return self.send("POST", endpoint, data=[("query", text), *form], headers={"Accept": accept}, idempotent=True)

    def update(self, endpoint: str, text: str, *, timeout: float | None = None) -> None:
        """One SPARQL Update request, never sent twice once it may have reached the store."""
        self.send(
            "POST",
            endpoint,
            data=text.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
            idempotent=False,
            timeout=timeout,
        )

    def _request(
        self,
        method: str,
        url: str,
        params: Sequence[tuple[str, str]],
        data: bytes | Sequence[tuple[str, str]] | None,
        headers: dict[str, str] | None,
        timeout: float | None,
    ) -> requests.Response:
        read = timeout if timeout is not None else self._timeout
        return self._session.request(
            method,
            url,
            params=list(params),
            data=data,
            headers=headers,
            auth=self._auth,
            timeout=(min(10.0, read), read),
            allow_redirects=False,
        )

    def _initial_auth(self) -> AuthBase | None:
        c = self._credentials
        if c.token:
            return _Bearer(c.token)
        if c.user is None:
            return None
        if c.scheme == "basic":
            return HTTPBasicAuth(c.user, c.password or "")
        if c.scheme == "digest":
            return HTTPDigestAuth(c.user, c.password or "")
        return None  # auto: wait for the server's challenge

    def _answer_challenge(self, response: requests.Response) -> bool:
        """In ``auto`` mode, pick the scheme the server asks for; ``True`` when the request should be re-sent."""
        c = self._credentials
        if c.user is None or c.token or c.scheme != "auto" or self._auth is not None:
            return False
        challenge = response.headers.get("WWW-Authenticate", "").lower()
        if challenge.startswith("digest") or ", digest" in challenge:
            self._auth = HTTPDigestAuth(c.user, c.password or "")
        elif "basic" in challenge:
            self._auth = HTTPBasicAuth(c.user, c.password or "")
        else:
            return False
        return True

    def _failure(self, url: str, response: requests.Response) -> StoreError:
        scheme = None if self._auth is None else type(self._auth).__name__.removeprefix("HTTP")[:-4]
        return failure(self._credentials, url, response.status_code, response.reason, response.text, scheme)

    def _unreachable(self, url: str, reason: str, attempts: int) -> str:
        return unreachable(self._credentials, url, reason, attempts)


def failure(
    credentials: Credentials, url: str, status: int, reason: str | None, text: str, scheme: str | None
) -> StoreError:
    """The error for a store's answer other than success: what the store said, no secret, no query string.
    ``scheme``: the authentication the request was sent with (``Basic``, ``Digest``), if any."""
    where = f"the store at {public_url(url)} answered {status} {reason or ''}".rstrip()
    if status == 401:
        c = credentials
        if c.token:
            why = "the token was not accepted (AWARDGRAPH_AUTH_TOKEN)"
        elif c.user is not None:
            why = f"the user name or password was not accepted{f' ({scheme})' if scheme else ''} for user {c.user!r}"
        else:
            why = "it needs credentials: set AWARDGRAPH_AUTH_USER and AWARDGRAPH_AUTH_PASSWORD, or a token"
        return StoreError(f"{where}: {why}", status=status)
    if status == 403:
        return StoreError(f"{where}: the user may not do this (read-only endpoint or missing grant)", status=status)
    detail = redact(credentials, " ".join(text.split()))[:400]
    message = f"{where}: {detail}" if detail else where
    if status in UNAVAILABLE:
        return StoreUnavailable(message, status=status, detail=detail or None)
    return StoreError(message, status=status, detail=detail or None)


def unreachable(credentials: Credentials, url: str, reason: str, attempts: int) -> str:
    """The message for a store that was not reached (or did not answer), after ``attempts`` tries."""
    tries = f" ({attempts} attempts)" if attempts > 1 else ""
    return redact(credentials, f"cannot reach the store at {public_url(url)}: {reason}{tries}")


def redact(credentials: Credentials, text: str) -> str:
    """``text`` with every secret of ``credentials`` replaced by ``***`` (a server may echo them)."""
    for secret in credentials.secrets():
        text = text.replace(secret, "***")
    return text


class _Bearer(AuthBase):
    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request


def _never_sent(exc: requests.RequestException) -> bool:
    """Whether the request certainly never reached the server (safe to send again, whatever it does)."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    if isinstance(exc, requests.ConnectionError):
        text = repr(exc)
        return "NewConnectionError" in text or "ConnectionRefusedError" in text
    return False


_REASONS = (
    ("refused", "connection refused"),
    ("RemoteDisconnected", "the store closed the connection without answering"),
    ("reset by peer", "the connection was reset by the store"),
    ("Connection aborted", "the connection was closed by the store"),
    ("Name or service not known", "unknown host name"),
    ("No route to host", "no route to host"),
    ("more than 100 headers", "the answer had more than 100 headers (Virtuoso sends one per graph of the dataset)"),
)


def _reason(exc: requests.RequestException) -> str:
    return "no answer in time (timeout)" if isinstance(exc, requests.Timeout) else root_reason(exc)


def root_reason(exc: BaseException) -> str:
    """A short reason (``connection refused``) from requests' or urllib's exception, not the long wrapper text
    (which names paths)."""
    text = repr(exc)
    for needle, reason in _REASONS:
        if needle in text:
            return reason
    return type(exc).__name__
