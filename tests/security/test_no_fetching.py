"""Nothing is fetched while building either: a JSON-LD file's remote ``@context`` is refused (Oxigraph's parser has
no way to load one), and ``owl:imports`` are data, never followed. A listener started by the test sees no call."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from realserver import Listener
from tests.conftest import MINI_DATA, MINI_SHAPES

from awardgraph.config import Settings
from awardgraph.graph.build import build
from awardgraph.graph.load import LoadError


@pytest.fixture
def listener() -> Iterator[Listener]:
    made = Listener()
    yield made
    made.close()


def test_a_remote_jsonld_context_is_refused(tmp_path: Path, listener: Listener) -> None:
    data = tmp_path / "remote-context.jsonld"
    data.write_text(
        f'{{"@context": "{listener.url}context.jsonld", "@id": "id/place/x", "label": "x"}}', encoding="utf-8"
    )
    settings = Settings(store=tmp_path / "store", data=(*MINI_DATA, data), shapes=MINI_SHAPES)
    with pytest.raises(LoadError) as refused:
        build(settings)
    assert "remote-context.jsonld" in str(refused.value)
    assert listener.calls == []


def test_owl_imports_are_not_followed(tmp_path: Path, listener: Listener) -> None:
    ontology = tmp_path / "imports.ttl"
    ontology.write_text(
        f"<ontology/extra> a <http://www.w3.org/2002/07/owl#Ontology> ;\n"
        f"    <http://www.w3.org/2002/07/owl#imports> <{listener.url}other.ttl> .\n",
        encoding="utf-8",
    )
    settings = Settings(store=tmp_path / "store", data=(*MINI_DATA, ontology), shapes=MINI_SHAPES)
    try:
        build(settings)
    except Exception as exc:  # the fixture's shapes may not like an extra ontology; what matters is below
        assert "other.ttl" not in str(exc)
    assert listener.calls == []
