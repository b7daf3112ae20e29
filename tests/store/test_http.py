"""HTTP to remote stores against a scripted local server: auth challenges, retries, errors without secrets."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from awardgraph.config import Settings
from awardgraph.store.base import StoreError, StoreUnavailable
from awardgraph.store.http import Client, Credentials, public_url

PASSWORD = "s3cret-Pa55"


class Scripted(BaseHTTPRequestHandler):
    """Answers by path: /basic needs Basic dba:PASSWORD; /echo-401 echoes the password; /busy is 503;
    /hangup closes the connection without answering; anything else 200."""

    calls: ClassVar[dict[str, int]] = {}

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _answer(self) -> None:
        path = self.path.split("?")[0]
        Scripted.calls[path] = Scripted.calls.get(path, 0) + 1
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if path == "/hangup":
            self.close_connection = True
            self.wfile.flush()
            self.connection.shutdown(2)
            return
        if path == "/basic":
            expected = "Basic " + base64.b64encode(f"dba:{PASSWORD}".encode()).decode()
            if self.headers.get("Authorization") != expected:
                self._send(401, b"no", {"WWW-Authenticate": 'Basic realm="store"'})
                return
        if path == "/echo-401":
            self._send(400, f"bad request from dba with password {PASSWORD}".encode(), {})
            return
        if path == "/busy":
            self._send(503, b"maintenance", {})
            return
        self._send(200, b'{"head":{},"boolean":true}', {"Content-Type": "application/sparql-results+json"})

    def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _answer  # noqa: N815 - http.server's names


@pytest.fixture
def url() -> Iterator[str]:
    Scripted.calls = {}
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
def client() -> Iterator[Client]:
    made = Client(Credentials(user="dba", password=PASSWORD), retries=2, backoff=0.0)
    yield made
    made.close()


def test_auto_answers_the_scheme_the_server_challenges_with(url: str, client: Client) -> None:
    assert client.send("POST", f"{url}/basic", data=b"x", idempotent=False).status == 200
    assert Scripted.calls["/basic"] == 2  # first without credentials, then answering the Basic challenge
    client.send("POST", f"{url}/basic", data=b"x", idempotent=False)
    assert Scripted.calls["/basic"] == 3  # the scheme is remembered


def test_a_wrong_password_is_a_clear_error_without_the_password(url: str) -> None:
    wrong = "wrong-" + PASSWORD
    bad = Client(Credentials(user="dba", password=wrong), backoff=0.0)
    try:
        with pytest.raises(StoreError) as caught:
            bad.send("GET", f"{url}/basic?token=abc", idempotent=True)
    finally:
        bad.close()
    message = str(caught.value)
    assert caught.value.status == 401 and not isinstance(caught.value, StoreUnavailable)
    assert "answered 401" in message and "not accepted" in message and "'dba'" in message
    assert wrong not in message and "token=abc" not in message


def test_a_password_the_server_echoes_is_blanked_out(url: str, client: Client) -> None:
    with pytest.raises(StoreError) as caught:
        client.send("POST", f"{url}/echo-401", data=b"x", idempotent=False)
    assert PASSWORD not in str(caught.value) and "***" in str(caught.value)


def test_5xx_is_unavailable(url: str, client: Client) -> None:
    with pytest.raises(StoreUnavailable) as caught:
        client.send("GET", f"{url}/busy", idempotent=True)
    assert caught.value.status == 503 and "maintenance" in str(caught.value)


def test_a_refused_connection_is_retried_then_reported(client: Client) -> None:
    from tests.integration.servers import free_port

    url = f"http://dba:{PASSWORD}@127.0.0.1:{free_port()}/sparql"
    with pytest.raises(StoreUnavailable) as caught:
        client.send("POST", url, data=b"x", idempotent=False)  # never sent: safe to retry even an update
    message = str(caught.value)
    assert "connection refused (3 attempts)" in message
    assert PASSWORD not in message and "dba" not in message


def test_a_dropped_update_is_not_sent_twice_but_a_dropped_query_is(url: str, client: Client) -> None:
    with pytest.raises(StoreUnavailable):
        client.send("POST", f"{url}/hangup", data=b"INSERT DATA {}", idempotent=False)
    assert Scripted.calls["/hangup"] == 1
    with pytest.raises(StoreUnavailable):
        client.send("POST", f"{url}/hangup", data=b"ASK {}", idempotent=True)
    assert Scripted.calls["/hangup"] == 1 + 3


def test_urls_in_messages_lose_user_info_and_query() -> None:
    assert public_url("https://u:p@store.example:8443/sparql?key=k#x") == "https://store.example:8443/sparql"


def test_settings_never_show_secrets() -> None:
    settings = Settings(endpoint="http://127.0.0.1:1/q", auth_user="dba", auth_password=PASSWORD)
    assert PASSWORD not in repr(settings)
    assert "tok-123" not in repr(Settings(auth_token="tok-123"))
