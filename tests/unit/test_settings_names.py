"""An ``AWARDGRAPH_*`` variable that is no setting is refused at start with the closest setting's name, so that a
misspelt setting is not silently ignored."""

from __future__ import annotations

import pytest

from awardgraph.commands.cli import EXIT_INPUT, EXIT_OK, main
from awardgraph.config import ConfigError, Settings, setting_variables


def test_a_misspelt_setting_is_refused_with_the_closest_name() -> None:
    with pytest.raises(ConfigError, match=r"AWARDGRAPH_QUERY_TIMOUT is not a setting; did you mean "):
        Settings.from_env({"AWARDGRAPH_QUERY_TIMOUT": "5"})
    with pytest.raises(ConfigError, match=r"did you mean AWARDGRAPH_SHAPES\?"):
        Settings.from_env({"AWARDGRAPH_SHAPE": "shapes/"})


def test_a_name_like_no_setting_is_refused_without_a_guess() -> None:
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"AWARDGRAPH_XYZZY": ""})
    assert str(caught.value) == "AWARDGRAPH_XYZZY is not a setting (every setting is listed in docs/settings.md)"


def test_settings_other_variables_and_named_secrets_are_accepted() -> None:
    env = {
        **dict.fromkeys(setting_variables(), ""),  # empty: not set
        "AWARDGRAPH_FUZZ_CASES": "10",  # read by the test suite
        "AWARDGRAPH_ARTIFACTS": "/tmp/artifacts",
        "AWARDGRAPH_PUBLISH_SECRET": "pw",  # named by --auth-password-env
        "AWARDGRAPH_SHAPES": "a.ttl",
        "OTHER_PROGRAM_SETTING": "x",
    }
    settings = Settings.from_env(env, known={"AWARDGRAPH_PUBLISH_SECRET"})
    assert [str(path) for path in settings.shapes] == ["a.ttl"]
    with pytest.raises(ConfigError, match="AWARDGRAPH_PUBLISH_SECRET is not a setting"):
        Settings.from_env(env)


def test_the_gone_union_graphs_setting_keeps_its_own_message() -> None:
    with pytest.raises(ConfigError, match="AWARDGRAPH_UNION_GRAPHS is gone"):
        Settings.from_env({"AWARDGRAPH_UNION_GRAPHS": "1"})


def test_the_cli_exits_2_naming_the_setting_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWARDGRAPH_BASE_URI", "https://example.org/")
    assert main(["query", "ASK {}", "--store", "/nonexistent"]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert err == (
        "awardgraph: AWARDGRAPH_BASE_URI is not a setting; did you mean AWARDGRAPH_BASE_IRI? "
        "(every setting is listed in docs/settings.md)\n"
    )


def test_the_cli_accepts_the_variable_a_flag_names(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWARDGRAPH_READER_PASSWORD", "secret")
    flags = ["--auth-user", "reader", "--auth-password-env", "AWARDGRAPH_READER_PASSWORD"]
    code = main(["query", "ASK {}", "--endpoint", "http://127.0.0.1:9/sparql", *flags])
    err = capsys.readouterr().err
    assert "is not a setting" not in err and code != EXIT_OK  # it got as far as the (closed) port
