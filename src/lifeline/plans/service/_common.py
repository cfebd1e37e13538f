"""Loading with authorisation, shared by the plans use cases."""

from __future__ import annotations

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import NotFound
from lifeline.plans.model import PLANS, Activation, Plan, PlansRepository, Task


def repo_of(ctx: HandlerContext) -> PlansRepository:
    return ctx.uow.repo(PLANS)


def load_plan(ctx: HandlerContext, plan_id: str) -> Plan:
    plan = repo_of(ctx).get_plan(plan_id)
    if plan is None:
        raise NotFound("plan", plan_id)
    ctx.authorize(target_kind="plan", target_id=plan.id, target_path=plan.path)
    return plan


def load_activation(ctx: HandlerContext, activation_id: str) -> Activation:
    activation = repo_of(ctx).get_activation(activation_id)
    if activation is None:
        raise NotFound("activation", activation_id)
    ctx.authorize(
        target_kind="plan_activation", target_id=activation.id, target_path=activation.path
    )
    return activation


def load_task(ctx: HandlerContext, task_id: str) -> Task:
    task = repo_of(ctx).get_task(task_id)
    if task is None:
        raise NotFound("task", task_id)
    ctx.authorize(target_kind="plan_task", target_id=task.id, target_path=task.path)
    return task


def authorize_collection(ctx: HandlerContext, kind: str) -> None:
    scope = ctx.scope_paths[0] if ctx.scope_paths else "/"
    ctx.authorize(target_kind=f"{kind}-collection", target_id="", target_path=scope)
