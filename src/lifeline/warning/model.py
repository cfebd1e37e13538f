"""Early-warning domain types: level scales, versioned rules, alarms, silences and comments.

Pure: no I/O, no clock reads. The rule *definition* (what a rule evaluates) lives in
``rules.py``; this module holds what the service stores and changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.events import StoredEvent
from lifeline.kernel.ports import RepoKey


# --- level scales ------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Level:
    """One level of a scale; ``rank`` orders levels (1 is the mildest, higher is more severe)."""

    code: str
    rank: int
    name: str
    name_en: str


@dataclass(frozen=True, slots=True)
class LevelScale:
    """A warning-level scale kept as data (national colours, Shenzhen typhoon signals …)."""

    code: str
    name: str
    name_en: str
    levels: tuple[Level, ...]

    def level(self, code: str, field: str = "level") -> Level:
        """The level called ``code`` or ``InvalidInput`` naming ``field``."""
        for lvl in self.levels:
            if lvl.code == code:
                return lvl
        codes = ", ".join(lvl.code for lvl in self.levels)
        raise InvalidInput(field, f"{code!r} is not a level of scale {self.code!r} ({codes})")

    def by_rank(self, rank: int) -> Level | None:
        for lvl in self.levels:
            if lvl.rank == rank:
                return lvl
        return None

    @property
    def top(self) -> Level:
        return max(self.levels, key=lambda lvl: lvl.rank)


# --- rules -------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Rule:
    """A rule's identity and current version; every change of definition is a new version."""

    id: str
    organisation_id: str
    path: str
    name: str
    version: int
    enabled: bool
    definition: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    created_by: str


@dataclass(frozen=True, slots=True)
class RuleVersion:
    """One kept version of a rule's definition (history is never rewritten)."""

    rule_id: str
    version: int
    definition: dict[str, Any]
    enabled: bool
    created_at: datetime
    created_by: str
    note: str = ""


# --- alarms ------------------------------------------------------------------------------------
class AlarmStatus(StrEnum):
    OPEN = "open"
    CLEARED = "cleared"


@dataclass(slots=True)
class Alarm:
    """An alarm for one (rule, source). At most one is open per pair; it keeps the snapshot of
    the rule version that raised it (``rule_snapshot``) and the evidence, so editing the rule
    never changes an alarm or an escalation in flight.

    ``escalation_step`` is the index of the next escalation step to run at ``next_step_at``;
    ``repeats_done`` counts how often a ``repeat`` step has gone back to the start.
    """

    id: str
    rule_id: str
    rule_version: int
    rule_snapshot: dict[str, Any]
    source_id: str
    thing_id: str | None
    organisation_id: str
    path: str
    area_id: str | None
    lon: float | None
    lat: float | None
    scale: str
    level: str
    rank: int
    max_rank: int
    hazard: str
    title: str
    status: AlarmStatus
    raised_at: datetime
    updated_at: datetime
    evidence: dict[str, Any]
    exercise: bool = False
    retrigger_count: int = 0
    acknowledged_at: datetime | None = None
    acknowledged_by: str | None = None
    assigned_to: str | None = None
    cleared_at: datetime | None = None
    clear_reason: str | None = None
    flapping: bool = False
    clear_pending_since: datetime | None = None
    changes: list[float] = field(default_factory=list)  # Unix seconds of recent raise/clear
    incident_proposed: bool = False
    escalation_step: int = 0
    next_step_at: datetime | None = None
    repeats_done: int = 0

    @property
    def is_open(self) -> bool:
        return self.status is AlarmStatus.OPEN


@dataclass(frozen=True, slots=True)
class AlarmComment:
    id: str
    alarm_id: str
    author: str
    text: str
    at: datetime


# --- silences and maintenance windows ----------------------------------------------------------
class SilenceKind(StrEnum):
    SILENCE = "silence"  # an operator mutes known noise
    MAINTENANCE = "maintenance"  # equipment is being worked on


@dataclass(frozen=True, slots=True)
class Silence:
    """While ``starts_at <= now < ends_at`` (and not ended), transitions matching it raise no
    alarm. A matcher left ``None`` matches anything; everything must lie in ``path``."""

    id: str
    kind: SilenceKind
    organisation_id: str
    path: str
    starts_at: datetime
    ends_at: datetime
    reason: str
    created_by: str
    created_at: datetime
    rule_id: str | None = None
    source_id: str | None = None
    thing_id: str | None = None
    ended_at: datetime | None = None

    def active_at(self, at: datetime) -> bool:
        end = min(self.ends_at, self.ended_at) if self.ended_at else self.ends_at
        return self.starts_at <= at < end

    def matches(
        self, *, rule_id: str, source_id: str, thing_id: str | None, path: str, at: datetime
    ) -> bool:
        return (
            self.active_at(at)
            and path.startswith(self.path)
            and self.rule_id in (None, rule_id)
            and self.source_id in (None, source_id)
            and (self.thing_id is None or self.thing_id == thing_id)
        )


# --- roll-up -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RollupNode:
    """Open alarms under one node of the tree (organisation path, area, thing or source)."""

    kind: str  # "organisation", "thing" or "source"
    id: str
    parent_id: str | None
    open: int
    unacknowledged: int
    max_rank: int
    by_level: dict[str, int]


# --- the repository port -----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AlarmFilter:
    status: AlarmStatus | None = None
    rule_id: str | None = None
    source_id: str | None = None
    min_rank: int | None = None
    hazard: str | None = None
    acknowledged: bool | None = None
    organisation_path: str | None = None


class WarningRepository(Protocol):
    def add_rule(self, rule: Rule, version: RuleVersion) -> None: ...

    def update_rule(self, rule: Rule, version: RuleVersion) -> None: ...

    def get_rule(self, rule_id: str) -> Rule | None: ...

    def list_rules(
        self, scope_paths: Sequence[str], limit: int, offset: int
    ) -> tuple[list[Rule], int]: ...

    def enabled_rules(self) -> list[Rule]: ...

    def rules_stamp(self) -> str: ...

    def rule_versions(self, rule_id: str) -> list[RuleVersion]: ...

    def add_alarm(self, alarm: Alarm) -> None: ...

    def save_alarm(self, alarm: Alarm) -> None: ...

    def get_alarm(self, alarm_id: str) -> Alarm | None: ...

    def open_alarm_for(self, rule_id: str, source_id: str) -> Alarm | None: ...

    def latest_alarm_for(self, rule_id: str, source_id: str) -> Alarm | None: ...

    def current_alarm_for(self, rule_id: str, source_id: str) -> Alarm | None:
        """In one read: the open alarm of (rule, source) if there is one, else the latest."""
        ...

    def open_alarms(self, scope_paths: Sequence[str] | None = None) -> list[Alarm]: ...

    def due_alarms(self, now: datetime) -> list[Alarm]: ...

    def list_alarms(
        self, scope_paths: Sequence[str], flt: AlarmFilter, limit: int, offset: int
    ) -> tuple[list[Alarm], int]: ...

    def last_event_seq(self) -> int: ...

    def alarm_events_after(
        self, after_seq: int, scope_paths: Sequence[str], limit: int
    ) -> tuple[list[StoredEvent], int]: ...

    def add_comment(self, comment: AlarmComment) -> None: ...

    def comments(self, alarm_id: str) -> list[AlarmComment]: ...

    def add_silence(self, silence: Silence) -> None: ...

    def save_silence(self, silence: Silence) -> None: ...

    def get_silence(self, silence_id: str) -> Silence | None: ...

    def active_silences(self, at: datetime) -> list[Silence]: ...

    def current_silences(self, at: datetime) -> list[Silence]:
        """Silences not ended and not over at ``at``: the active and the future ones."""
        ...

    def list_silences(self, scope_paths: Sequence[str]) -> list[Silence]: ...

    def load_snapshot(self, name: str, *, for_update: bool = False) -> bytes | None:
        """The saved in-memory state ``name`` (``for_update``: locked until commit)."""
        ...

    def save_snapshot(self, name: str, payload: bytes, at: datetime) -> None: ...


WARNING: RepoKey[WarningRepository] = RepoKey("warning")
