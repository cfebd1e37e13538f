"""Loading with authorisation, shared by the dispatch use cases."""

from __future__ import annotations

from lifeline.dispatch.model import (
    DISPATCH,
    DispatchPlan,
    DispatchRepository,
    IncidentView,
    Unit,
)
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput, NotFound


def repo_of(ctx: HandlerContext) -> DispatchRepository:
    return ctx.uow.repo(DISPATCH)


def load_unit(
    ctx: HandlerContext,
    unit_id: str,
    *,
    field: str | None = None,
    permission: str | None = None,
    for_update: bool = False,
) -> Unit:
    repo = repo_of(ctx)
    unit = repo.get_unit(unit_id, for_update=for_update) or repo.unit_by_call_sign(unit_id)
    if unit is None:
        if field is not None:
            raise InvalidInput(field, f"unit {unit_id!r} does not exist")
        raise NotFound("unit", unit_id)
    ctx.authorize(target_kind="unit", target_id=unit.id, target_path=unit.path,
                  permission=permission)  # fmt: skip
    return unit


def load_incident(
    ctx: HandlerContext, incident_id: str, *, field: str | None = None,
    permission: str | None = None,
) -> IncidentView:  # fmt: skip
    incident = repo_of(ctx).get_incident(incident_id)
    if incident is None:
        if field is not None:
            raise InvalidInput(field, f"incident {incident_id!r} is not known to dispatch")
        raise NotFound("incident", incident_id)
    ctx.authorize(
        target_kind="incident", target_id=incident.id, target_path=incident.path,
        permission=permission,
    )  # fmt: skip
    return incident


def load_plan(ctx: HandlerContext, plan_id: str) -> DispatchPlan:
    plan = repo_of(ctx).get_plan(plan_id)
    if plan is None:
        raise NotFound("dispatch plan", plan_id)
    ctx.authorize(target_kind="dispatch_plan", target_id=plan.id, target_path=plan.path)
    return plan


def authorize_collection(ctx: HandlerContext, kind: str) -> None:
    scope = ctx.scope_paths[0] if ctx.scope_paths else "/"
    ctx.authorize(target_kind=f"{kind}-collection", target_id="", target_path=scope)
