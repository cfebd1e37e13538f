"""Request-model base and response schemas shared by the dispatch routers."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends
from pydantic import BaseModel, ConfigDict

from lifeline.api.pagination import PageParams, page_params
from lifeline.dispatch.model import IncidentView, Unit, UnitStatus, UnitType

PageDep = Annotated[PageParams, Depends(page_params)]
GeoJson = dict[str, Any]


class Strict(BaseModel):
    """Request bodies refuse unknown fields and strip surrounding whitespace."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class UnitOut(BaseModel):
    id: str
    call_sign: str
    unit_type: UnitType
    capabilities: list[str]
    organisation_id: str
    station_id: str
    station_name: str
    station_location: GeoJson
    position: GeoJson
    position_at: datetime | None
    status: UnitStatus
    incident_id: str | None
    dispatched_at: datetime | None
    updated_at: datetime
    version: int

    @classmethod
    def of(cls, u: Unit) -> UnitOut:
        return cls(
            id=u.id, call_sign=u.call_sign, unit_type=u.unit_type,
            capabilities=list(u.capabilities), organisation_id=u.organisation_id,
            station_id=u.station_id, station_name=u.station_name,
            station_location=u.station_location.to_geojson(), position=u.position.to_geojson(),
            position_at=u.position_at, status=u.status, incident_id=u.incident_id,
            dispatched_at=u.dispatched_at, updated_at=u.updated_at, version=u.version,
        )  # fmt: skip


class RunCardOut(BaseModel):
    plan_code: str
    activation_id: str
    level: str
    units: dict[str, int]
    materials: dict[str, float]
    activated_at: datetime


class IncidentViewOut(BaseModel):
    id: str
    organisation_id: str | None
    title: str
    category: str
    incident_type: str
    location: GeoJson
    grade: str | None
    status: str
    exercise: bool
    required_units: dict[str, int]
    required_materials: dict[str, float]
    run_cards: list[RunCardOut]
    updated_at: datetime

    @classmethod
    def of(cls, i: IncidentView) -> IncidentViewOut:
        return cls(
            id=i.id, organisation_id=i.organisation_id, title=i.title, category=i.category,
            incident_type=i.incident_type, location=i.location.to_geojson(), grade=i.grade,
            status=i.status, exercise=i.exercise, required_units=i.required_units(),
            required_materials=i.required_materials(),
            run_cards=[
                RunCardOut(
                    plan_code=c.plan_code, activation_id=c.activation_id, level=c.level,
                    units=dict(c.units), materials=dict(c.materials), activated_at=c.activated_at,
                )
                for c in i.run_cards
            ],
            updated_at=i.updated_at,
        )  # fmt: skip
