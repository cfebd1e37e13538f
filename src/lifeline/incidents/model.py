"""Incidents domain: types, grades, the lifecycle, reports, merge candidates, event groups and
situation reports. Pure: no I/O, no clock (times are passed in).

An **incident** is what the command centre handles; a **report** is one account of it (a call, a
citizen's report, an alarm, a department system's record). Every report belongs to exactly one
incident: the one it opened, or the main incident it was merged into. An **event group** (a
typhoon) contains many incidents.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.events import StoredEvent
from lifeline.kernel.geo import Area, Point
from lifeline.kernel.ports import RepoKey


class Category(StrEnum):
    """GB/T 35561-2017 top categories of emergencies."""

    NATURAL = "natural"
    ACCIDENT = "accident"
    PUBLIC_HEALTH = "public_health"
    SOCIAL_SECURITY = "social_security"


class Grade(StrEnum):
    """Incident grades: I particularly serious (特别重大) … IV general (一般)."""

    I = "I"  # noqa: E741 - the grade's official name
    II = "II"
    III = "III"
    IV = "IV"

    @property
    def severity(self) -> int:
        """4 for grade I down to 1 for grade IV: higher is graver."""
        return 4 - GRADES.index(self)


GRADES: tuple[Grade, ...] = (Grade.I, Grade.II, Grade.III, Grade.IV)


class Source(StrEnum):
    """How a report came in."""

    CALL = "call"  # entered by a duty officer
    CITIZEN = "citizen"  # the public endpoint
    ALARM = "alarm"  # an early-warning alarm proposed it
    DEPARTMENT = "department"  # a department system, through a service account


class Status(StrEnum):
    """The lifecycle; ``merged`` ends an incident that turned out to duplicate another."""

    REPORTED = "reported"
    VERIFIED = "verified"
    RESPONDING = "responding"
    STABILISED = "stabilised"
    CLOSED = "closed"
    REVIEWED = "reviewed"
    MERGED = "merged"


LIFECYCLE: tuple[Status, ...] = (
    Status.REPORTED,
    Status.VERIFIED,
    Status.RESPONDING,
    Status.STABILISED,
    Status.CLOSED,
    Status.REVIEWED,
)

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.REPORTED: frozenset({Status.VERIFIED, Status.CLOSED}),  # closed: a false report
    Status.VERIFIED: frozenset({Status.RESPONDING, Status.CLOSED}),
    Status.RESPONDING: frozenset({Status.STABILISED}),
    Status.STABILISED: frozenset({Status.CLOSED, Status.RESPONDING}),  # flare-up
    Status.CLOSED: frozenset({Status.REVIEWED}),
    Status.REVIEWED: frozenset(),
    Status.MERGED: frozenset(),
}

ACTIVE: frozenset[Status] = frozenset(
    {Status.REPORTED, Status.VERIFIED, Status.RESPONDING, Status.STABILISED}
)
"""Statuses in which an incident is open: it takes duplicates and needs situation reports."""


def check_transition(current: Status, to: Status) -> str | None:
    """None when ``current → to`` is a lifecycle step, otherwise why not."""
    if to in TRANSITIONS[current]:
        return None
    allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "nothing"
    return f"a {current.value} incident cannot become {to.value} (it may become: {allowed})"


@dataclass(frozen=True, slots=True)
class IncidentType:
    """One subtype of the code list (``codes.yaml``)."""

    code: str
    category: Category
    name: str
    name_en: str
    grading: str
    merge_group: str
    hazards: tuple[str, ...] = ()


MEASURES: tuple[str, ...] = (
    "deaths",
    "missing",
    "serious_injuries",
    "minor_injuries",
    "direct_loss_cny",
    "affected_people",
    "evacuated_people",
)


@dataclass(frozen=True, slots=True)
class Facts:
    """What is known of the harm: people (counts) and direct economic loss in CNY."""

    deaths: int = 0
    missing: int = 0
    serious_injuries: int = 0
    minor_injuries: int = 0
    direct_loss_cny: float = 0.0
    affected_people: int = 0
    evacuated_people: int = 0

    def __post_init__(self) -> None:
        for name in MEASURES:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InvalidInput(f"facts.{name}", "must be a number")
            if not value >= 0 or value == float("inf"):
                raise InvalidInput(f"facts.{name}", "must be a finite number ≥ 0")
            if name != "direct_loss_cny" and value != int(value):
                raise InvalidInput(f"facts.{name}", "must be a whole number of people")

    def measure(self, name: str) -> float:
        if name not in MEASURES:
            raise KeyError(name)
        return float(getattr(self, name))

    def changes_from(self, old: Facts) -> dict[str, tuple[float, float]]:
        """``measure → (old, new)`` for every measure that differs."""
        return {
            name: (old.measure(name), self.measure(name))
            for name in MEASURES
            if old.measure(name) != self.measure(name)
        }


@dataclass(frozen=True, slots=True)
class Reporter:
    """Who reported: a name and a phone (personal fields, masked without ``personal.read``)."""

    name: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class Step:
    """One lifecycle step: to which status, when, by whom, with an optional note."""

    status: Status
    at: datetime
    by: str
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class Incident:
    """A main incident (or one ``merged`` into another, then ``merged_into`` says which).

    ``location`` is the point that places it; ``affected_area`` the area it affects, when
    known. ``path`` is the owning organisation's path (the deepest registry area containing the
    location decides the organisation). ``computed_grade`` is what the criteria give for the
    facts; ``grade`` differs from it only when a commander ``overridden`` it.
    """

    id: str
    title: str
    category: Category
    incident_type: str
    status: Status
    grade: Grade
    computed_grade: Grade
    grade_reason: str
    grade_overridden: bool
    location: Point
    affected_area: Area | None
    area_id: str | None
    organisation_id: str
    path: str
    source: Source
    facts: Facts
    description: str
    exercise: bool
    group_id: str | None
    merged_into: str | None
    opened_at: datetime
    updated_at: datetime
    last_report_at: datetime
    report_count: int
    steps: tuple[Step, ...]
    last_sitrep_at: datetime | None = None
    sitrep_reminded_at: datetime | None = None
    version: int = 1

    def advanced(self, to: Status, at: datetime, by: str, note: str = "") -> Incident:
        return dataclasses.replace(
            self,
            status=to,
            updated_at=at,
            steps=(*self.steps, Step(to, at, by, note)),
            version=self.version + 1,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Report:
    """One account of an incident as it came in."""

    id: str
    incident_id: str
    source: Source
    incident_type: str
    location: Point
    affected_area: Area | None
    reporter: Reporter
    description: str
    facts: Facts
    received_at: datetime
    entered_by: str
    external_ref: str | None = None
    photo_id: str | None = None
    ip_hash: str | None = None
    exercise: bool = False


class CandidateStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"  # one of the two was merged or closed meanwhile


@dataclass(frozen=True, slots=True, kw_only=True)
class MergeCandidate:
    """A possible duplicate waiting for a person: ``incident_id`` may duplicate ``main_id``."""

    id: str
    incident_id: str
    main_id: str
    path: str
    distance_m: float
    gap_s: float
    reason: str
    status: CandidateStatus
    created_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class EventGroup:
    """An emergency event containing many incidents (a typhoon and everything it caused)."""

    id: str
    name: str
    hazard: str
    organisation_id: str
    path: str
    exercise: bool
    started_at: datetime
    created_by: str


@dataclass(frozen=True, slots=True, kw_only=True)
class SituationReport:
    """A situation report (续报) on an incident: numbered, with the facts as of its time."""

    id: str
    incident_id: str
    number: int
    summary: str
    facts: Facts
    grade: Grade
    status: Status
    filed_by: str
    filed_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Photo:
    """A citizen's photo attached to a report; ``content_type`` checked from the bytes."""

    id: str
    report_id: str
    content_type: str
    data: bytes
    received_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Rejection:
    """An intake that was refused, kept so nothing is silently dropped (the quarantine)."""

    id: str
    source: Source
    received_at: datetime
    actor_id: str
    reasons: tuple[tuple[str, str], ...]  # (field, reason)
    record: dict[str, object]
    path: str = "/"  # the refused caller's organisation path; "/" for the public and alarms


@dataclass(frozen=True, slots=True)
class IncidentFilter:
    scope_paths: tuple[str, ...]
    statuses: tuple[Status, ...] = ()
    group_id: str | None = None
    exercise: bool | None = None


class IncidentsRepository(Protocol):
    """Storage port of the incidents context. ``update_incident`` succeeds only when the
    stored version still equals ``expected_version`` (a concurrent writer otherwise won)."""

    def add_incident(self, incident: Incident) -> None: ...

    def get_incident(self, incident_id: str) -> Incident | None: ...

    def update_incident(self, incident: Incident, expected_version: int) -> bool: ...

    def list_incidents(
        self, where: IncidentFilter, limit: int, offset: int
    ) -> tuple[list[Incident], int]: ...

    def open_near(
        self,
        bbox: tuple[float, float, float, float],
        since: datetime,
        exercise: bool,
    ) -> list[Incident]:
        """Active incidents whose location lies in ``bbox`` with a report at or after
        ``since``."""
        ...

    def active_incidents(self) -> list[Incident]: ...

    def add_report(self, report: Report) -> None: ...

    def get_report(self, report_id: str) -> Report | None: ...

    def reports_of(self, incident_id: str) -> list[Report]: ...

    def move_reports(self, from_incident: str, to_incident: str) -> int: ...

    def report_by_external_ref(self, entered_by: str, external_ref: str) -> Report | None: ...

    def recent_public_reports(
        self, *, ip_hash: str | None, phone: str | None, since: datetime
    ) -> tuple[int, int]:
        """``(from this IP, from this phone)`` citizen reports received at or after ``since``."""
        ...

    def caller_phones(self, incident_ids: Sequence[str]) -> dict[str, set[str]]: ...

    def add_photo(self, photo: Photo) -> None: ...

    def get_photo(self, photo_id: str) -> Photo | None: ...

    def add_candidate(self, candidate: MergeCandidate) -> None: ...

    def get_candidate(self, candidate_id: str) -> MergeCandidate | None: ...

    def decide_candidate(self, candidate: MergeCandidate) -> bool:
        """Store the decision if the candidate is still pending; False otherwise."""
        ...

    def pending_candidates(
        self, scope_paths: tuple[str, ...], incident_id: str | None = None
    ) -> list[MergeCandidate]: ...

    def add_group(self, group: EventGroup) -> None: ...

    def get_group(self, group_id: str) -> EventGroup | None: ...

    def list_groups(self, scope_paths: tuple[str, ...]) -> list[EventGroup]: ...

    def add_sitrep(self, sitrep: SituationReport) -> None: ...

    def sitreps_of(self, incident_id: str) -> list[SituationReport]: ...

    def add_timeline_ref(self, incident_id: str, seq: int) -> None: ...

    def merged_children(self, incident_id: str) -> list[str]: ...

    def timeline(self, incident_ids: Sequence[str]) -> list[StoredEvent]:
        """The events of these incidents and the events of other contexts that name them."""
        ...

    def add_rejection(self, rejection: Rejection) -> None: ...

    def list_rejections(
        self, scope_paths: tuple[str, ...], include_unowned: bool, limit: int
    ) -> list[Rejection]:
        """Rejections in scope; ``include_unowned`` adds those of the public and of alarms."""
        ...


INCIDENTS: RepoKey[IncidentsRepository] = RepoKey("incidents")
