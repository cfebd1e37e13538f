"""HTTP routes for responders and teams: register, availability, duty rosters, training,
certification-expiry alarms, reach search."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.kernel.geo import Point
from lifeline.reserves import messages as m
from lifeline.reserves.api._common import GeoJson, Strict
from lifeline.reserves.personnel import (
    Certification,
    CertificationAlarm,
    Leave,
    PersonnelKind,
    Reach,
    Responder,
    Roster,
    Shift,
    TrainingRecord,
)

router = APIRouter()


class CertificationIn(Strict):
    name: str = Field(min_length=1, max_length=100, description="e.g. hazmat, rope-rescue")
    expires_on: date | None = None


class TrainingIn(Strict):
    on: date
    title: str = Field(min_length=1, max_length=200)
    hours: float = Field(gt=0, le=720)
    drill: bool = False


class ResponderIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    organisation_id: str = Field(min_length=1, max_length=36)
    kind: PersonnelKind
    team: str = Field(min_length=1, max_length=200)
    home_base: GeoJson = Field(description="GeoJSON Point [lon, lat] in WGS84")
    skills: list[str] = Field(default_factory=list, max_length=50)
    certifications: list[CertificationIn] = Field(default_factory=list, max_length=50)
    equipment: list[str] = Field(default_factory=list, max_length=100)
    available: bool = True


class AvailabilityIn(Strict):
    available: bool


class ShiftIn(Strict):
    weekday: int = Field(ge=0, le=6, description="0 = Monday … 6 = Sunday")
    start: time = Field(description="local time, e.g. 08:00")
    end: time = Field(description="local time; at or before start means the next day")


class LeaveIn(Strict):
    starts_at: datetime = Field(description="with a UTC offset")
    ends_at: datetime = Field(description="with a UTC offset")
    reason: str = Field(default="", max_length=200)


class RosterIn(Strict):
    shifts: list[ShiftIn] = Field(max_length=100)
    leave: list[LeaveIn] = Field(default_factory=list, max_length=200)
    utc_offset_min: int = Field(default=480, description="local time zone; 480 = UTC+08:00")

    def to_roster(self) -> Roster:
        return Roster(
            shifts=tuple(Shift(s.weekday, s.start, s.end) for s in self.shifts),
            leave=tuple(Leave(x.starts_at, x.ends_at, x.reason) for x in self.leave),
            utc_offset_min=self.utc_offset_min,
        )

    @classmethod
    def of(cls, roster: Roster) -> RosterIn:
        return cls(
            shifts=[ShiftIn(weekday=s.weekday, start=s.start, end=s.end) for s in roster.shifts],
            leave=[
                LeaveIn(starts_at=x.starts_at, ends_at=x.ends_at, reason=x.reason)
                for x in roster.leave
            ],
            utc_offset_min=roster.utc_offset_min,
        )


class CertificationAlarmOut(BaseModel):
    responder_id: str
    responder_name: str
    team: str
    certification: str
    expires_on: date
    days_left: int
    severity: Literal["expired", "critical", "warning"]

    @classmethod
    def of(cls, a: CertificationAlarm) -> CertificationAlarmOut:
        return cls(
            responder_id=a.responder_id, responder_name=a.responder_name, team=a.team,
            certification=a.certification, expires_on=a.expires_on, days_left=a.days_left,
            severity=a.severity,
        )  # fmt: skip


class ResponderOut(BaseModel):
    id: str
    name: str
    organisation_id: str
    kind: PersonnelKind
    team: str
    home_base: GeoJson
    skills: list[str]
    certifications: list[CertificationIn]
    equipment: list[str]
    available: bool
    training: list[TrainingIn]
    created_at: datetime
    roster: RosterIn | None = None

    @classmethod
    def of(cls, r: Responder) -> ResponderOut:
        return cls(
            id=r.id, name=r.name, organisation_id=r.organisation_id, kind=r.kind, team=r.team,
            home_base=r.home_base.to_geojson(), skills=list(r.skills),
            certifications=[
                CertificationIn(name=c.name, expires_on=c.expires_on) for c in r.certifications
            ],
            equipment=list(r.equipment), available=r.available,
            training=[
                TrainingIn(on=t.on, title=t.title, hours=t.hours, drill=t.drill)
                for t in r.training
            ],
            created_at=r.created_at,
            roster=RosterIn.of(r.roster) if r.roster else None,
        )  # fmt: skip


class ReachOut(BaseModel):
    responder: ResponderOut
    distance_m: float
    eta_min: float

    @classmethod
    def of(cls, reach: Reach) -> ReachOut:
        return cls(
            responder=ResponderOut.of(reach.responder),
            distance_m=round(reach.distance_m, 1),
            eta_min=round(reach.eta_min, 2),
        )


@router.post("/responders", status_code=status.HTTP_201_CREATED, summary="Register a responder")
def register(body: ResponderIn, bus: BusDep, actor: CurrentActor) -> ResponderOut:
    responder = bus.handle(
        m.RegisterResponder(
            name=body.name,
            organisation_id=body.organisation_id,
            kind=body.kind,
            team=body.team,
            home_base=Point.from_geojson(body.home_base, "home_base"),
            skills=tuple(body.skills),
            certifications=tuple(Certification(c.name, c.expires_on) for c in body.certifications),
            equipment=tuple(body.equipment),
            available=body.available,
        ),
        actor,
    )
    return ResponderOut.of(responder)


@router.get("/responders", summary="Responders in your scope, by team")
def list_responders(bus: BusDep, actor: CurrentActor) -> list[ResponderOut]:
    return [ResponderOut.of(r) for r in bus.handle(m.ListResponders(), actor)]


@router.get("/responders/reach", summary="Who can reach a place in time, with a certification")
def reach(
    bus: BusDep,
    actor: CurrentActor,
    lon: Annotated[float, Query(ge=-180, le=180)],
    lat: Annotated[float, Query(ge=-90, le=90)],
    within_min: Annotated[float, Query(gt=0, le=1440)] = 30.0,
    speed_kmh: Annotated[float | None, Query(gt=0, le=300)] = None,
    certification: Annotated[str | None, Query(max_length=100)] = None,
    skill: Annotated[str | None, Query(max_length=100)] = None,
    at: Annotated[
        datetime | None, Query(description="the moment asked (with offset); default now")
    ] = None,
) -> list[ReachOut]:
    found = bus.handle(
        m.FindResponders(
            target=Point(lon, lat),
            within_min=within_min,
            speed_kmh=speed_kmh,
            certification=certification,
            skill=skill,
            at=at,
        ),
        actor,
    )
    return [ReachOut.of(x) for x in found]


@router.post("/responders/{responder_id}/availability", summary="On or off duty")
def availability(
    responder_id: str, body: AvailabilityIn, bus: BusDep, actor: CurrentActor
) -> ResponderOut:
    msg = m.SetAvailability(responder_id=responder_id, available=body.available)
    return ResponderOut.of(bus.handle(msg, actor))


@router.post("/responders/{responder_id}/training", summary="Record training or a drill")
def training(responder_id: str, body: TrainingIn, bus: BusDep, actor: CurrentActor) -> ResponderOut:
    record = TrainingRecord(on=body.on, title=body.title, hours=body.hours, drill=body.drill)
    msg = m.RecordTraining(responder_id=responder_id, record=record)
    return ResponderOut.of(bus.handle(msg, actor))


@router.put("/responders/{responder_id}/roster", summary="Set the duty roster (shifts, leave)")
def set_roster(
    responder_id: str, body: RosterIn | None, bus: BusDep, actor: CurrentActor
) -> ResponderOut:
    msg = m.SetRoster(responder_id=responder_id, roster=body.to_roster() if body else None)
    return ResponderOut.of(bus.handle(msg, actor))


@router.get("/alarms/certifications", summary="Certifications expired or expiring soon")
def certification_alarms(
    bus: BusDep,
    actor: CurrentActor,
    within_days: Annotated[int, Query(ge=0, le=3660)] = 90,
) -> list[CertificationAlarmOut]:
    found = bus.handle(m.CertificationAlarms(within_days=within_days), actor)
    return [CertificationAlarmOut.of(a) for a in found]
