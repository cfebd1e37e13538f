"""Dispatch plans: propose an assignment for competing incidents, approve (or edit) or reject.

Approval dispatches every unit of the plan in one transaction, locking the units in id order
(so two approvals never deadlock); a unit that is no longer free makes the whole approval a 409
and nothing is sent.
"""

from __future__ import annotations

import math
from dataclasses import replace

from lifeline.dispatch.events import DispatchPlanDecided, DispatchPlanProposed
from lifeline.dispatch.messages import (
    ApproveDispatchPlan,
    GetDispatchPlan,
    ListDispatchPlans,
    ProposeDispatchPlan,
    RejectDispatchPlan,
)
from lifeline.dispatch.model import (
    TRAVEL,
    Assignment,
    DispatchPlan,
    IncidentView,
    PlanStatus,
    Shortfall,
    grade_weight,
)
from lifeline.dispatch.optimize import greedy, optimal
from lifeline.dispatch.service._common import (
    authorize_collection,
    load_incident,
    load_plan,
    load_unit,
    repo_of,
)
from lifeline.dispatch.service.recommendation import dispatchable_units, lonlat
from lifeline.dispatch.service.units import dispatch_to
from lifeline.geo.travel import OffNetwork, off_network
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, InvalidInput
from lifeline.kernel.ids import new_id
from lifeline.security.model import ORG_PATHS

MAX_INCIDENTS = 500
METHODS = ("optimal", "greedy")


def _incidents(ctx: HandlerContext, incident_ids: tuple[str, ...]) -> list[IncidentView]:
    if not 1 <= len(incident_ids) <= MAX_INCIDENTS:
        raise InvalidInput("incident_ids", f"between 1 and {MAX_INCIDENTS} incidents")
    if len(set(incident_ids)) != len(incident_ids):
        raise InvalidInput("incident_ids", "must not repeat an incident")
    out: list[IncidentView] = []
    for i, incident_id in enumerate(incident_ids):
        incident = load_incident(ctx, incident_id, field=f"incident_ids[{i}]")
        if not incident.open:
            raise InvalidInput(f"incident_ids[{i}]", f"incident is {incident.status}")
        if not incident.required_units():
            raise InvalidInput(
                f"incident_ids[{i}]", "has no run card: no activated plan requires units"
            )
        out.append(incident)
    return out


def propose_dispatch_plan(cmd: ProposeDispatchPlan, ctx: HandlerContext) -> DispatchPlan:
    if cmd.method not in METHODS:
        raise InvalidInput("method", f"one of {', '.join(METHODS)}")
    path = ctx.uow.repo(ORG_PATHS).path_of(cmd.organisation_id)
    if path is None:
        raise InvalidInput(
            "organisation_id", f"organisation {cmd.organisation_id!r} does not exist"
        )
    ctx.authorize(target_kind="organisation", target_id=cmd.organisation_id, target_path=path)
    incidents = _incidents(ctx, cmd.incident_ids)
    demand = [inc.required_units() for inc in incidents]
    needed = {t for d in demand for t in d}
    units = dispatchable_units(ctx, needed)
    travel = ctx.uow.repo(TRAVEL)
    targets = [(inc.location.lon, inc.location.lat) for inc in incidents]
    problems = off_network(travel, targets, "incident_ids")
    if problems:
        raise OffNetwork(problems)
    eta = travel.matrix_s(lonlat(units), targets).reshape(len(units), len(incidents))
    weights = [grade_weight(inc.grade) for inc in incidents]
    types = [u.unit_type.value for u in units]
    best = optimal(eta, types, demand, weights)
    baseline = greedy(eta, types, demand, weights)
    chosen = best if cmd.method == "optimal" else baseline
    plan = DispatchPlan(
        id=new_id(),
        organisation_id=cmd.organisation_id,
        path=path,
        status=PlanStatus.PROPOSED,
        method=cmd.method,
        incident_ids=tuple(inc.id for inc in incidents),
        assignments=tuple(
            Assignment(
                unit_id=units[u].id,
                incident_id=incidents[i].id,
                unit_type=types[u],
                eta_s=round(float(eta[u, i]), 1),
            )
            for u, i in chosen.pairs
        ),
        shortfalls=tuple(
            Shortfall(incident_id=incidents[i].id, unit_type=t, missing=n)
            for (i, t), n in sorted(chosen.shortfall.items())
        ),
        materials=cmd.materials,
        unmet_materials=cmd.unmet_materials,
        objective_s=round(chosen.objective_s, 1),
        greedy_objective_s=round(baseline.objective_s, 1),
        proposed_by=ctx.actor.ref,
        created_at=ctx.uow.clock.now(),
        travel_basis=travel.description,
    )
    repo_of(ctx).add_plan(plan)
    ctx.uow.record(
        DispatchPlanProposed(
            aggregate_id=plan.id,
            organisation_id=plan.organisation_id,
            method=plan.method,
            incident_ids=plan.incident_ids,
            assignments=len(plan.assignments),
            objective_s=plan.objective_s,
            greedy_objective_s=plan.greedy_objective_s,
        )
    )
    return plan


def get_dispatch_plan(query: GetDispatchPlan, ctx: HandlerContext) -> DispatchPlan:
    return load_plan(ctx, query.plan_id)


def list_dispatch_plans(
    query: ListDispatchPlans, ctx: HandlerContext
) -> tuple[list[DispatchPlan], int]:
    authorize_collection(ctx, "dispatch_plan")
    return repo_of(ctx).list_plans(ctx.scope_paths, query.limit, query.offset)


def _edited(
    ctx: HandlerContext, plan: DispatchPlan, edits: tuple[Assignment, ...]
) -> tuple[Assignment, ...]:
    """Check the commander's assignments and re-estimate their ETAs."""
    if len(edits) > 10_000:
        raise InvalidInput("assignments", "at most 10000 assignments")
    seen: set[str] = set()
    travel = ctx.uow.repo(TRAVEL)
    out: list[Assignment] = []
    for i, edit in enumerate(edits):
        if edit.incident_id not in plan.incident_ids:
            raise InvalidInput(f"assignments[{i}].incident_id", "is not an incident of this plan")
        unit = load_unit(ctx, edit.unit_id, field=f"assignments[{i}].unit_id")
        if unit.id in seen:
            raise InvalidInput(f"assignments[{i}].unit_id", "assigns a unit twice")
        seen.add(unit.id)
        incident = load_incident(ctx, edit.incident_id, field=f"assignments[{i}].incident_id")
        eta = float(
            travel.to_one_s(lonlat([unit]), (incident.location.lon, incident.location.lat))[0]
        )
        if not math.isfinite(eta):
            raise InvalidInput(f"assignments[{i}].unit_id", "cannot reach the incident")
        out.append(
            Assignment(
                unit_id=unit.id,
                incident_id=incident.id,
                unit_type=unit.unit_type.value,
                eta_s=round(eta, 1),
            )
        )
    return tuple(out)


def approve_dispatch_plan(cmd: ApproveDispatchPlan, ctx: HandlerContext) -> DispatchPlan:
    if len(cmd.note) > 2000:
        raise InvalidInput("note", "must be at most 2000 characters")
    plan = load_plan(ctx, cmd.plan_id)
    if plan.status is not PlanStatus.PROPOSED:
        raise Conflict(f"dispatch plan {plan.id!r} is already {plan.status.value}")
    edited = cmd.assignments is not None
    assignments = (
        _edited(ctx, plan, cmd.assignments) if cmd.assignments is not None else (plan.assignments)
    )
    if not assignments:
        raise InvalidInput("assignments", "an approved plan sends at least one unit")
    travel = ctx.uow.repo(TRAVEL)
    for assignment in sorted(assignments, key=lambda a: a.unit_id):
        unit = load_unit(ctx, assignment.unit_id, for_update=True)
        dispatch_to(
            ctx,
            unit,
            assignment.incident_id,
            eta_s=assignment.eta_s,
            plan_id=plan.id,
            basis=travel.description,
        )
    weights = {
        i: grade_weight(load_incident(ctx, i).grade) for i in {a.incident_id for a in assignments}
    }
    decided = replace(
        plan,
        status=PlanStatus.APPROVED,
        assignments=assignments,
        objective_s=round(sum(weights[a.incident_id] * a.eta_s for a in assignments), 1),
        decided_by=ctx.actor.ref,
        decided_at=ctx.uow.clock.now(),
        note=cmd.note.strip(),
    )
    if not repo_of(ctx).decide_plan(decided):
        raise Conflict(f"dispatch plan {plan.id!r} was decided meanwhile")
    ctx.uow.record(
        DispatchPlanDecided(
            aggregate_id=plan.id,
            organisation_id=plan.organisation_id,
            status=decided.status.value,
            edited=edited,
            assignments=len(assignments),
            note=decided.note,
        )
    )
    return decided


def reject_dispatch_plan(cmd: RejectDispatchPlan, ctx: HandlerContext) -> DispatchPlan:
    plan = load_plan(ctx, cmd.plan_id)
    if plan.status is not PlanStatus.PROPOSED:
        raise Conflict(f"dispatch plan {plan.id!r} is already {plan.status.value}")
    decided = replace(
        plan,
        status=PlanStatus.REJECTED,
        decided_by=ctx.actor.ref,
        decided_at=ctx.uow.clock.now(),
        note=cmd.note.strip()[:2000],
    )
    if not repo_of(ctx).decide_plan(decided):
        raise Conflict(f"dispatch plan {plan.id!r} was decided meanwhile")
    ctx.uow.record(
        DispatchPlanDecided(
            aggregate_id=plan.id,
            organisation_id=plan.organisation_id,
            status=decided.status.value,
            edited=False,
            assignments=0,
            note=decided.note,
        )
    )
    return decided
