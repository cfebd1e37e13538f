"""Commands and queries of the incidents context."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar

from lifeline.incidents.model import Facts, Grade, Reporter, Status
from lifeline.kernel.events import Command, Query
from lifeline.kernel.geo import Area, Point
from lifeline.security.model import Permission

R, W, C = Permission.INCIDENT_READ, Permission.INCIDENT_REPORT, Permission.INCIDENT_COMMAND

PUBLIC_REPORT = "incident.public_report"
"""The one permission of the anonymous public actor on this context: submit a report."""


@dataclass(frozen=True, kw_only=True)
class Intake:
    """What every intake path carries. ``location`` places the incident; ``affected_area`` is
    the area it affects (a polygon given as the location becomes both)."""

    incident_type: str
    location: Point
    affected_area: Area | None = None
    reporter: Reporter = field(default_factory=Reporter)
    description: str = ""
    facts: Facts = field(default_factory=Facts)
    title: str = ""
    exercise: bool = False


@dataclass(frozen=True, kw_only=True)
class ReceiveCall(Intake, Command):
    """A duty officer enters a call; ``received_at`` defaults to now (never in the future)."""

    permission: ClassVar[str] = W
    received_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class ReceiveDepartmentReport(Intake, Command):
    """A department system reports through its service account; ``external_ref`` is its own
    record id, so sending the same record twice answers the first report."""

    permission: ClassVar[str] = W
    external_ref: str


@dataclass(frozen=True, kw_only=True)
class ReceivePublicReport(Intake, Command):
    """A citizen's report (no sign-in). ``client_ip`` and ``reporter.phone`` are rate-limited;
    ``photo`` is ``(declared content type, bytes)``."""

    permission: ClassVar[str] = PUBLIC_REPORT
    client_ip: str
    photo: tuple[str, bytes] | None = None


@dataclass(frozen=True, kw_only=True)
class QuarantineIntake(Command):
    """Keep a refused intake with its reasons (the API sends it after a refusal)."""

    permission: ClassVar[str] = PUBLIC_REPORT
    source: str
    reasons: tuple[tuple[str, str], ...]
    record: dict[str, object]
    refused_actor: str
    refused_path: str = "/"


@dataclass(frozen=True, kw_only=True)
class ListRejections(Query):
    permission: ClassVar[str] = R
    limit: int = 100


@dataclass(frozen=True, kw_only=True)
class UpdateFacts(Command):
    """New casualty or loss figures; the incident is re-graded with ``reason`` shown."""

    permission: ClassVar[str] = W
    incident_id: str
    facts: Facts
    reason: str


@dataclass(frozen=True, kw_only=True)
class OverrideGrade(Command):
    """A commander sets the grade regardless of the criteria, with a justification."""

    permission: ClassVar[str] = C
    incident_id: str
    grade: Grade
    justification: str


@dataclass(frozen=True, kw_only=True)
class VerifyIncident(Command):
    """A duty officer confirms a reported incident is real."""

    permission: ClassVar[str] = W
    incident_id: str
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class AdvanceIncident(Command):
    """A commander moves the incident along its lifecycle."""

    permission: ClassVar[str] = C
    incident_id: str
    status: Status
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class GetIncident(Query):
    permission: ClassVar[str] = R
    incident_id: str


@dataclass(frozen=True, kw_only=True)
class ListIncidents(Query):
    permission: ClassVar[str] = R
    statuses: tuple[Status, ...] = ()
    group_id: str | None = None
    exercise: bool | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, kw_only=True)
class ListReports(Query):
    """The reports of an incident (the main incident keeps its merged children's)."""

    permission: ClassVar[str] = R
    incident_id: str


@dataclass(frozen=True, kw_only=True)
class GetPhoto(Query):
    permission: ClassVar[str] = R
    photo_id: str


@dataclass(frozen=True, kw_only=True)
class IncidentTimeline(Query):
    """The incident's events and every other context's events that name it."""

    permission: ClassVar[str] = R
    incident_id: str


@dataclass(frozen=True, kw_only=True)
class ListMergeCandidates(Query):
    permission: ClassVar[str] = R
    incident_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class ConfirmMerge(Command):
    """The candidate is a duplicate: merge it into the main incident with its reports."""

    permission: ClassVar[str] = W
    candidate_id: str
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class MergeIncidents(Command):
    """A person merges one incident into another directly (found to be one emergency)."""

    permission: ClassVar[str] = W
    incident_id: str
    into_id: str
    note: str


@dataclass(frozen=True, kw_only=True)
class RejectMerge(Command):
    """The candidate is a separate incident."""

    permission: ClassVar[str] = W
    candidate_id: str
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class CreateEventGroup(Command):
    """An emergency event (a typhoon) that will contain incidents."""

    permission: ClassVar[str] = C
    name: str
    hazard: str
    organisation_id: str
    exercise: bool = False


@dataclass(frozen=True, kw_only=True)
class GroupIncident(Command):
    """Put the incident in an event group (``group_id=None`` takes it out)."""

    permission: ClassVar[str] = C
    incident_id: str
    group_id: str | None


@dataclass(frozen=True, kw_only=True)
class ListEventGroups(Query):
    permission: ClassVar[str] = R


@dataclass(frozen=True, kw_only=True)
class FileSituationReport(Command):
    permission: ClassVar[str] = W
    incident_id: str
    summary: str


@dataclass(frozen=True, kw_only=True)
class ListSituationReports(Query):
    permission: ClassVar[str] = R
    incident_id: str


@dataclass(frozen=True, kw_only=True)
class CheckSitrepReminders(Command):
    """Raise a reminder for every active incident in scope whose situation report is due."""

    permission: ClassVar[str] = W
