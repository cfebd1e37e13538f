"""Early-warning events (past tense). ``AlarmRaised`` and ``IncidentProposed`` are read by other
contexts (incidents opens a report from a proposal; the dashboard streams alarms): keep their
fields stable and add new ones only with defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from lifeline.kernel.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class AlarmRaised(DomainEvent):
    """A new open alarm for (rule, source); ``aggregate_id`` is the alarm id.

    ``source_id`` is the datastream, thing or area the rule fired on; ``level`` the warning
    level's code on ``scale`` (e.g. ``red`` on ``national``); ``rank`` its order on the scale
    (higher is more severe); ``area_id`` where it stands, ``lon``/``lat`` its position when known.
    """

    aggregate_type: ClassVar[str] = "alarm"
    rule_id: str
    rule_version: int
    source_id: str
    scale: str
    level: str
    rank: int
    hazard: str
    title: str
    area_id: str | None = None
    lon: float | None = None
    lat: float | None = None
    exercise: bool = False


@dataclass(frozen=True, kw_only=True)
class IncidentProposed(DomainEvent):
    """An alarm at or above the configured level proposes an incident; ``aggregate_id`` is the
    alarm id. ``incident_type`` is a code of the incident type list (GB/T 35561 subtypes, e.g.
    ``accident.fire.building``), ``hazard`` the alarm's hazard word (``fire``, ``gas_leak`` …).
    """

    aggregate_type: ClassVar[str] = "alarm"
    alarm_id: str
    incident_type: str
    hazard: str
    level: str
    rank: int
    title: str
    lon: float | None = None
    lat: float | None = None
    area_id: str | None = None
    exercise: bool = False


@dataclass(frozen=True, kw_only=True)
class AlarmLevelChanged(DomainEvent):
    """An open alarm moved to another level (up when a higher level was reached, down as it
    eases); ``aggregate_id`` is the alarm id."""

    aggregate_type: ClassVar[str] = "alarm"
    level: str
    rank: int
    previous_level: str
    previous_rank: int


@dataclass(frozen=True, kw_only=True)
class AlarmCleared(DomainEvent):
    """The alarm's condition ended (with hysteresis) or a person resolved it; ``aggregate_id``
    is the alarm id. After this the alarm is no longer open."""

    aggregate_type: ClassVar[str] = "alarm"
    reason: str


@dataclass(frozen=True, kw_only=True)
class AlarmRetriggered(DomainEvent):
    """The condition of an open alarm fired again (no new alarm: the count goes up)."""

    aggregate_type: ClassVar[str] = "alarm"
    retrigger_count: int
    level: str
    rank: int


@dataclass(frozen=True, kw_only=True)
class AlarmFlapping(DomainEvent):
    """The alarm raised and cleared too often within the rule's window; its clear now waits
    until the condition has stayed clear for ``window_s``."""

    aggregate_type: ClassVar[str] = "alarm"
    changes: int
    window_s: float


@dataclass(frozen=True, kw_only=True)
class AlarmAcknowledged(DomainEvent):
    aggregate_type: ClassVar[str] = "alarm"
    by: str


@dataclass(frozen=True, kw_only=True)
class AlarmAssigned(DomainEvent):
    aggregate_type: ClassVar[str] = "alarm"
    assignee: str
    by: str


@dataclass(frozen=True, kw_only=True)
class AlarmCommented(DomainEvent):
    aggregate_type: ClassVar[str] = "alarm"
    comment_id: str
    text: str
    by: str


@dataclass(frozen=True, kw_only=True)
class AlarmEscalated(DomainEvent):
    """One escalation step ran: ``step_type`` is ``notify`` (``role``/``target_organisation_id``
    name who is told), ``raise_level`` or ``open_incident``.

    A ``notify`` step also carries what the alerts context needs to word and address the
    notice without reading warning's tables: the alarm's ``title``, ``hazard``,
    ``alarm_level``/``alarm_rank`` as it stands, its ``source_id`` and ``exercise`` flag; a
    missing ``target_organisation_id`` means the alarm's own organisation (``organisation_id``).
    """

    aggregate_type: ClassVar[str] = "alarm"
    step: int
    step_type: str
    role: str | None = None
    target_organisation_id: str | None = None
    level: str | None = None
    title: str = ""
    hazard: str = ""
    alarm_level: str = ""
    alarm_rank: int = 0
    source_id: str = ""
    exercise: bool = False


@dataclass(frozen=True, kw_only=True)
class AlarmSuppressed(DomainEvent):
    """A transition matched a silence or maintenance window and raised no alarm;
    ``aggregate_id`` is the silence id."""

    aggregate_type: ClassVar[str] = "warning_silence"
    rule_id: str
    source_id: str
    level: str
    rank: int


@dataclass(frozen=True, kw_only=True)
class RuleCreated(DomainEvent):
    aggregate_type: ClassVar[str] = "warning_rule"
    name: str
    version: int
    definition: dict[str, object]


@dataclass(frozen=True, kw_only=True)
class RuleVersioned(DomainEvent):
    """A new version of the rule (a changed definition, or enabled/disabled)."""

    aggregate_type: ClassVar[str] = "warning_rule"
    version: int
    enabled: bool
    note: str
    definition: dict[str, object]


@dataclass(frozen=True, kw_only=True)
class SilenceCreated(DomainEvent):
    aggregate_type: ClassVar[str] = "warning_silence"
    kind: str
    starts_at: str
    ends_at: str
    reason: str
    rule_id: str | None = None
    source_id: str | None = None
    thing_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class SilenceEnded(DomainEvent):
    aggregate_type: ClassVar[str] = "warning_silence"


@dataclass(frozen=True, kw_only=True)
class AnomalyDetected(DomainEvent):
    """A datastream turned anomalous by the seasonal detector (no fixed threshold involved);
    ``aggregate_id`` is the datastream id.

    ``reason`` is ``spike`` (one reading far from its seasonal profile), ``shift_up`` or
    ``shift_down`` (a sustained change, by CUSUM); ``value`` was read at ``observed_at`` where
    ``expected`` was the profile's location, ``z`` the robust z-score and ``cusum`` the larger of
    the two cumulative sums (both in units of the profile's scale).
    """

    aggregate_type: ClassVar[str] = "datastream"
    thing_id: str
    kind: str
    unit: str
    reason: str
    value: float
    expected: float
    z: float
    cusum: float
    observed_at: str
    area_id: str | None = None
    lon: float | None = None
    lat: float | None = None
    exercise: bool = False
