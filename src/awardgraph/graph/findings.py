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
class Statement:
    """A statement a finding refers to besides its own (e.g. the edition dates a distinction's date contradicts)."""

    subject: Node
    predicate: str
    object: Node
    graph: Node | None = None


@dataclasses.dataclass(frozen=True)
class Finding:
    """What is wrong, where (focus node, path, value, and the graph if the rule knows it) and which rule said so.

    The offending statement is (focus, path, value); a report places it at the line that states it, or, for a
    statement that is missing, at the focus node's block. ``group`` is the text findings are grouped under when
    each one's ``message`` names its own values; ``related`` are statements the message compares it with.
    """

    severity: Severity
    message: str
    rule: str
    focus: Node | None = None
    path: str | None = None
    value: Node | None = None
    graph: Node | None = None
    group: str | None = None
    related: tuple[Statement, ...] = ()

    @property
    def headline(self) -> str:
        """What the findings of this one's group have in common."""
        return self.group or self.message
