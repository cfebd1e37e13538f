"""Commands and queries of the warning context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from lifeline.kernel.events import Command, Query
from lifeline.security.model import Permission
from lifeline.warning.model import AlarmFilter, SilenceKind

READ, WRITE, HANDLE = Permission.ALARM_READ, Permission.RULE_WRITE, Permission.ALARM_HANDLE


# --- rules -------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class CreateRule(Command):
    """A new rule owned by ``organisation_id``; ``definition`` as in ``warning.rules``."""

    permission: ClassVar[str] = WRITE
    organisation_id: str
    definition: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class ReviseRule(Command):
    """A new version of the rule: a new ``definition`` and/or ``enabled`` flag."""

    permission: ClassVar[str] = WRITE
    rule_id: str
    definition: dict[str, Any] | None = None
    enabled: bool | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class GetRule(Query):
    permission: ClassVar[str] = READ
    rule_id: str


@dataclass(frozen=True, kw_only=True)
class ListRules(Query):
    permission: ClassVar[str] = READ
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, kw_only=True)
class RuleHistory(Query):
    permission: ClassVar[str] = READ
    rule_id: str


# --- alarms ------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class GetAlarm(Query):
    permission: ClassVar[str] = READ
    alarm_id: str


@dataclass(frozen=True, kw_only=True)
class ListAlarms(Query):
    permission: ClassVar[str] = READ
    filter: AlarmFilter = field(default_factory=AlarmFilter)
    organisation_id: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, kw_only=True)
class AlarmTimeline(Query):
    permission: ClassVar[str] = READ
    alarm_id: str


@dataclass(frozen=True, kw_only=True)
class AlarmComments(Query):
    permission: ClassVar[str] = READ
    alarm_id: str


@dataclass(frozen=True, kw_only=True)
class AlarmEvents(Query):
    """Alarm events in the caller's scope after ``after_seq`` (``None``: from now on), for
    the live stream; answers the events and the cursor to ask from next."""

    permission: ClassVar[str] = READ
    after_seq: int | None = None
    limit: int = 200


@dataclass(frozen=True, kw_only=True)
class AcknowledgeAlarm(Command):
    permission: ClassVar[str] = HANDLE
    alarm_id: str


@dataclass(frozen=True, kw_only=True)
class AssignAlarm(Command):
    permission: ClassVar[str] = HANDLE
    alarm_id: str
    assignee: str


@dataclass(frozen=True, kw_only=True)
class CommentAlarm(Command):
    permission: ClassVar[str] = HANDLE
    alarm_id: str
    text: str


@dataclass(frozen=True, kw_only=True)
class ResolveAlarm(Command):
    """A person clears an open alarm (the condition may stay: the rule raises it again)."""

    permission: ClassVar[str] = HANDLE
    alarm_id: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class Rollup(Query):
    """Open alarms rolled up the organisation tree below ``organisation_id`` (default: the
    caller's own organisation)."""

    permission: ClassVar[str] = READ
    organisation_id: str | None = None


# --- silences ----------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class CreateSilence(Command):
    permission: ClassVar[str] = HANDLE
    organisation_id: str
    kind: SilenceKind
    starts_at: datetime | None
    ends_at: datetime
    reason: str
    rule_id: str | None = None
    source_id: str | None = None
    thing_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class EndSilence(Command):
    permission: ClassVar[str] = HANDLE
    silence_id: str


@dataclass(frozen=True, kw_only=True)
class ListSilences(Query):
    permission: ClassVar[str] = READ


# --- escalation --------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class RunEscalations(Command):
    """Run the due escalation steps of unacknowledged alarms, settle flapping clears and check
    absence rules; run periodically by the server and by ``lifeline warning escalate``."""

    permission: ClassVar[str] = HANDLE


@dataclass(frozen=True, kw_only=True)
class SaveWarningState(Command):
    """Write the evaluator's and the detectors' in-memory state to their snapshots now (the
    escalation run also does, and the server does on shutdown)."""

    permission: ClassVar[str] = HANDLE
