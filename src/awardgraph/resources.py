"""Where the project's own ontology, data and shapes live: the repository, or the wheel's copy of them."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    """The folder ``name`` (ontology, data or shapes): the checkout's when run from source, else the wheel's."""
    checkout = _PACKAGE.parent.parent / name
    if checkout.is_dir() and (_PACKAGE.parent.parent / "pyproject.toml").is_file():
        return checkout
    return _PACKAGE / "_resources" / name


def default_data_paths() -> tuple[Path, ...]:
    return (resource_dir("ontology"), resource_dir("data"))


def default_shapes_paths() -> tuple[Path, ...]:
    return (resource_dir("shapes"),)
