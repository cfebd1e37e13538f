"""HTTP routes for units: registration, status, dispatch orders and AVL positions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.api.pagination import Page
from lifeline.api.problems import problem
from lifeline.dispatch import messages as m
from lifeline.dispatch.api._schemas import PageDep, Strict, UnitOut
from lifeline.dispatch.model import PositionFix, RejectedFix, UnitStatus, UnitType
from lifeline.kernel.errors import FieldProblem

router = APIRouter()


class UnitIn(Strict):
    call_sign: str = Field(min_length=1, max_length=64, examples=["福田消防1号车"])
    unit_type: UnitType
    station_id: str = Field(min_length=1, max_length=36, description="Registry facility id")
    capabilities: list[str] = Field(default_factory=list, max_length=32)


class StatusIn(Strict):
    status: UnitStatus
    note: str = Field("", max_length=1000)


class DispatchIn(Strict):
    incident_id: str = Field(min_length=1, max_length=64)


class FixIn(BaseModel):
    """One AVL fix. Fields are checked by the service so a bad fix is quarantined, not lost."""

    model_config = {"extra": "allow"}
    unit: Any = None
    lon: Any = None
    lat: Any = None
    at: Any = None
    speed_kmh: Any = None
    heading_deg: Any = None


class BatchIn(BaseModel):
    fixes: list[FixIn] = Field(max_length=10_000)


class RejectedOut(BaseModel):
    index: int
    unit: str
    reason: str
    quarantine_id: str


class BatchOut(BaseModel):
    accepted: int
    rejected: list[RejectedOut]


class FixOut(BaseModel):
    position: dict[str, Any]
    at: datetime
    speed_kmh: float | None
    heading_deg: float | None

    @classmethod
    def of(cls, f: PositionFix) -> FixOut:
        return cls(position=f.position.to_geojson(), at=f.at, speed_kmh=f.speed_kmh,
                   heading_deg=f.heading_deg)  # fmt: skip


class QuarantinedOut(BaseModel):
    id: str
    source: str
    unit_ref: str
    raw: str
    reason: str
    received_at: datetime

    @classmethod
    def of(cls, r: RejectedFix) -> QuarantinedOut:
        return cls(id=r.id, source=r.source, unit_ref=r.unit_ref, raw=r.raw, reason=r.reason,
                   received_at=r.received_at)  # fmt: skip


def _avl(fix: FixIn, unit: object) -> m.AvlFix:
    return m.AvlFix(
        unit=unit, lon=fix.lon, lat=fix.lat, at=fix.at, speed_kmh=fix.speed_kmh,
        heading_deg=fix.heading_deg, raw=fix.model_dump_json(),
    )  # fmt: skip


@router.post("/units", status_code=status.HTTP_201_CREATED, summary="Register a unit")
def register_unit(body: UnitIn, bus: BusDep, actor: CurrentActor) -> UnitOut:
    unit = bus.handle(
        m.RegisterUnit(
            call_sign=body.call_sign,
            unit_type=body.unit_type,
            station_id=body.station_id,
            capabilities=tuple(body.capabilities),
        ),
        actor,
    )
    return UnitOut.of(unit)


@router.get("/units", summary="Units in your scope")
def list_units(
    bus: BusDep,
    actor: CurrentActor,
    page: PageDep,
    unit_type: Annotated[UnitType | None, Query()] = None,
    unit_status: Annotated[UnitStatus | None, Query(alias="status")] = None,
) -> Page[UnitOut]:
    units, total = bus.handle(
        m.ListUnits(unit_type=unit_type, status=unit_status, limit=page.limit,
                    offset=page.offset),
        actor,
    )  # fmt: skip
    return Page[UnitOut](
        items=[UnitOut.of(u) for u in units], total=total, limit=page.limit, offset=page.offset
    )


@router.get("/units/{unit_id}", summary="One unit (by id or call sign)")
def get_unit(unit_id: str, bus: BusDep, actor: CurrentActor) -> UnitOut:
    return UnitOut.of(bus.handle(m.GetUnit(unit_id=unit_id), actor))


@router.post(
    "/units/{unit_id}/status",
    summary="Report a status step (en route, on scene, returning, available, out of service)",
    responses={409: {"description": "The status machine does not allow this step"}},
)
def change_status(unit_id: str, body: StatusIn, bus: BusDep, actor: CurrentActor) -> UnitOut:
    unit = bus.handle(
        m.ChangeUnitStatus(unit_id=unit_id, status=body.status, note=body.note), actor
    )
    return UnitOut.of(unit)


@router.post(
    "/units/{unit_id}/dispatch",
    summary="Order one unit to an incident",
    responses={409: {"description": "The unit is not available (e.g. dispatched meanwhile)"}},
)
def dispatch_unit(unit_id: str, body: DispatchIn, bus: BusDep, actor: CurrentActor) -> UnitOut:
    return UnitOut.of(
        bus.handle(m.DispatchUnit(unit_id=unit_id, incident_id=body.incident_id), actor)
    )


@router.post(
    "/units/{unit_id}/position",
    status_code=status.HTTP_202_ACCEPTED,
    summary="One AVL fix for a unit; a bad fix is quarantined and answered 422",
    response_model=None,
)
def report_position(
    unit_id: str, body: FixIn, request: Request, bus: BusDep, actor: CurrentActor
) -> BatchOut | JSONResponse:
    report = bus.handle(m.ReportPositions(fixes=(_avl(body, unit_id),), source="http"), actor)
    if report.rejected:
        _, bad = report.rejected[0]
        problems = [
            FieldProblem(*part.split(": ", 1)) if ": " in part else FieldProblem("", part)
            for part in bad.reason.split("; ")
        ]
        return problem(
            422,
            "Invalid input",
            f"position refused and quarantined as {bad.id}: {bad.reason}",
            kind="invalid-input",
            request=request,
            errors=problems,
        )
    return BatchOut(accepted=report.accepted, rejected=[])


@router.post(
    "/positions",
    summary="A batch of AVL fixes; bad ones are quarantined with the reason, the rest stored",
)
def report_positions(body: BatchIn, bus: BusDep, actor: CurrentActor) -> BatchOut:
    fixes = tuple(_avl(f, f.unit) for f in body.fixes)
    report = bus.handle(m.ReportPositions(fixes=fixes, source="http"), actor)
    return BatchOut(
        accepted=report.accepted,
        rejected=[
            RejectedOut(index=i, unit=r.unit_ref, reason=r.reason, quarantine_id=r.id)
            for i, r in report.rejected
        ],
    )


@router.get("/units/{unit_id}/track", summary="A unit's recent AVL fixes, newest first")
def unit_track(
    unit_id: str,
    bus: BusDep,
    actor: CurrentActor,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
) -> list[FixOut]:
    return [FixOut.of(f) for f in bus.handle(m.UnitTrack(unit_id=unit_id, limit=limit), actor)]


@router.get("/avl/quarantine", summary="AVL fixes refused on ingest, with the reason")
def avl_quarantine(bus: BusDep, actor: CurrentActor, page: PageDep) -> Page[QuarantinedOut]:
    items, total = bus.handle(m.ListAvlQuarantine(limit=page.limit, offset=page.offset), actor)
    return Page[QuarantinedOut](
        items=[QuarantinedOut.of(r) for r in items], total=total, limit=page.limit,
        offset=page.offset,
    )  # fmt: skip
