"""HTTP routes for coverage of the response standard and move-up of idle units."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.dispatch import messages as m
from lifeline.dispatch.api._schemas import GeoJson, Strict, UnitOut
from lifeline.dispatch.coverage import CoverageReport
from lifeline.dispatch.model import UnitType
from lifeline.dispatch.service import CoverageView, MoveUpView
from lifeline.kernel.geo import Point

router = APIRouter()

STANDARD_S = 300.0  # China's urban fire service: first unit within 5 minutes


class DemandIn(Strict):
    location: GeoJson = Field(description="GeoJSON Point [lon, lat] in WGS84")
    weight: float = Field(1.0, ge=0, description="e.g. residents or risk")
    name: str = Field("", max_length=200)


class MoveUpIn(Strict):
    unit_type: UnitType = UnitType.ENGINE
    standard_s: float = Field(STANDARD_S, gt=0, le=7200)
    max_moves: int = Field(3, ge=0, le=50)
    demand_points: list[DemandIn] = Field(default_factory=list, max_length=20_000)


class RelocateIn(Strict):
    station_id: str = Field(min_length=1, max_length=36)


class PointOut(BaseModel):
    name: str
    location: dict[str, Any]
    weight: float
    first_unit_s: float | None
    covered: bool


class CoverageOut(BaseModel):
    covered_weight: float
    total_weight: float
    fraction: float
    points: list[PointOut]


class CoverageViewOut(BaseModel):
    unit_type: UnitType
    standard_s: float
    idle_units: int
    coverage: CoverageOut
    travel_basis: str


class MoveOut(BaseModel):
    unit: UnitOut
    to_station_id: str
    to_station_name: str
    drive_s: float


class MoveUpOut(BaseModel):
    unit_type: UnitType
    standard_s: float
    moves: list[MoveOut]
    before: CoverageOut
    after: CoverageOut
    optimal: bool
    solver_status: str
    travel_basis: str


def _coverage(report: CoverageReport, demand: tuple[m.DemandPoint, ...]) -> CoverageOut:
    return CoverageOut(
        covered_weight=report.covered_weight,
        total_weight=report.total_weight,
        fraction=round(report.fraction, 4),
        points=[
            PointOut(
                name=d.name,
                location=d.location.to_geojson(),
                weight=d.weight,
                first_unit_s=round(float(t), 1) if math.isfinite(t) else None,
                covered=bool(c),
            )
            for d, t, c in zip(demand, report.first_s, report.covered, strict=True)
        ],
    )


def _demand(points: list[DemandIn]) -> tuple[m.DemandPoint, ...]:
    return tuple(
        m.DemandPoint(
            location=Point.from_geojson(p.location, f"demand_points[{i}].location"),
            weight=p.weight,
            name=p.name,
        )
        for i, p in enumerate(points)
    )


@router.get("/coverage", summary="First-unit time at each station (or demand point) vs standard")
def coverage(
    bus: BusDep,
    actor: CurrentActor,
    unit_type: UnitType = UnitType.ENGINE,
    standard_s: Annotated[float, Query(gt=0, le=7200)] = STANDARD_S,
) -> CoverageViewOut:
    view: CoverageView = bus.handle(
        m.AssessCoverage(unit_type=unit_type, standard_s=standard_s), actor
    )
    return CoverageViewOut(
        unit_type=view.unit_type,
        standard_s=view.standard_s,
        idle_units=view.idle_units,
        coverage=_coverage(view.report, view.demand),
        travel_basis=view.travel_basis,
    )


@router.post(
    "/move-up",
    summary="Recommend relocating idle units so the areas keep their response standard",
)
def move_up(body: MoveUpIn, bus: BusDep, actor: CurrentActor) -> MoveUpOut:
    view: MoveUpView = bus.handle(
        m.RecommendMoveUp(
            unit_type=body.unit_type,
            standard_s=body.standard_s,
            max_moves=body.max_moves,
            demand=_demand(body.demand_points),
        ),
        actor,
    )
    return MoveUpOut(
        unit_type=view.unit_type,
        standard_s=view.standard_s,
        moves=[
            MoveOut(unit=UnitOut.of(mv.unit), to_station_id=mv.to_station.id,
                    to_station_name=mv.to_station.name, drive_s=round(mv.drive_s, 1))
            for mv in view.moves
        ],
        before=_coverage(view.before, view.demand),
        after=_coverage(view.after, view.demand),
        optimal=view.optimal,
        solver_status=view.solver_status,
        travel_basis=view.travel_basis,
    )  # fmt: skip


@router.post("/units/{unit_id}/relocate", summary="Carry out a move-up: stand by elsewhere")
def relocate(unit_id: str, body: RelocateIn, bus: BusDep, actor: CurrentActor) -> UnitOut:
    return UnitOut.of(
        bus.handle(m.RelocateUnit(unit_id=unit_id, station_id=body.station_id), actor)
    )
