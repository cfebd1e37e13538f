"""Plan documents as versioned records: save (create or revise), retire, read, versions."""

from __future__ import annotations

from dataclasses import dataclass, replace

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, FieldProblem, InvalidInput, NotFound
from lifeline.kernel.ids import new_id
from lifeline.plans.document import check_materials
from lifeline.plans.events import PlanCreated, PlanRetired, PlanRevised
from lifeline.plans.messages import (
    GetPlan,
    GetPlanVersion,
    ListPlans,
    PlanVersions,
    RetirePlan,
    RevisePlan,
    SavePlan,
)
from lifeline.plans.model import Plan, PlanDocument, PlanStatus, PlanVersion
from lifeline.plans.service._common import authorize_collection, load_plan, repo_of
from lifeline.security.model import ORG_PATHS


@dataclass(frozen=True, slots=True)
class Saved:
    plan: Plan
    created: bool


def check_references(ctx: HandlerContext, doc: PlanDocument) -> None:
    """Material codes must be in the reserves catalogue; bound organisations must exist."""
    check_materials(doc)
    paths = ctx.uow.repo(ORG_PATHS)
    problems = [
        FieldProblem(
            f"departments.{i}.organisation_id",
            f"organisation {dept.organisation_id!r} does not exist",
        )
        for i, dept in enumerate(doc.departments)
        if dept.organisation_id is not None and paths.path_of(dept.organisation_id) is None
    ]
    if problems:
        raise InvalidInput(problems)


def save_plan(cmd: SavePlan, ctx: HandlerContext) -> Saved:
    path = ctx.uow.repo(ORG_PATHS).path_of(cmd.organisation_id)
    if path is None:
        raise InvalidInput(
            "organisation_id", f"organisation {cmd.organisation_id!r} does not exist"
        )
    ctx.authorize(target_kind="organisation", target_id=cmd.organisation_id, target_path=path)
    unknown = sorted(set(cmd.bindings) - {d.code for d in cmd.document.departments})
    if unknown:
        raise InvalidInput("bindings", f"{unknown} are not departments of the plan")
    doc = cmd.document.bind(dict(cmd.bindings))
    check_references(ctx, doc)
    repo = repo_of(ctx)
    existing = repo.get_plan_by_code(cmd.organisation_id, doc.code)
    if existing is not None:
        ctx.authorize(target_kind="plan", target_id=existing.id, target_path=existing.path)
        return Saved(plan=_revise(ctx, existing, doc, cmd.note), created=False)
    now = ctx.uow.clock.now()
    plan = Plan(
        id=new_id(),
        code=doc.code,
        organisation_id=cmd.organisation_id,
        path=path,
        version=1,
        status=PlanStatus.ACTIVE,
        document=doc,
        created_at=now,
        updated_at=now,
    )
    repo.add_plan(plan, _version(ctx, plan, cmd.note))
    ctx.uow.record(
        PlanCreated(
            aggregate_id=plan.id,
            organisation_id=plan.organisation_id,
            code=plan.code,
            title=doc.title,
            title_en=doc.title_en,
            incident_types=doc.incident_types,
        )
    )
    return Saved(plan=plan, created=True)


def _version(ctx: HandlerContext, plan: Plan, note: str) -> PlanVersion:
    return PlanVersion(
        plan_id=plan.id,
        version=plan.version,
        document=plan.document,
        created_at=plan.updated_at,
        created_by=ctx.actor.ref,
        note=note,
    )


def _revise(ctx: HandlerContext, plan: Plan, doc: PlanDocument, note: str) -> Plan:
    if doc.code != plan.code:
        raise InvalidInput("document.code", f"must stay {plan.code!r}")
    kept = {d.code: d.organisation_id for d in plan.document.departments if d.organisation_id}
    doc = doc.bind(
        {d.code: kept[d.code] for d in doc.departments if not d.organisation_id and d.code in kept}
    )
    if doc == plan.document:
        return plan  # nothing changed: no new version
    revised = replace(
        plan,
        document=doc,
        version=plan.version + 1,
        status=PlanStatus.ACTIVE,
        updated_at=ctx.uow.clock.now(),
    )
    repo_of(ctx).update_plan(revised, _version(ctx, revised, note))
    ctx.uow.record(
        PlanRevised(
            aggregate_id=plan.id,
            organisation_id=plan.organisation_id,
            code=plan.code,
            version=revised.version,
            note=note,
        )
    )
    return revised


def revise_plan(cmd: RevisePlan, ctx: HandlerContext) -> Plan:
    plan = load_plan(ctx, cmd.plan_id)
    doc = cmd.document
    check_references(ctx, doc)
    return _revise(ctx, plan, doc, cmd.note)


def retire_plan(cmd: RetirePlan, ctx: HandlerContext) -> Plan:
    plan = load_plan(ctx, cmd.plan_id)
    if plan.status is PlanStatus.RETIRED:
        raise Conflict(f"plan {plan.code!r} is already retired")
    retired = replace(plan, status=PlanStatus.RETIRED, updated_at=ctx.uow.clock.now())
    repo_of(ctx).update_plan(retired, None)
    ctx.uow.record(
        PlanRetired(
            aggregate_id=plan.id,
            organisation_id=plan.organisation_id,
            code=plan.code,
            version=plan.version,
        )
    )
    return retired


def get_plan(query: GetPlan, ctx: HandlerContext) -> Plan:
    return load_plan(ctx, query.plan_id)


def list_plans(query: ListPlans, ctx: HandlerContext) -> tuple[list[Plan], int]:
    authorize_collection(ctx, "plan")
    return repo_of(ctx).list_plans(ctx.scope_paths, query.limit, query.offset)


def plan_versions(query: PlanVersions, ctx: HandlerContext) -> list[PlanVersion]:
    load_plan(ctx, query.plan_id)
    return repo_of(ctx).versions(query.plan_id)


def get_plan_version(query: GetPlanVersion, ctx: HandlerContext) -> PlanVersion:
    load_plan(ctx, query.plan_id)
    version = repo_of(ctx).get_version(query.plan_id, query.version)
    if version is None:
        raise NotFound("plan version", f"{query.plan_id}@{query.version}")
    return version
