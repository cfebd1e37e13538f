"""Task state machine and progress."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lifeline.plans.model import (
    ChecklistItem,
    Grade,
    Task,
    TaskStatus,
    TaskTransitionError,
    acknowledge,
    cancel,
    complete,
    progress,
)

T0 = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


def _task(items: int = 3) -> Task:
    return Task(
        id="t",
        activation_id="a",
        incident_id="i",
        plan_code="p",
        action_index=0,
        department="fire",
        organisation_id="o",
        path="/o/",
        title="出动",
        title_en="Turn out",
        level=Grade.IV,
        status=TaskStatus.PENDING,
        deadline_at=T0 + timedelta(minutes=5),
        checklist=tuple(ChecklistItem(text=f"item {i}") for i in range(items)),
        created_at=T0,
        updated_at=T0,
    )


def test_acknowledge_progress_complete() -> None:
    at = T0 + timedelta(minutes=1)
    task = acknowledge(_task(), at)
    assert (task.status, task.acknowledged_at) == (TaskStatus.ACKNOWLEDGED, at)
    with pytest.raises(TaskTransitionError):
        acknowledge(task, at)
    task = progress(task, at, done_items=[0, 2], note="two of three")
    assert task.status is TaskStatus.IN_PROGRESS
    assert task.progress_pct == pytest.approx(200 / 3)
    with pytest.raises(TaskTransitionError, match=r"\[1\]"):
        complete(task, at, note="")
    task = complete(progress(task, at, done_items=[1], note=""), at, note="done")
    assert (task.status, task.progress_pct, task.note) == (TaskStatus.COMPLETED, 100.0, "done")
    with pytest.raises(TaskTransitionError):
        progress(task, at, done_items=[0], note="")


def test_progress_on_a_pending_task_acknowledges_it_and_bad_indexes_are_refused() -> None:
    task = progress(_task(), T0, done_items=[1], note="")
    assert task.acknowledged_at == T0
    with pytest.raises(IndexError):
        progress(task, T0, done_items=[3], note="")


def test_a_cancelled_task_is_closed() -> None:
    task = cancel(_task(), T0)
    assert not task.status.open
    with pytest.raises(TaskTransitionError):
        complete(task, T0, note="")


def test_an_empty_checklist_completes_directly() -> None:
    assert complete(_task(items=0), T0, note="").status is TaskStatus.COMPLETED


def test_grades_order_from_gravest() -> None:
    assert Grade.I.at_least(Grade.II)
    assert not Grade.IV.at_least(Grade.III)
    assert sorted(Grade, key=lambda g: g.rank) == [Grade.I, Grade.II, Grade.III, Grade.IV]
