"""``awardgraph query --endpoint`` against real stores: the remote store adapter (authentication, the same errors
as the embedded store), and every output format whatever the store can write."""

from __future__ import annotations

import csv
import io
import json

import pytest

from awardgraph.commands.cli import EXIT_INPUT, EXIT_OK, main
from awardgraph.graph.publish import publish
from tests.conftest import MINI_DATA, MINI_SHAPES
from tests.integration.servers import Server, free_port

LABELS = "SELECT ?l WHERE { <id/place/lublin> <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?l"


@pytest.fixture
def flags(server: Server, base_iri: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The mini dataset published under a base of its own, and the flags that query it."""
    for name in ("AWARDGRAPH_ENDPOINT", "AWARDGRAPH_AUTH_USER", "AWARDGRAPH_AUTH_PASSWORD", "AWARDGRAPH_STORE"):
        monkeypatch.delenv(name, raising=False)
    settings = server.settings(base_iri, data=MINI_DATA, shapes=MINI_SHAPES)
    publish(settings)
    monkeypatch.setenv("AWARDGRAPH_DEFAULT_GRAPH", settings.default_graph)  # where this store keeps the default graph
    found = ["--endpoint", str(settings.endpoint), "--base-iri", base_iri]
    if settings.auth_user:
        monkeypatch.setenv("AG_TEST_PASSWORD", str(settings.auth_password))
        found += ["--auth-user", settings.auth_user, "--auth-password-env", "AG_TEST_PASSWORD"]
    return found


def test_every_format(flags: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", LABELS, *flags, "--format", "csv"]) == EXIT_OK
    assert list(csv.reader(io.StringIO(capsys.readouterr().out))) == [["l"], ["Lublin"], ["Lublin"]]
    assert main(["query", LABELS, *flags, "--format", "json"]) == EXIT_OK
    bindings = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert sorted(b["l"]["xml:lang"] for b in bindings) == ["en", "pl"]
    assert main(["query", LABELS, *flags, "--format", "tsv"]) == EXIT_OK
    assert sorted(capsys.readouterr().out.splitlines()[1:]) == ['"Lublin"@en', '"Lublin"@pl']
    assert main(["query", LABELS, *flags]) == EXIT_OK
    assert "Lublin@pl" in capsys.readouterr().out
    assert main(["query", "DESCRIBE <id/place/lublin>", *flags, "--format", "turtle"]) == EXIT_OK
    assert '"Lublin"@pl' in capsys.readouterr().out


def test_errors_are_the_embedded_stores(flags: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "SELECT * WHERE { ?s ?p }", *flags]) == EXIT_INPUT
    assert "not valid SPARQL: error at 1:" in capsys.readouterr().err
    assert main(["query", LABELS, *flags, "--format", "turtle"]) == EXIT_INPUT
    assert "SELECT and ASK give a table" in capsys.readouterr().err


def test_credentials_and_reachability(server: Server, flags: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    unreachable = ["--endpoint", f"http://127.0.0.1:{free_port()}/sparql", *flags[2:]]
    assert main(["query", "ASK {}", *unreachable]) == EXIT_INPUT
    assert "cannot reach the store" in capsys.readouterr().err
    if server.password is None:
        return  # Oxigraph server has no authentication
    wrong = [*flags[:4], "--auth-user", "dba", "--auth-password-env", "AG_WRONG"]
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AG_WRONG", "not-the-password")
        assert main(["query", "ASK {}", *wrong]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "not accepted" in err and "not-the-password" not in err and server.password not in err
