"""HTTP routes for reserve standards, gap reports and enterprise supply agreements."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.kernel.geo import Point
from lifeline.reserves import messages as m
from lifeline.reserves.api._common import GeoJson, Strict
from lifeline.reserves.model import (
    MILLI,
    Hazard,
    ReserveStandard,
    RiskLevel,
    StandardLine,
    SupplyAgreement,
)
from lifeline.reserves.service import GapReportView, ShortageAlarm

router = APIRouter()


# --- standards and gaps ---------------------------------------------------------------------
class StandardLineIn(Strict):
    material_code: str = Field(min_length=1, max_length=20)
    per_1000_residents: float = Field(0.0, ge=0)
    per_facility: float = Field(0.0, ge=0)
    fixed_quantity: float = Field(0.0, ge=0)


class StandardIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    organisation_id: str = Field(min_length=1, max_length=36)
    area_name: str = Field(min_length=1, max_length=200)
    center: GeoJson = Field(description="GeoJSON Point [lon, lat] in WGS84")
    population: int = Field(ge=0)
    facilities: int = Field(0, ge=0)
    hazard: Hazard = Hazard.NONE
    lines: list[StandardLineIn] = Field(min_length=1, max_length=500)
    risk_level: RiskLevel = RiskLevel.LOW
    risk_multiplier: float | None = Field(
        None, gt=0, le=10, description="default: 1.0 / 1.25 / 1.5 / 2.0 for low … very_high"
    )


class StandardOut(BaseModel):
    id: str
    name: str
    organisation_id: str
    area_name: str
    center: GeoJson
    population: int
    facilities: int
    hazard: Hazard
    lines: list[StandardLineIn]
    created_at: datetime
    risk_level: RiskLevel
    risk_multiplier: float

    @classmethod
    def of(cls, s: ReserveStandard) -> StandardOut:
        return cls(
            id=s.id, name=s.name, organisation_id=s.organisation_id, area_name=s.area_name,
            center=s.center.to_geojson(), population=s.population, facilities=s.facilities,
            hazard=s.hazard,
            lines=[StandardLineIn.model_validate(ln, from_attributes=True) for ln in s.lines],
            created_at=s.created_at, risk_level=s.risk_level, risk_multiplier=s.risk_multiplier,
        )  # fmt: skip


@router.post("/standards", status_code=status.HTTP_201_CREATED, summary="Create a standard")
def create_standard(body: StandardIn, bus: BusDep, actor: CurrentActor) -> StandardOut:
    standard = bus.handle(
        m.CreateStandard(
            name=body.name,
            organisation_id=body.organisation_id,
            area_name=body.area_name,
            center=Point.from_geojson(body.center, "center"),
            population=body.population,
            facilities=body.facilities,
            hazard=body.hazard,
            lines=tuple(StandardLine(**ln.model_dump()) for ln in body.lines),
            risk_level=body.risk_level,
            risk_multiplier=body.risk_multiplier,
        ),
        actor,
    )
    return StandardOut.of(standard)


@router.get("/standards", summary="Reserve standards in your scope")
def list_standards(bus: BusDep, actor: CurrentActor) -> list[StandardOut]:
    return [StandardOut.of(s) for s in bus.handle(m.ListStandards(), actor)]


class GapLineOut(BaseModel):
    material_code: str
    material_name: str
    unit: str
    required: float
    on_hand: float
    reachable: float
    shortage_on_hand: float
    shortage_reachable: float
    agreed: float
    shortage_with_agreements: float


class GapReportOut(BaseModel):
    standard_id: str
    standard_name: str
    area_name: str
    within_min: float
    speed_kmh: float | None
    travel_basis: str
    risk_level: str
    risk_multiplier: float
    lines: list[GapLineOut]


@router.get("/standards/{standard_id}/gaps", summary="Gap report: required vs on hand vs reachable")
def gap_report(
    standard_id: str,
    bus: BusDep,
    actor: CurrentActor,
    within_min: Annotated[float, Query(gt=0, le=1440)] = 30.0,
    speed_kmh: Annotated[float | None, Query(gt=0, le=300)] = None,
) -> GapReportOut:
    report: GapReportView = bus.handle(
        m.GapReport(standard_id=standard_id, within_min=within_min, speed_kmh=speed_kmh), actor
    )
    return GapReportOut(
        standard_id=report.standard_id,
        standard_name=report.standard_name,
        area_name=report.area_name,
        within_min=report.within_min,
        speed_kmh=report.speed_kmh,
        travel_basis=report.travel_basis,
        risk_level=report.risk_level,
        risk_multiplier=report.risk_multiplier,
        lines=[GapLineOut.model_validate(ln, from_attributes=True) for ln in report.lines],
    )


# --- enterprise supply agreements (virtual stock) ---------------------------------------------
class AgreementIn(Strict):
    organisation_id: str = Field(min_length=1, max_length=36, description="the holder")
    supplier: str = Field(min_length=1, max_length=200)
    material_code: str = Field(min_length=1, max_length=20)
    quantity: float = Field(gt=0)
    lead_time_min: float = Field(ge=0, le=10080, description="from the call until dispatch")
    location: GeoJson = Field(description="supplier's warehouse, GeoJSON Point [lon, lat]")
    valid_until: date | None = None


class AgreementOut(BaseModel):
    id: str
    organisation_id: str
    supplier: str
    material_code: str
    quantity: float
    lead_time_min: float
    location: GeoJson
    valid_until: date | None
    created_at: datetime

    @classmethod
    def of(cls, a: SupplyAgreement) -> AgreementOut:
        return cls(
            id=a.id, organisation_id=a.organisation_id, supplier=a.supplier,
            material_code=a.material_code, quantity=a.quantity_milli / MILLI,
            lead_time_min=a.lead_time_min, location=a.location.to_geojson(),
            valid_until=a.valid_until, created_at=a.created_at,
        )  # fmt: skip


@router.post(
    "/agreements",
    status_code=status.HTTP_201_CREATED,
    summary="Record an enterprise's agreement to supply on demand (virtual stock)",
)
def register_agreement(body: AgreementIn, bus: BusDep, actor: CurrentActor) -> AgreementOut:
    agreement = bus.handle(
        m.RegisterAgreement(
            organisation_id=body.organisation_id,
            supplier=body.supplier,
            material_code=body.material_code,
            quantity=body.quantity,
            lead_time_min=body.lead_time_min,
            location=Point.from_geojson(body.location, "location"),
            valid_until=body.valid_until,
        ),
        actor,
    )
    return AgreementOut.of(agreement)


@router.get("/agreements", summary="Supply agreements in your scope")
def list_agreements(bus: BusDep, actor: CurrentActor) -> list[AgreementOut]:
    return [AgreementOut.of(a) for a in bus.handle(m.ListAgreements(), actor)]


class ShortageAlarmOut(BaseModel):
    standard_id: str
    area_name: str
    material_code: str
    material_name: str
    unit: str
    required: float
    reachable: float
    agreed: float
    shortage: float
    severity: str
    suggestion: str


@router.get("/alarms/shortages", summary="Materials areas lack within T minutes, gravest first")
def shortage_alarms(
    bus: BusDep,
    actor: CurrentActor,
    within_min: Annotated[float, Query(gt=0, le=1440)] = 30.0,
    speed_kmh: Annotated[float | None, Query(gt=0, le=300)] = None,
) -> list[ShortageAlarmOut]:
    alarms: list[ShortageAlarm] = bus.handle(
        m.ShortageAlarms(within_min=within_min, speed_kmh=speed_kmh), actor
    )
    return [ShortageAlarmOut.model_validate(a, from_attributes=True) for a in alarms]
