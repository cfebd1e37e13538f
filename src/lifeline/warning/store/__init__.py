"""Tables and the repository of the warning context."""

from __future__ import annotations

from lifeline.warning.store.repository import SqlWarningRepository
from lifeline.warning.store.tables import (
    alarms,
    comments,
    rule_versions,
    rules,
    silences,
    snapshots,
)

__all__ = [
    "SqlWarningRepository",
    "alarms",
    "comments",
    "rule_versions",
    "rules",
    "silences",
    "snapshots",
]
