"""One finding of validation (a SHACL result or a dataset rule), independent of where it came from."""

from __future__ import annotations

import dataclasses
import enum

from rdflib.term import Node


class Severity(enum.Enum):
    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"


@dataclasses.dataclass(frozen=True)
class Finding:
    """What is wrong, where (focus node, path, value) and which rule said so."""

    severity: Severity
    message: str
    rule: str
    focus: Node | None = None
    path: str | None = None
    value: Node | None = None
