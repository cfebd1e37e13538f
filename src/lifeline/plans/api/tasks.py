"""HTTP routes for department tasks: list (scoped), acknowledge, progress, complete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from lifeline.api.deps import BusDep, CurrentActor, PlatformDep
from lifeline.api.pagination import Page, PageParams, page_params
from lifeline.plans import messages as m
from lifeline.plans.api._schemas import Strict, TaskOut
from lifeline.plans.model import TaskStatus

router = APIRouter(prefix="/plans/tasks")
PageDep = Annotated[PageParams, Depends(page_params)]


class ProgressIn(Strict):
    done_items: list[int] = Field(default_factory=list, description="Checklist indexes ticked")
    note: str = Field("", max_length=2_000)


class CompleteIn(Strict):
    note: str = Field("", max_length=2_000)


@router.get("", summary="Tasks in your scope (a liaison sees their department's)")
def list_tasks(
    bus: BusDep,
    actor: CurrentActor,
    platform: PlatformDep,
    page: PageDep,
    incident_id: Annotated[str | None, Query(max_length=64)] = None,
    activation_id: Annotated[str | None, Query(max_length=36)] = None,
    department: Annotated[str | None, Query(max_length=60)] = None,
    status: TaskStatus | None = None,
    overdue: bool = False,
) -> Page[TaskOut]:
    items, total = bus.handle(
        m.ListTasks(
            incident_id=incident_id,
            activation_id=activation_id,
            department=department,
            status=status,
            overdue=overdue,
            limit=page.limit,
            offset=page.offset,
        ),
        actor,
    )
    now = platform.clock.now()
    return Page[TaskOut](
        items=[TaskOut.of(t, now) for t in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{task_id}", summary="One task")
def get_task(task_id: str, bus: BusDep, actor: CurrentActor, platform: PlatformDep) -> TaskOut:
    return TaskOut.of(bus.handle(m.GetTask(task_id=task_id), actor), platform.clock.now())


@router.post("/{task_id}/acknowledge", summary="Acknowledge the task")
def acknowledge(task_id: str, bus: BusDep, actor: CurrentActor, platform: PlatformDep) -> TaskOut:
    task = bus.handle(m.AcknowledgeTask(task_id=task_id), actor)
    return TaskOut.of(task, platform.clock.now())


@router.post("/{task_id}/progress", summary="Tick checklist items and report progress")
def progress(
    task_id: str, body: ProgressIn, bus: BusDep, actor: CurrentActor, platform: PlatformDep
) -> TaskOut:
    task = bus.handle(
        m.ProgressTask(task_id=task_id, done_items=tuple(body.done_items), note=body.note), actor
    )
    return TaskOut.of(task, platform.clock.now())


@router.post("/{task_id}/complete", summary="Complete the task (every checklist item ticked)")
def complete(
    task_id: str, body: CompleteIn, bus: BusDep, actor: CurrentActor, platform: PlatformDep
) -> TaskOut:
    task = bus.handle(m.CompleteTask(task_id=task_id, note=body.note), actor)
    return TaskOut.of(task, platform.clock.now())
