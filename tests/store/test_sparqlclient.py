"""The SPARQLWrapper client against a scripted local server: the requests it writes, auth challenges, safe
retries, timeouts, redirects and proxies not followed, and errors without secrets."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar
from urllib.parse import parse_qs

import pytest

from awardgraph import __version__
from awardgraph.store.base import StoreError, StoreUnavailable
from awardgraph.store.http import Credentials
from awardgraph.store.sparqlclient import SparqlClient
from tests.integration.servers import free_port

PASSWORD = "s3cret-Pa55"
ASK = "application/sparql-results+json"


class Scripted(BaseHTTPRequestHandler):
    """Answers by path: /basic needs Basic dba:PASSWORD; /echo echoes the password in a 400; /busy is 503;
    /hangup closes the connection without answering; /moved redirects; /slow answers after a second."""

    calls: ClassVar[dict[str, int]] = {}
    seen: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        path = self.path.split("?")[0]
        Scripted.calls[path] = Scripted.calls.get(path, 0) + 1
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        Scripted.seen.append((dict(self.headers.items()), body))
        if path == "/hangup":
            self.connection.shutdown(2)
            return
        if path == "/slow":
            time.sleep(1.0)
        expected = "Basic " + base64.b64encode(f"dba:{PASSWORD}".encode()).decode()
        if path == "/basic" and self.headers.get("Authorization") != expected:
            self._send(401, b"no", {"WWW-Authenticate": 'Basic realm="store"'})
        elif path == "/echo":
            self._send(400, f"bad request from dba with password {PASSWORD}".encode(), {})
        elif path == "/busy":
            self._send(503, b"maintenance", {})
        elif path == "/moved":
            self._send(302, b"", {"Location": "/elsewhere"})
        else:
            self._send(200, b'{"head":{},"boolean":true}', {"Content-Type": f"{ASK}; charset=utf-8"})

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def url() -> Iterator[str]:
    Scripted.calls, Scripted.seen = {}, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Scripted)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def client() -> SparqlClient:
    return SparqlClient(Credentials(user="dba", password=PASSWORD), retries=2, backoff=0.0)


def test_a_query_is_a_form_post_with_its_dataset_and_an_update_a_direct_post(url: str, client: SparqlClient) -> None:
    reply = client.query(f"{url}/q", "ASK { ?s ?p ?o }", accept=ASK, form=[("default-graph-uri", "urn:g")])
    assert reply.status == 200 and reply.media_type == ASK and reply.body == b'{"head":{},"boolean":true}'
    headers, body = Scripted.seen[-1]
    assert parse_qs(body.decode()) == {"query": ["ASK { ?s ?p ?o }"], "default-graph-uri": ["urn:g"]}
    assert headers["Accept"] == ASK and headers["User-Agent"] == f"awardgraph/{__version__}"
    client.update(f"{url}/u", "DROP SILENT GRAPH <urn:g>")
    headers, body = Scripted.seen[-1]
    assert body == b"DROP SILENT GRAPH <urn:g>"
    assert headers["Content-Type"].startswith("application/sparql-update")


def test_auto_answers_the_scheme_the_server_challenges_with(url: str, client: SparqlClient) -> None:
    client.update(f"{url}/basic", "INSERT DATA { }")
    assert Scripted.calls["/basic"] == 2  # first without credentials, then answering the Basic challenge
    client.query(f"{url}/basic", "ASK { }", accept=ASK)
    assert Scripted.calls["/basic"] == 3  # the scheme is remembered


def test_a_wrong_password_is_a_clear_error_without_the_password(url: str) -> None:
    wrong = "wrong-" + PASSWORD
    bad = SparqlClient(Credentials(user="dba", password=wrong), backoff=0.0)
    with pytest.raises(StoreError) as caught:
        bad.query(f"{url}/basic?token=abc", "ASK { }", accept=ASK)
    message = str(caught.value)
    assert caught.value.status == 401 and not isinstance(caught.value, StoreUnavailable)
    assert "answered 401" in message and "not accepted (Basic)" in message and "'dba'" in message
    assert wrong not in message and "token=abc" not in message


def test_a_password_the_server_echoes_is_blanked_out(url: str, client: SparqlClient) -> None:
    with pytest.raises(StoreError) as caught:
        client.query(f"{url}/echo", "ASK { }", accept=ASK)
    assert caught.value.status == 400 and PASSWORD not in str(caught.value) and "***" in str(caught.value)


def test_5xx_is_unavailable_and_a_redirect_is_not_followed(url: str, client: SparqlClient) -> None:
    with pytest.raises(StoreUnavailable) as caught:
        client.query(f"{url}/busy", "ASK { }", accept=ASK)
    assert caught.value.status == 503 and "maintenance" in str(caught.value)
    with pytest.raises(StoreError) as moved:
        client.update(f"{url}/moved", "INSERT DATA { }")
    assert moved.value.status == 302 and "/elsewhere" not in Scripted.calls


def test_a_refused_connection_is_retried_then_reported(client: SparqlClient) -> None:
    url = f"http://dba:{PASSWORD}@127.0.0.1:{free_port()}/sparql"
    with pytest.raises(StoreUnavailable) as caught:
        client.update(url, "INSERT DATA { }")  # never sent: safe to retry even an update
    message = str(caught.value)
    assert "connection refused (3 attempts)" in message
    assert PASSWORD not in message and "dba" not in message


def test_a_dropped_update_is_not_sent_twice_but_a_dropped_query_is(url: str, client: SparqlClient) -> None:
    with pytest.raises(StoreUnavailable):
        client.update(f"{url}/hangup", "INSERT DATA { }")
    assert Scripted.calls["/hangup"] == 1
    with pytest.raises(StoreUnavailable) as caught:
        client.query(f"{url}/hangup", "ASK { }", accept=ASK)
    assert Scripted.calls["/hangup"] == 1 + 3
    assert "closed the connection without answering (3 attempts)" in str(caught.value)


def test_a_slow_answer_is_a_timeout(url: str) -> None:
    impatient = SparqlClient(timeout=0.3, retries=0)
    with pytest.raises(StoreUnavailable) as caught:
        impatient.query(f"{url}/slow", "ASK { }", accept=ASK)
    assert "no answer in time (timeout)" in str(caught.value)


def test_proxies_from_the_environment_are_not_used(
    url: str, client: SparqlClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{free_port()}")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    assert client.query(f"{url}/q", "ASK { }", accept=ASK).status == 200
