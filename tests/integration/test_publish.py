"""``awardgraph publish`` against real Oxigraph server and Virtuoso: counts, queries, replacement, credentials."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from awardgraph.commands.cli import EXIT_INPUT, EXIT_INVALID, EXIT_OK, main
from awardgraph.config import DEFAULT_BASE_IRI, Settings
from awardgraph.graph.publish import STAGING, PublishFailed, publish
from awardgraph.store.remote import RemoteStore, open_remote
from tests.conftest import FIXTURES, MINI_DATA, MINI_SHAPES
from tests.integration.servers import Server

RDFS = "http://www.w3.org/2000/01/rdf-schema#"
COMPETENCY = Path(__file__).parent.parent / "competency"


def _graph_counts(store: RemoteStore, base_iri: str) -> dict[str, int]:
    return store.graph_counts(store.graphs(base_iri, fresh=True))


def _staging_left(store: RemoteStore, base_iri: str) -> list[str]:
    return [g for g in store.graphs(STAGING, fresh=True) if base_iri in g]


def test_publish_mini_fixture_counts_and_query(server: Server, base_iri: str) -> None:
    settings = server.settings(base_iri, data=MINI_DATA, shapes=MINI_SHAPES)
    said: list[str] = []
    result = publish(settings, said.append)
    assert any(line.startswith("staging: ") for line in said)
    assert any(line.startswith("switched ") for line in said)
    store = open_remote(settings)
    try:
        assert store.count() == result.triples
        assert sum(_graph_counts(store, base_iri).values()) == result.triples
        assert f"{base_iri}graph/mini/f01" in store.graphs()
        rows = store.query(
            "SELECT ?label WHERE { <id/place/lublin> rdfs:label ?label } ORDER BY ?label",
            base_iri=base_iri,
            prefixes={"rdfs": RDFS},
        )
        assert isinstance(rows, ox.QuerySolutions)
        assert sorted((r["label"].value, r["label"].language) for r in rows) == [("Lublin", "en"), ("Lublin", "pl")]
        asked = store.query("ASK { ?this a <http://schema.org/City> }", substitutions={"this": _iri(base_iri)})
        assert isinstance(asked, ox.QueryBoolean) and bool(asked)
        triples = store.query(
            "CONSTRUCT { ?this ?p ?o } WHERE { GRAPH ?g { ?this ?p ?o } }", substitutions={"this": _iri(base_iri)}
        )
        assert isinstance(triples, ox.QueryTriples)
        assert len(list(triples)) == 3
        assert not _staging_left(store, base_iri)
    finally:
        store.close()


def _iri(base_iri: str) -> ox.NamedNode:
    return ox.NamedNode(f"{base_iri}id/place/lublin")


def test_publish_the_project_data_and_answer_the_competency_questions(server: Server) -> None:
    settings = server.settings(DEFAULT_BASE_IRI)  # the questions name the default base IRI
    result = publish(settings)
    store = open_remote(settings)
    try:
        assert store.count() == result.triples
        wrong = {}
        for rq in sorted(COMPETENCY.glob("*.rq")):
            expected_file = rq.with_name(rq.name.removesuffix(".rq") + ".expected.csv")
            expected = list(csv.reader(io.StringIO(expected_file.read_text(encoding="utf-8"))))
            query = rq.read_text(encoding="utf-8")
            answer = _answer(store.query(query))
            if not re.search(r"\bORDER\s+BY\b", query, re.I):  # the same rule as tests/competency
                answer, expected = [answer[0], *sorted(answer[1:])], [expected[0], *sorted(expected[1:])]
            if answer != expected:
                wrong[rq.stem] = (answer, expected)
        assert not wrong
    finally:
        store.close()


def _answer(result: object) -> list[list[str]]:
    if isinstance(result, ox.QueryBoolean):
        return [["ask"], ["true" if bool(result) else "false"]]
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    return [names, *([("" if row[n] is None else str(row[n].value)) for n in names] for row in result)]


def test_publishing_twice_replaces_and_removes_graphs_the_data_lost(
    server: Server, base_iri: str, scratch: Path
) -> None:
    extra = scratch / "extra.trig"
    extra.write_text(
        "@prefix ag: <ontology#> .\n@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        '<graph/extra/f02> { <id/place/lublin> <http://schema.org/alternateName> "Lublin (city)"@en . }\n'
        "<graph/provenance> { <graph/extra/f02> a ag:Assertion ; ag:assertionStatus ag:stated ; "
        "prov:wasDerivedFrom <id/source/mini> . }\n",
        encoding="utf-8",
    )
    bigger = server.settings(base_iri, data=(*MINI_DATA, extra), shapes=MINI_SHAPES)
    smaller = server.settings(base_iri, data=MINI_DATA, shapes=MINI_SHAPES)
    first = publish(smaller)
    second = publish(bigger)
    assert second.triples > first.triples
    third = publish(smaller)
    assert third.removed == [f"{base_iri}graph/extra/f02"]
    store = open_remote(smaller)
    try:
        counts = _graph_counts(store, base_iri)
        assert f"{base_iri}graph/extra/f02" not in counts
        assert sum(counts.values()) == third.triples  # replaced, not appended
        assert not _staging_left(store, base_iri)
    finally:
        store.close()


def test_graph_store_protocol_loading(server: Server, base_iri: str) -> None:
    settings = server.settings(base_iri, graph_store=True, data=MINI_DATA, shapes=MINI_SHAPES)
    said: list[str] = []
    result = publish(settings, said.append)
    assert (
        sum(1 for line in said if line.startswith("staging: ")) == result.graphs + 1
    )  # one PUT per graph, and the default
    store = open_remote(settings)
    try:
        assert store.count() == result.triples
    finally:
        store.close()


def test_invalid_data_is_not_published(server: Server, base_iri: str, capsys: pytest.CaptureFixture[str]) -> None:
    good = server.settings(base_iri, data=MINI_DATA, shapes=MINI_SHAPES)
    before = publish(good).triples
    bad = FIXTURES / "build" / "bad-label.trig"
    args = ["publish", "--base-iri", base_iri, "--endpoint", str(good.endpoint), "--quiet"]
    args += ["--data", str(MINI_DATA[0]), "--data", str(bad), "--shapes", str(MINI_SHAPES[0])]
    args += _auth_args(good)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AG_TEST_PASSWORD", good.auth_password or "")
        assert main(args) == EXIT_INVALID
    assert "does not conform" in capsys.readouterr().err
    store = open_remote(good)
    try:
        assert store.count() == before
    finally:
        store.close()


def _auth_args(settings: Settings) -> list[str]:
    out = ["--update-endpoint", str(settings.update_endpoint)] if settings.update_endpoint else []
    if settings.auth_user:
        out += ["--auth-user", settings.auth_user, "--auth-password-env", "AG_TEST_PASSWORD"]
    return out


def test_cli_publish_reports_progress_and_summary(
    server: Server, base_iri: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = server.settings(base_iri)
    monkeypatch.setenv("AG_TEST_PASSWORD", settings.auth_password or "")
    monkeypatch.setenv("AWARDGRAPH_DEFAULT_GRAPH", settings.default_graph)  # where this store keeps the default graph
    args = ["publish", "--base-iri", base_iri, "--endpoint", str(settings.endpoint)]
    args += ["--data", str(MINI_DATA[0]), "--shapes", str(MINI_SHAPES[0]), *_auth_args(settings)]
    assert main(args) == EXIT_OK
    out, err = capsys.readouterr()
    assert "Published " in out and "triples in 4 graphs" in out  # the data's two, the description and the shapes
    assert "switched 4 graphs and the default graph in one update request" in err
    if settings.auth_password:
        assert settings.auth_password not in out + err


@pytest.mark.parametrize("server", ["virtuoso"], indirect=True)  # Oxigraph server has no authentication
def test_bad_credentials_give_a_clear_error_without_the_password(
    server: Server, base_iri: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert server.password is not None
    wrong = "not-the-password-" + server.password[::-1]
    monkeypatch.setenv("AG_TEST_PASSWORD", wrong)
    settings = server.settings(base_iri, data=MINI_DATA, shapes=MINI_SHAPES)
    args = ["publish", "--base-iri", base_iri, "--endpoint", str(settings.endpoint), "--auth-user", "dba"]
    args += ["--auth-password-env", "AG_TEST_PASSWORD", "--data", str(MINI_DATA[0]), "--shapes", str(MINI_SHAPES[0])]
    assert main(args) == EXIT_INPUT
    err = capsys.readouterr().err
    assert "401" in err and "not accepted" in err and "'dba'" in err
    assert wrong not in err and server.password not in err
    assert "Traceback" not in err
    with pytest.raises(PublishFailed) as caught:
        publish(settings.replace(auth_user=None, auth_password=None, auth_token="secret-token-1234"))
    assert "token was not accepted" in str(caught.value) and "secret-token-1234" not in str(caught.value)


def test_an_unreachable_store_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    from tests.integration.servers import free_port

    url = f"http://127.0.0.1:{free_port()}/sparql"
    args = ["publish", "--endpoint", url, "--data", str(MINI_DATA[0]), "--shapes", str(MINI_SHAPES[0])]
    assert main(args) == EXIT_INPUT
    err = capsys.readouterr().err
    assert f"cannot reach the store at {url}: connection refused" in err
    assert "Nothing was changed" in err
