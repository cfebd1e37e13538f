"""Commands and queries of the plans context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from lifeline.kernel.events import Command, Query
from lifeline.plans.model import Grade, PlanDocument, TaskStatus
from lifeline.security.model import Permission

R, W, A, T = (
    Permission.PLAN_READ,
    Permission.PLAN_WRITE,
    Permission.PLAN_ACTIVATE,
    Permission.TASK_HANDLE,
)


# --- plans ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class SavePlan(Command):
    """Create the plan ``document.code`` of ``organisation_id``, or add a new version of it when
    it exists (the result says which). ``bindings`` bind department codes to organisations."""

    permission: ClassVar[str] = W
    organisation_id: str
    document: PlanDocument
    bindings: Mapping[str, str] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class RevisePlan(Command):
    """A new version of an existing plan (its code may not change)."""

    permission: ClassVar[str] = W
    plan_id: str
    document: PlanDocument
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class RetirePlan(Command):
    permission: ClassVar[str] = W
    plan_id: str


@dataclass(frozen=True, kw_only=True)
class GetPlan(Query):
    permission: ClassVar[str] = R
    plan_id: str


@dataclass(frozen=True, kw_only=True)
class ListPlans(Query):
    permission: ClassVar[str] = R
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, kw_only=True)
class PlanVersions(Query):
    permission: ClassVar[str] = R
    plan_id: str


@dataclass(frozen=True, kw_only=True)
class GetPlanVersion(Query):
    permission: ClassVar[str] = R
    plan_id: str
    version: int


# --- activations ----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ActivatePlan(Command):
    """A commander activates a plan for an incident at ``level``, or at the level its criteria
    give for ``grade`` and ``facts`` when ``level`` is None."""

    permission: ClassVar[str] = A
    plan_id: str
    incident_id: str
    level: Grade | None = None
    grade: Grade | None = None
    incident_type: str | None = None
    facts: Mapping[str, float] = field(default_factory=dict)
    exercise: bool = False


@dataclass(frozen=True, kw_only=True)
class StandDown(Command):
    """End an activation; its open tasks are cancelled."""

    permission: ClassVar[str] = A
    activation_id: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class GetActivation(Query):
    permission: ClassVar[str] = R
    activation_id: str


@dataclass(frozen=True, kw_only=True)
class ListActivations(Query):
    permission: ClassVar[str] = R
    incident_id: str | None = None
    limit: int = 50
    offset: int = 0


# --- tasks ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ListTasks(Query):
    """Tasks in the caller's scope (a liaison sees only their department's)."""

    permission: ClassVar[str] = R
    activation_id: str | None = None
    incident_id: str | None = None
    department: str | None = None
    status: TaskStatus | None = None
    overdue: bool = False
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True, kw_only=True)
class GetTask(Query):
    permission: ClassVar[str] = R
    task_id: str


@dataclass(frozen=True, kw_only=True)
class AcknowledgeTask(Command):
    permission: ClassVar[str] = T
    task_id: str


@dataclass(frozen=True, kw_only=True)
class ProgressTask(Command):
    """Tick checklist items (0-based indexes) and/or leave a progress note."""

    permission: ClassVar[str] = T
    task_id: str
    done_items: tuple[int, ...] = ()
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class CompleteTask(Command):
    permission: ClassVar[str] = T
    task_id: str
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class CheckOverdueTasks(Command):
    """Escalate every open task past its deadline that is due an escalation (run periodically)."""

    permission: ClassVar[str] = A
    limit: int = 1_000
