"""Incident events (past tense). ``IncidentOpened``, ``IncidentGraded`` and
``IncidentStatusChanged`` are read by other contexts (plans activate on a grade; dispatch keeps
its view of where incidents are and how grave they are): keep their fields stable and add new
ones only with defaults. ``aggregate_id`` is always the incident id.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from lifeline.kernel.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class IncidentOpened(DomainEvent):
    """A new main incident. ``category`` is the GB/T 35561 top category (``natural``,
    ``accident``, ``public_health``, ``social_security``), ``incident_type`` the subtype code;
    ``source`` how it came in (``call``, ``citizen``, ``alarm``, ``department``)."""

    aggregate_type: ClassVar[str] = "incident"
    title: str
    category: str
    incident_type: str
    source: str
    lon: float
    lat: float
    area_id: str | None = None
    exercise: bool = False


@dataclass(frozen=True, kw_only=True)
class IncidentGraded(DomainEvent):
    """The incident's grade was set or changed: ``grade`` ``I`` (particularly serious) … ``IV``
    (general); ``previous_grade`` None the first time; ``reason`` the criterion that decided or
    the commander's justification when ``overridden``."""

    aggregate_type: ClassVar[str] = "incident"
    grade: str
    previous_grade: str | None
    reason: str
    overridden: bool
    category: str
    incident_type: str
    lon: float
    lat: float
    exercise: bool = False


@dataclass(frozen=True, kw_only=True)
class IncidentStatusChanged(DomainEvent):
    """A lifecycle step: ``reported → verified → responding → stabilised → closed → reviewed``."""

    aggregate_type: ClassVar[str] = "incident"
    status: str
    previous_status: str
    note: str = ""
    exercise: bool = False


@dataclass(frozen=True, kw_only=True)
class ReportReceived(DomainEvent):
    """A report (call, citizen, alarm, department) joined the incident: the one it opened, or
    a main incident it duplicates (``duplicate``)."""

    aggregate_type: ClassVar[str] = "incident"
    report_id: str
    source: str
    incident_type: str
    lon: float
    lat: float
    duplicate: bool
    reason: str = ""
    alarm_id: str | None = None
    external_ref: str | None = None
    has_photo: bool = False


@dataclass(frozen=True, kw_only=True)
class MergeCandidateQueued(DomainEvent):
    """The incident may duplicate ``main_id``; a person decides (``candidate_id``)."""

    aggregate_type: ClassVar[str] = "incident"
    candidate_id: str
    main_id: str
    distance_m: float
    gap_s: float
    reason: str


@dataclass(frozen=True, kw_only=True)
class IncidentsMerged(DomainEvent):
    """``merged_id`` was merged into this main incident with its ``reports`` by a person:
    confirming the merge candidate ``candidate_id``, or directly when it is None. (Duplicate
    detection's own merges are ``ReportReceived`` with ``duplicate``; ``automatic`` is kept for
    them and is False here.)"""

    aggregate_type: ClassVar[str] = "incident"
    merged_id: str
    reports: int
    automatic: bool
    candidate_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class MergeRejected(DomainEvent):
    """A person decided the incident is not a duplicate of ``main_id``."""

    aggregate_type: ClassVar[str] = "incident"
    candidate_id: str
    main_id: str
    note: str


@dataclass(frozen=True, kw_only=True)
class IncidentFactsUpdated(DomainEvent):
    """Casualties or losses changed: ``changes`` is ``measure → [old, new]``."""

    aggregate_type: ClassVar[str] = "incident"
    changes: dict[str, tuple[float, float]]
    reason: str


@dataclass(frozen=True, kw_only=True)
class EventGroupCreated(DomainEvent):
    """An emergency event (a typhoon) that contains incidents; ``aggregate_id`` is its id."""

    aggregate_type: ClassVar[str] = "incident_group"
    name: str
    hazard: str
    exercise: bool = False


@dataclass(frozen=True, kw_only=True)
class IncidentGrouped(DomainEvent):
    """The incident was put in the event ``group_id`` (None: taken out)."""

    aggregate_type: ClassVar[str] = "incident"
    group_id: str | None
    group_name: str = ""


@dataclass(frozen=True, kw_only=True)
class SituationReportFiled(DomainEvent):
    """Situation report number ``number`` on the incident."""

    aggregate_type: ClassVar[str] = "incident"
    sitrep_id: str
    number: int
    summary: str
    grade: str
    status: str


@dataclass(frozen=True, kw_only=True)
class SituationReportDue(DomainEvent):
    """No situation report since the interval of the incident's grade: a reminder."""

    aggregate_type: ClassVar[str] = "incident"
    grade: str
    due_at: str
    overdue_s: float
    interval_min: int


@dataclass(frozen=True, kw_only=True)
class IntakeRejected(DomainEvent):
    """An intake was refused and kept in the quarantine; ``aggregate_id`` is the rejection."""

    aggregate_type: ClassVar[str] = "incident_intake"
    source: str
    reasons: tuple[tuple[str, str], ...]
