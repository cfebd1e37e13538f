"""HTTP routes for dispatch plans: propose for competing incidents, approve (or edit), reject.

Materials the incidents' run cards ask for are proposed by the reserve system's allocation
(its public ``PlanAllocation`` query on the bus) and ride along with the plan.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.api.pagination import Page
from lifeline.dispatch import messages as m
from lifeline.dispatch.api._schemas import PageDep, Strict
from lifeline.dispatch.model import Assignment, DispatchPlan, IncidentView, MaterialShipment
from lifeline.kernel.access import Actor
from lifeline.kernel.bus import MessageBus
from lifeline.reserves.messages import IncidentNeed, PlanAllocation

router = APIRouter()


class PlanIn(Strict):
    organisation_id: str = Field(min_length=1, max_length=36, description="Owning command")
    incident_ids: list[str] = Field(min_length=1, max_length=500)
    method: str = Field("optimal", pattern="^(optimal|greedy)$")
    materials: bool = Field(True, description="Also propose materials from the reserves")


class AssignmentIn(Strict):
    unit_id: str = Field(min_length=1, max_length=64)
    incident_id: str = Field(min_length=1, max_length=64)


class ApproveIn(Strict):
    assignments: list[AssignmentIn] | None = Field(
        None, max_length=10_000, description="The commander's edit; omit to approve as proposed"
    )
    note: str = Field("", max_length=2000)


class RejectIn(Strict):
    note: str = Field("", max_length=2000)


class AssignmentOut(BaseModel):
    unit_id: str
    incident_id: str
    unit_type: str
    eta_s: float


class ShortfallOut(BaseModel):
    incident_id: str
    unit_type: str
    missing: int


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


class PlanOut(BaseModel):
    id: str
    organisation_id: str
    status: str
    method: str
    incident_ids: list[str]
    assignments: list[AssignmentOut]
    shortfalls: list[ShortfallOut]
    materials: list[ShipmentOut]
    unmet_materials: list[UnmetOut]
    objective_s: float
    greedy_objective_s: float
    travel_basis: str
    proposed_by: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    note: str

    @classmethod
    def of(cls, p: DispatchPlan) -> PlanOut:
        return cls(
            id=p.id, organisation_id=p.organisation_id, status=p.status.value, method=p.method,
            incident_ids=list(p.incident_ids),
            assignments=[AssignmentOut(unit_id=a.unit_id, incident_id=a.incident_id,
                                       unit_type=a.unit_type, eta_s=a.eta_s)
                         for a in p.assignments],
            shortfalls=[ShortfallOut(incident_id=s.incident_id, unit_type=s.unit_type,
                                     missing=s.missing) for s in p.shortfalls],
            materials=[ShipmentOut(incident_id=s.incident_id, lot_id=s.lot_id,
                                   depot_id=s.depot_id, material_code=s.material_code,
                                   quantity=s.quantity, time_min=s.time_min)
                       for s in p.materials],
            unmet_materials=[UnmetOut(incident_id=i, material_code=c, quantity=q)
                             for i, c, q in p.unmet_materials],
            objective_s=p.objective_s, greedy_objective_s=p.greedy_objective_s,
            travel_basis=p.travel_basis, proposed_by=p.proposed_by, created_at=p.created_at,
            decided_by=p.decided_by, decided_at=p.decided_at, note=p.note,
        )  # fmt: skip


def allocate_materials(
    bus: MessageBus, actor: Actor, incident_ids: list[str]
) -> tuple[tuple[MaterialShipment, ...], tuple[tuple[str, str, float], ...]]:
    """Ask the reserve system to propose shipments for the incidents' required materials."""
    views: list[IncidentView] = bus.handle(m.ListIncidentViews(open_only=True), actor)
    wanted = set(incident_ids)
    needs = tuple(
        IncidentNeed(
            incident_id=v.id,
            location=v.location,
            needs=tuple(sorted(v.required_materials().items())),
        )
        for v in views
        if v.id in wanted and v.required_materials()
    )
    if not needs:
        return (), ()
    plan = bus.handle(PlanAllocation(incidents=needs), actor)
    return (
        tuple(
            MaterialShipment(
                incident_id=s.incident_id, lot_id=s.lot_id, depot_id=s.depot_id,
                material_code=s.material_code, quantity=s.quantity, time_min=s.time_min,
            )
            for s in plan.shipments
        ),
        tuple((u.incident_id, u.material_code, u.quantity) for u in plan.unmet),
    )  # fmt: skip


@router.post(
    "/plans",
    status_code=status.HTTP_201_CREATED,
    summary="Propose a dispatch plan for competing incidents (optimal or greedy)",
)
def propose(body: PlanIn, bus: BusDep, actor: CurrentActor) -> PlanOut:
    materials: tuple[MaterialShipment, ...] = ()
    unmet: tuple[tuple[str, str, float], ...] = ()
    if body.materials:
        materials, unmet = allocate_materials(bus, actor, body.incident_ids)
    plan = bus.handle(
        m.ProposeDispatchPlan(
            organisation_id=body.organisation_id,
            incident_ids=tuple(body.incident_ids),
            method=body.method,
            materials=materials,
            unmet_materials=unmet,
        ),
        actor,
    )
    return PlanOut.of(plan)


@router.get("/plans", summary="Dispatch plans in your scope, newest first")
def list_plans(bus: BusDep, actor: CurrentActor, page: PageDep) -> Page[PlanOut]:
    plans, total = bus.handle(m.ListDispatchPlans(limit=page.limit, offset=page.offset), actor)
    return Page[PlanOut](
        items=[PlanOut.of(p) for p in plans], total=total, limit=page.limit, offset=page.offset
    )


@router.get("/plans/{plan_id}", summary="One dispatch plan")
def get_plan(plan_id: str, bus: BusDep, actor: CurrentActor) -> PlanOut:
    return PlanOut.of(bus.handle(m.GetDispatchPlan(plan_id=plan_id), actor))


@router.post(
    "/plans/{plan_id}/approve",
    summary="Approve (optionally edited): every unit is dispatched, or none (409)",
    responses={409: {"description": "A unit is no longer free, or the plan was decided"}},
)
def approve(plan_id: str, body: ApproveIn, bus: BusDep, actor: CurrentActor) -> PlanOut:
    edits = (
        None
        if body.assignments is None
        else tuple(
            Assignment(unit_id=a.unit_id, incident_id=a.incident_id, unit_type="", eta_s=0.0)
            for a in body.assignments
        )
    )
    plan = bus.handle(
        m.ApproveDispatchPlan(plan_id=plan_id, assignments=edits, note=body.note), actor
    )
    return PlanOut.of(plan)


@router.post("/plans/{plan_id}/reject", summary="Reject a proposed plan")
def reject(plan_id: str, body: RejectIn, bus: BusDep, actor: CurrentActor) -> PlanOut:
    return PlanOut.of(bus.handle(m.RejectDispatchPlan(plan_id=plan_id, note=body.note), actor))
