"""Request and response schemas shared by the incidents routers."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from lifeline.incidents.codes import code_list
from lifeline.incidents.model import (
    ACTIVE,
    CandidateStatus,
    EventGroup,
    Facts,
    Grade,
    Incident,
    MergeCandidate,
    Report,
    SituationReport,
    Source,
    Status,
)
from lifeline.incidents.sitreps import due_at
from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.geo import Area, Point

GeoJson = dict[str, Any]


class Strict(BaseModel):
    """Request bodies refuse unknown fields and strip surrounding whitespace."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class FactsIn(Strict):
    deaths: int = Field(0, ge=0, le=10_000_000)
    missing: int = Field(0, ge=0, le=10_000_000)
    serious_injuries: int = Field(0, ge=0, le=10_000_000)
    minor_injuries: int = Field(0, ge=0, le=10_000_000)
    direct_loss_cny: float = Field(0.0, ge=0, le=1e15, description="Direct economic loss, CNY")
    affected_people: int = Field(0, ge=0, le=100_000_000)
    evacuated_people: int = Field(0, ge=0, le=100_000_000)

    def to_facts(self) -> Facts:
        return Facts(**self.model_dump())


class FactsOut(BaseModel):
    deaths: int
    missing: int
    serious_injuries: int
    minor_injuries: int
    direct_loss_cny: float
    affected_people: int
    evacuated_people: int

    @classmethod
    def of(cls, f: Facts) -> FactsOut:
        return cls(**dataclasses.asdict(f))


class ReporterIn(Strict):
    name: str = Field("", max_length=100)
    phone: str = Field("", max_length=30, pattern=r"^[0-9+\-() ]*$")


def place(location: GeoJson, affected_area: GeoJson | None) -> tuple[Point, Area | None]:
    """A Point places the incident; a Polygon is both its place (centroid) and affected area."""
    area = None if affected_area is None else Area.from_geojson(affected_area, "affected_area")
    if location.get("type") == "Point":
        return Point.from_geojson(location, "location"), area
    if location.get("type") in ("Polygon", "MultiPolygon"):
        polygon = Area.from_geojson(location, "location")
        return polygon.centroid(), area or polygon
    raise InvalidInput("location.type", "must be 'Point', 'Polygon' or 'MultiPolygon'")


class StepOut(BaseModel):
    status: Status
    at: datetime
    by: str
    note: str


class IncidentOut(BaseModel):
    id: str
    title: str
    category: str
    incident_type: str
    incident_type_name: str
    status: Status
    grade: Grade
    computed_grade: Grade
    grade_reason: str
    grade_overridden: bool
    location: GeoJson
    affected_area: GeoJson | None
    area_id: str | None
    organisation_id: str
    source: Source
    facts: FactsOut
    description: str
    exercise: bool
    group_id: str | None
    merged_into: str | None
    opened_at: datetime
    updated_at: datetime
    last_report_at: datetime
    report_count: int
    steps: list[StepOut]
    last_sitrep_at: datetime | None
    sitrep_due_at: datetime | None = Field(description="When the next situation report is due")

    @classmethod
    def of(cls, i: Incident) -> IncidentOut:
        t = code_list().types.get(i.incident_type)
        return cls(
            id=i.id, title=i.title, category=i.category.value, incident_type=i.incident_type,
            incident_type_name=t.name if t else i.incident_type, status=i.status,
            grade=i.grade, computed_grade=i.computed_grade, grade_reason=i.grade_reason,
            grade_overridden=i.grade_overridden, location=i.location.to_geojson(),
            affected_area=i.affected_area.to_geojson() if i.affected_area else None,
            area_id=i.area_id, organisation_id=i.organisation_id, source=i.source,
            facts=FactsOut.of(i.facts), description=i.description, exercise=i.exercise,
            group_id=i.group_id, merged_into=i.merged_into, opened_at=i.opened_at,
            updated_at=i.updated_at, last_report_at=i.last_report_at,
            report_count=i.report_count,
            steps=[StepOut(status=s.status, at=s.at, by=s.by, note=s.note) for s in i.steps],
            last_sitrep_at=i.last_sitrep_at,
            sitrep_due_at=(
                due_at(i, code_list().sitrep_interval_min) if i.status in ACTIVE else None
            ),
        )  # fmt: skip


class ReportOut(BaseModel):
    id: str
    incident_id: str
    source: Source
    incident_type: str
    location: GeoJson
    affected_area: GeoJson | None
    reporter_name: str
    reporter_phone: str
    description: str
    facts: FactsOut
    received_at: datetime
    entered_by: str
    external_ref: str | None
    photo_id: str | None
    exercise: bool

    @classmethod
    def of(cls, r: Report) -> ReportOut:
        return cls(
            id=r.id, incident_id=r.incident_id, source=r.source, incident_type=r.incident_type,
            location=r.location.to_geojson(),
            affected_area=r.affected_area.to_geojson() if r.affected_area else None,
            reporter_name=r.reporter.name, reporter_phone=r.reporter.phone,
            description=r.description, facts=FactsOut.of(r.facts), received_at=r.received_at,
            entered_by=r.entered_by, external_ref=r.external_ref, photo_id=r.photo_id,
            exercise=r.exercise,
        )  # fmt: skip


class CandidateOut(BaseModel):
    id: str
    incident_id: str
    main_id: str
    distance_m: float
    gap_s: float
    reason: str
    status: CandidateStatus
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    note: str

    @classmethod
    def of(cls, c: MergeCandidate) -> CandidateOut:
        return cls(
            id=c.id, incident_id=c.incident_id, main_id=c.main_id,
            distance_m=round(c.distance_m, 1), gap_s=round(c.gap_s, 1), reason=c.reason,
            status=c.status, created_at=c.created_at, decided_by=c.decided_by,
            decided_at=c.decided_at, note=c.note,
        )  # fmt: skip


class GroupOut(BaseModel):
    id: str
    name: str
    hazard: str
    organisation_id: str
    exercise: bool
    started_at: datetime
    created_by: str

    @classmethod
    def of(cls, g: EventGroup) -> GroupOut:
        return cls(
            id=g.id, name=g.name, hazard=g.hazard, organisation_id=g.organisation_id,
            exercise=g.exercise, started_at=g.started_at, created_by=g.created_by,
        )  # fmt: skip


class SitrepOut(BaseModel):
    id: str
    incident_id: str
    number: int
    summary: str
    facts: FactsOut
    grade: Grade
    status: Status
    filed_by: str
    filed_at: datetime

    @classmethod
    def of(cls, s: SituationReport) -> SitrepOut:
        return cls(
            id=s.id, incident_id=s.incident_id, number=s.number, summary=s.summary,
            facts=FactsOut.of(s.facts), grade=s.grade, status=s.status, filed_by=s.filed_by,
            filed_at=s.filed_at,
        )  # fmt: skip
