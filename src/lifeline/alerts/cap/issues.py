"""Problems found in a CAP message, with the element path and how bad they are."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Fatal(StrEnum):
    """How bad an issue is: ``FATAL`` stops the model being built; ``RULE`` breaks a rule of the
    specification but the message is still understood (lenient mode accepts it with a warning)."""

    FATAL = "fatal"
    RULE = "rule"


@dataclass(frozen=True, slots=True)
class CapIssue:
    """One problem found in a CAP message: where (an element path) and why."""

    path: str
    reason: str
    kind: Fatal = Fatal.RULE
