"""Department tasks: listed in the caller's scope, acknowledged, progressed, completed; overdue
ones escalated (first to the department's head, then to the commander)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, InvalidInput
from lifeline.plans.activation import due_for_escalation, escalation_target
from lifeline.plans.events import TaskAcknowledged, TaskCompleted, TaskEscalated, TaskProgressed
from lifeline.plans.messages import (
    AcknowledgeTask,
    CheckOverdueTasks,
    CompleteTask,
    GetTask,
    ListTasks,
    ProgressTask,
)
from lifeline.plans.model import (
    Task,
    TaskFilter,
    TaskTransitionError,
    acknowledge,
    complete,
    progress,
)
from lifeline.plans.service._common import authorize_collection, load_task, repo_of

MAX_NOTE = 2_000


def list_tasks(query: ListTasks, ctx: HandlerContext) -> tuple[list[Task], int]:
    authorize_collection(ctx, "plan_task")
    flt = TaskFilter(
        activation_id=query.activation_id,
        incident_id=query.incident_id,
        department=query.department,
        status=query.status,
        overdue_at=ctx.uow.clock.now() if query.overdue else None,
        limit=query.limit,
        offset=query.offset,
    )
    return repo_of(ctx).list_tasks(ctx.scope_paths, flt)


def get_task(query: GetTask, ctx: HandlerContext) -> Task:
    return load_task(ctx, query.task_id)


def _note(note: str) -> str:
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise InvalidInput("note", f"longer than {MAX_NOTE} characters")
    return note


def acknowledge_task(cmd: AcknowledgeTask, ctx: HandlerContext) -> Task:
    task = load_task(ctx, cmd.task_id)
    try:
        done = acknowledge(task, ctx.uow.clock.now())
    except TaskTransitionError as exc:
        raise Conflict(str(exc)) from None
    repo_of(ctx).update_task(done)
    ctx.uow.record(
        TaskAcknowledged(
            aggregate_id=task.id,
            organisation_id=task.organisation_id,
            activation_id=task.activation_id,
            department=task.department,
        )
    )
    return done


def progress_task(cmd: ProgressTask, ctx: HandlerContext) -> Task:
    note = _note(cmd.note)
    if not cmd.done_items and not note:
        raise InvalidInput("done_items", "tick at least one checklist item or leave a note")
    task = load_task(ctx, cmd.task_id)
    for i, index in enumerate(cmd.done_items):
        if not 0 <= index < len(task.checklist):
            raise InvalidInput(
                f"done_items.{i}", f"the checklist has items 0…{len(task.checklist) - 1}"
            )
    try:
        moved = progress(task, ctx.uow.clock.now(), done_items=cmd.done_items, note=note)
    except TaskTransitionError as exc:
        raise Conflict(str(exc)) from None
    repo_of(ctx).update_task(moved)
    ctx.uow.record(
        TaskProgressed(
            aggregate_id=task.id,
            organisation_id=task.organisation_id,
            activation_id=task.activation_id,
            department=task.department,
            done_items=tuple(sorted(set(cmd.done_items))),
            progress_pct=round(moved.progress_pct, 1),
            note=note,
        )
    )
    return moved


def complete_task(cmd: CompleteTask, ctx: HandlerContext) -> Task:
    note = _note(cmd.note)
    task = load_task(ctx, cmd.task_id)
    now = ctx.uow.clock.now()
    try:
        done = complete(task, now, note=note)
    except TaskTransitionError as exc:
        raise Conflict(str(exc)) from None
    repo_of(ctx).update_task(done)
    ctx.uow.record(
        TaskCompleted(
            aggregate_id=task.id,
            organisation_id=task.organisation_id,
            activation_id=task.activation_id,
            department=task.department,
            note=note,
            late=now > task.deadline_at,
        )
    )
    return done


def check_overdue_tasks(cmd: CheckOverdueTasks, ctx: HandlerContext) -> int:
    """Escalate open tasks past their deadline that are due an escalation; return how many.

    An escalation repeats every ``escalation_repeat_min`` of the activation's plan snapshot
    while the task stays open.
    """
    if cmd.limit < 1:
        raise InvalidInput("limit", "must be at least 1")
    authorize_collection(ctx, "plan_task")
    repo = repo_of(ctx)
    now = ctx.uow.clock.now()
    overdue = repo.claim_overdue_tasks(ctx.scope_paths, now, cmd.limit)
    repeats: dict[str, timedelta] = {}
    escalated = 0
    for task in overdue:
        if task.activation_id not in repeats:
            activation = repo.get_activation(task.activation_id)
            minutes = activation.document.escalation_repeat_min if activation else 15
            repeats[task.activation_id] = timedelta(minutes=minutes)
        if not due_for_escalation(task, now, repeats[task.activation_id]):
            continue
        count = task.escalations + 1
        repo.update_task(replace(task, escalations=count, last_escalated_at=now))
        ctx.uow.record(
            TaskEscalated(
                aggregate_id=task.id,
                organisation_id=task.organisation_id,
                activation_id=task.activation_id,
                incident_id=task.incident_id,
                department=task.department,
                title=task.title,
                deadline_at=task.deadline_at.isoformat(),
                overdue_s=(now - task.deadline_at).total_seconds(),
                escalation=count,
                escalated_to=escalation_target(count),
                exercise=task.exercise,
            )
        )
        escalated += 1
    return escalated
