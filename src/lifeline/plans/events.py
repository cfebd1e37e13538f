"""Plan events (past tense). ``PlanActivated`` is read by dispatch (its run card: the unit types
and materials the plan requires at the activated level): keep its fields stable and add new ones
only with defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from lifeline.kernel.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class RequiredUnits:
    """``count`` units of ``unit_type`` (``fire_engine``, ``ladder``, ``hazmat``, ``ambulance``,
    ``police_car``, ``rescue_team``, ``drone``, ``robot`` …)."""

    unit_type: str
    count: int


@dataclass(frozen=True, kw_only=True)
class RequiredMaterial:
    """``quantity`` of the catalogue material ``material_code`` (reserves context codes)."""

    material_code: str
    quantity: float


@dataclass(frozen=True, kw_only=True)
class PlanActivated(DomainEvent):
    """A plan version was activated for an incident; ``aggregate_id`` is the activation id.

    ``automatic`` when the incident's grade triggered it, otherwise activated by a commander.
    """

    aggregate_type: ClassVar[str] = "plan_activation"
    plan_id: str
    plan_code: str
    plan_version: int
    incident_id: str
    level: str
    automatic: bool
    required_units: tuple[RequiredUnits, ...] = ()
    required_materials: tuple[RequiredMaterial, ...] = ()
    exercise: bool = False
    tasks: int = 0
    warning_measures: tuple[str, ...] = ()  # English titles of the level's warning measures


@dataclass(frozen=True, kw_only=True)
class ResponseLevelRaised(DomainEvent):
    """A re-grade raised an activation's response level; the run card is the new level's and
    ``tasks`` counts the tasks added for the actions of the new level."""

    aggregate_type: ClassVar[str] = "plan_activation"
    plan_id: str
    plan_code: str
    incident_id: str
    previous_level: str
    level: str
    required_units: tuple[RequiredUnits, ...] = ()
    required_materials: tuple[RequiredMaterial, ...] = ()
    tasks: int = 0
    exercise: bool = False


@dataclass(frozen=True, kw_only=True)
class PlanStoodDown(DomainEvent):
    """A commander stood the activation down; its open tasks were cancelled."""

    aggregate_type: ClassVar[str] = "plan_activation"
    plan_id: str
    incident_id: str
    reason: str
    cancelled_tasks: int


@dataclass(frozen=True, kw_only=True)
class PlanCreated(DomainEvent):
    """A plan was created (version 1); ``aggregate_id`` is the plan id."""

    aggregate_type: ClassVar[str] = "plan"
    code: str
    title: str
    title_en: str
    incident_types: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class PlanRevised(DomainEvent):
    """A new version of the plan's document took effect."""

    aggregate_type: ClassVar[str] = "plan"
    code: str
    version: int
    note: str


@dataclass(frozen=True, kw_only=True)
class PlanRetired(DomainEvent):
    aggregate_type: ClassVar[str] = "plan"
    code: str
    version: int


@dataclass(frozen=True, kw_only=True)
class TaskAssigned(DomainEvent):
    """A task was created for a department; ``aggregate_id`` is the task id,
    ``organisation_id`` the department's organisation."""

    aggregate_type: ClassVar[str] = "plan_task"
    activation_id: str
    incident_id: str
    department: str
    title: str
    level: str
    deadline_at: str
    exercise: bool = False


@dataclass(frozen=True, kw_only=True)
class TaskAcknowledged(DomainEvent):
    aggregate_type: ClassVar[str] = "plan_task"
    activation_id: str
    department: str


@dataclass(frozen=True, kw_only=True)
class TaskProgressed(DomainEvent):
    """Checklist items were ticked; ``progress_pct`` is the share done afterwards."""

    aggregate_type: ClassVar[str] = "plan_task"
    activation_id: str
    department: str
    done_items: tuple[int, ...]
    progress_pct: float
    note: str


@dataclass(frozen=True, kw_only=True)
class TaskCompleted(DomainEvent):
    aggregate_type: ClassVar[str] = "plan_task"
    activation_id: str
    department: str
    note: str
    late: bool


@dataclass(frozen=True, kw_only=True)
class TaskEscalated(DomainEvent):
    """An open task passed its deadline: the ``escalation``-th notice, to ``escalated_to``
    (``department_head`` first, then ``commander``)."""

    aggregate_type: ClassVar[str] = "plan_task"
    activation_id: str
    incident_id: str
    department: str
    title: str
    deadline_at: str
    overdue_s: float
    escalation: int
    escalated_to: str
    exercise: bool = False
