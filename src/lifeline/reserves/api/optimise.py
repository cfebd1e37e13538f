"""HTTP routes for depot siting and allocation proposals."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.kernel.geo import Point
from lifeline.reserves import messages as m
from lifeline.reserves.api._common import GeoJson, Strict
from lifeline.reserves.service import AllocationPlan
from lifeline.reserves.siting import SitingModel

router = APIRouter()


# --- siting ---------------------------------------------------------------------------------
class DemandPointIn(Strict):
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    weight: float = Field(1.0, ge=0, description="Residents (or other demand) at the point")


class CandidateIn(Strict):
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    name: str = Field("", max_length=200)


class SitingIn(Strict):
    model: SitingModel
    demand: list[DemandPointIn] = Field(min_length=1, max_length=5_000)
    candidates: list[CandidateIn] = Field(min_length=1, max_length=500)
    p: int = Field(1, ge=1, description="Sites to open (p-median, maximal covering)")
    within_min: float = Field(15.0, gt=0, le=1440, description="Coverage time (covering models)")
    speed_kmh: float | None = Field(
        None,
        gt=0,
        le=300,
        description="great-circle speed; "
        "none: road travel times (great-circle fallback without a network)",
    )
    exact: bool = Field(True, description="Exact MIP (HiGHS) or greedy + interchange heuristic")


@router.post("/siting", summary="Depot siting: p-median, maximal or set covering (GeoJSON)")
def site(body: SitingIn, bus: BusDep, actor: CurrentActor) -> dict[str, Any]:
    geo: dict[str, Any] = bus.handle(
        m.SiteDepots(
            model=body.model,
            demand=tuple((d.lon, d.lat, d.weight) for d in body.demand),
            candidates=tuple((c.lon, c.lat, c.name) for c in body.candidates),
            p=body.p,
            within_min=body.within_min,
            speed_kmh=body.speed_kmh,
            exact=body.exact,
        ),
        actor,
    )
    return geo


# --- allocation -----------------------------------------------------------------------------
class IncidentNeedIn(Strict):
    incident_id: str = Field(min_length=1, max_length=64)
    location: GeoJson = Field(description="GeoJSON Point [lon, lat] in WGS84")
    needs: dict[str, float] = Field(min_length=1, description="material code → quantity")


class AllocationIn(Strict):
    incidents: list[IncidentNeedIn] = Field(min_length=1, max_length=500)
    speed_kmh: float | None = Field(
        None,
        gt=0,
        le=300,
        description="great-circle speed; "
        "none: road travel times (great-circle fallback without a network)",
    )
    max_time_min: float | None = Field(None, gt=0)


class ShipmentOut(BaseModel):
    incident_id: str
    lot_id: str
    depot_id: str
    material_code: str
    quantity: float
    time_min: float


class UnmetOut(BaseModel):
    incident_id: str
    material_code: str
    quantity: float


class AllocationOut(BaseModel):
    shipments: list[ShipmentOut]
    unmet: list[UnmetOut]


@router.post("/allocation", summary="Propose which lots go to which incident (min-cost LP)")
def plan_allocation(body: AllocationIn, bus: BusDep, actor: CurrentActor) -> AllocationOut:
    plan: AllocationPlan = bus.handle(
        m.PlanAllocation(
            incidents=tuple(
                m.IncidentNeed(
                    incident_id=inc.incident_id,
                    location=Point.from_geojson(inc.location, f"incidents[{i}].location"),
                    needs=tuple(inc.needs.items()),
                )
                for i, inc in enumerate(body.incidents)
            ),
            speed_kmh=body.speed_kmh,
            max_time_min=body.max_time_min,
        ),
        actor,
    )
    return AllocationOut(
        shipments=[ShipmentOut.model_validate(s, from_attributes=True) for s in plan.shipments],
        unmet=[UnmetOut.model_validate(u, from_attributes=True) for u in plan.unmet],
    )
