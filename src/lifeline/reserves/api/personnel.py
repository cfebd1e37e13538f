"""HTTP routes for responders and teams: register, availability, training, reach search."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.kernel.geo import Point
from lifeline.reserves import messages as m
from lifeline.reserves.api._common import GeoJson, Strict
from lifeline.reserves.personnel import (
    Certification,
    PersonnelKind,
    Reach,
    Responder,
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
    speed_kmh: Annotated[float, Query(gt=0, le=300)] = 40.0,
    certification: Annotated[str | None, Query(max_length=100)] = None,
    skill: Annotated[str | None, Query(max_length=100)] = None,
) -> list[ReachOut]:
    found = bus.handle(
        m.FindResponders(
            target=Point(lon, lat),
            within_min=within_min,
            speed_kmh=speed_kmh,
            certification=certification,
            skill=skill,
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
