"""Emergency plans (预案) as data: the plan document, its versions, activations and tasks.

A :class:`PlanDocument` is what a plan author writes (and what YAML import/export carries):
which incident types and grades it applies to, the command structure, the response levels with
their trigger criteria and run cards, the actions each department takes at each level, warning
measures and contacts. A :class:`Plan` is the stored, versioned record of one document; an
:class:`Activation` snapshots the version that fired; :class:`Task` is one department's action
with a deadline relative to the activation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar, Protocol

from lifeline.kernel.errors import FieldProblem
from lifeline.kernel.ports import RepoKey

# Pydantic reads this on the document dataclasses (without this module importing pydantic):
# a typo in a YAML key is an error naming the path, not a silently ignored field.
_STRICT: dict[str, Any] = {"extra": "forbid", "str_strip_whitespace": True}


class Grade(StrEnum):
    """Incident grades and response levels, I (particularly serious) … IV (general)."""

    I = "I"  # noqa: E741 - the standard's own numeral
    II = "II"
    III = "III"
    IV = "IV"

    @property
    def rank(self) -> int:
        """1 for I (the gravest) … 4 for IV."""
        return _RANK[self]

    def at_least(self, other: Grade) -> bool:
        """True when this grade is as grave as ``other`` or graver (II.at_least(III) is True)."""
        return self.rank <= other.rank


_RANK = {Grade.I: 1, Grade.II: 2, Grade.III: 3, Grade.IV: 4}

WILDCARD = "*"


# --- the document ---------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Trigger:
    """One criterion of a response level: the incident grade reaches ``grade_at_least``, or the
    numeric fact ``fact`` (``deaths``, ``serious_injuries``, ``casualties``, ``evacuated_people`` …)
    is at least ``at_least``. A level is triggered when any of its criteria holds."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _STRICT
    grade_at_least: Grade | None = None
    fact: str | None = None
    at_least: float | None = None


@dataclass(frozen=True, kw_only=True)
class UnitNeed:
    """``count`` units of ``unit_type`` (``fire_engine``, ``ladder``, ``hazmat``,
    ``ambulance`` …)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _STRICT
    unit_type: str
    count: int


@dataclass(frozen=True, kw_only=True)
class MaterialNeed:
    """``quantity`` of the reserves catalogue material ``material_code``."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _STRICT
    material_code: str
    quantity: float


@dataclass(frozen=True, kw_only=True)
class ResponseLevel:
    """A response level (响应级别) with its trigger criteria and its run card."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _STRICT
    code: Grade
    name: str
    name_en: str
    triggers: tuple[Trigger, ...]
    units: tuple[UnitNeed, ...] = ()
    materials: tuple[MaterialNeed, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Department:
    """A department taking part (``code`` such as ``fire``, ``police``, ``health``). Its tasks go
    to ``organisation_id`` when bound, otherwise to the plan's owning organisation."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _STRICT
    code: str
    name: str
    name_en: str
    organisation_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class CommandRole:
    """One role of the command structure (指挥机构) and the department that fills it."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _STRICT
    role: str
    title: str
    title_en: str
    department: str


@dataclass(frozen=True, kw_only=True)
class Action:
    """What ``department`` does, due ``deadline_min`` minutes after activation, at the listed
    ``levels`` (empty: at every level), with a checklist of items to tick."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _STRICT
    department: str
    title: str
    title_en: str
    deadline_min: int
    levels: tuple[Grade, ...] = ()
    checklist: tuple[str, ...] = ()

    def applies_at(self, level: Grade) -> bool:
        return not self.levels or level in self.levels


@dataclass(frozen=True, kw_only=True)
class WarningMeasure:
    """A warning measure (预警措施) taken at the listed levels (empty: every level)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _STRICT
    title: str
    title_en: str
    levels: tuple[Grade, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Contact:
    """A contact of the plan (a duty phone, not a person's private number)."""

    __pydantic_config__: ClassVar[dict[str, Any]] = _STRICT
    name: str
    role: str
    phone: str


@dataclass(frozen=True, kw_only=True)
class PlanDocument:
    """One emergency plan as its author writes it.

    ``incident_types`` are codes of the incident type list; a code matches an incident's type
    when equal to it or a dotted prefix of it (``accident.fire`` matches
    ``accident.fire.warehouse``); ``*`` matches every type (cross-cutting plans such as mass
    casualty). ``escalation_repeat_min`` is how long an overdue task waits between escalations.
    """

    __pydantic_config__: ClassVar[dict[str, Any]] = _STRICT
    code: str
    title: str
    title_en: str
    category: str
    incident_types: tuple[str, ...]
    grades: tuple[Grade, ...]
    departments: tuple[Department, ...]
    levels: tuple[ResponseLevel, ...]
    actions: tuple[Action, ...]
    command_structure: tuple[CommandRole, ...] = ()
    warning_measures: tuple[WarningMeasure, ...] = ()
    contacts: tuple[Contact, ...] = ()
    summary: str = ""
    escalation_repeat_min: int = 15

    def level(self, code: Grade) -> ResponseLevel | None:
        return next((lv for lv in self.levels if lv.code == code), None)

    def department(self, code: str) -> Department | None:
        return next((d for d in self.departments if d.code == code), None)

    def bind(self, bindings: dict[str, str]) -> PlanDocument:
        """The document with departments bound to organisations (``{department: org id}``)."""
        return replace(
            self,
            departments=tuple(
                replace(d, organisation_id=bindings.get(d.code, d.organisation_id))
                for d in self.departments
            ),
        )


CODE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_.")


Bad = Callable[[str, str], None]


def check_document(doc: PlanDocument) -> list[FieldProblem]:
    """Every way ``doc`` breaks the rules the structure alone cannot say, each naming its path."""
    problems: list[FieldProblem] = []

    def bad(path: str, reason: str) -> None:
        problems.append(FieldProblem(path, reason))

    _check_header(bad, doc)
    dept_codes = [d.code for d in doc.departments]
    if not dept_codes:
        bad("departments", "must name at least one department")
    _duplicates(bad, "departments", dept_codes, suffix="code")
    for i, d in enumerate(doc.departments):
        if not d.code or not set(d.code) <= CODE_CHARS:
            bad(f"departments.{i}.code", "must be lower-case letters, digits, '-' or '_'")
    for i, role in enumerate(doc.command_structure):
        if role.department not in dept_codes:
            bad(f"command_structure.{i}.department", f"{role.department!r} is not a department")
    level_codes = [lv.code for lv in doc.levels]
    if not level_codes:
        bad("levels", "must define at least one response level")
    _duplicates(bad, "levels", [c.value for c in level_codes], suffix="code")
    for i, lv in enumerate(doc.levels):
        _check_level(bad, f"levels.{i}", lv)
    if not doc.actions:
        bad("actions", "must hold at least one action")
    for i, act in enumerate(doc.actions):
        _check_action(bad, f"actions.{i}", act, dept_codes, level_codes)
    for i, measure in enumerate(doc.warning_measures):
        _check_levels_named(bad, f"warning_measures.{i}.levels", measure.levels, level_codes)
    if doc.escalation_repeat_min < 1:
        bad("escalation_repeat_min", "must be at least 1 minute")
    return problems


def _check_header(bad: Bad, doc: PlanDocument) -> None:
    if not doc.code or not set(doc.code) <= CODE_CHARS:
        bad("code", "must be non-empty lower-case letters, digits, '-', '_' or '.'")
    for name in ("title", "title_en", "category"):
        if not getattr(doc, name):
            bad(name, "must not be blank")
    if not doc.incident_types:
        bad("incident_types", "must name at least one incident type (or '*')")
    for i, code in enumerate(doc.incident_types):
        if code != WILDCARD and (not code or not set(code) <= CODE_CHARS):
            bad(f"incident_types.{i}", f"{code!r} is not an incident type code")
    if not doc.grades:
        bad("grades", "must name at least one grade")
    _duplicates(bad, "grades", [g.value for g in doc.grades])


def _check_level(bad: Bad, path: str, lv: ResponseLevel) -> None:
    if not lv.triggers:
        bad(f"{path}.triggers", "must hold at least one criterion")
    for j, trig in enumerate(lv.triggers):
        _check_trigger(bad, f"{path}.triggers.{j}", trig)
    for j, unit in enumerate(lv.units):
        if not unit.unit_type:
            bad(f"{path}.units.{j}.unit_type", "must not be blank")
        if unit.count < 1:
            bad(f"{path}.units.{j}.count", "must be at least 1")
    _duplicates(bad, f"{path}.units", [u.unit_type for u in lv.units], "unit_type")
    for j, mat in enumerate(lv.materials):
        if not mat.quantity > 0:
            bad(f"{path}.materials.{j}.quantity", "must be positive")
    _duplicates(bad, f"{path}.materials", [m.material_code for m in lv.materials], "material_code")


def _check_action(
    bad: Bad, path: str, act: Action, dept_codes: list[str], level_codes: list[Grade]
) -> None:
    if act.department not in dept_codes:
        bad(f"{path}.department", f"{act.department!r} is not a department of the plan")
    if act.deadline_min < 1:
        bad(f"{path}.deadline_min", "must be at least 1 minute")
    if not act.title:
        bad(f"{path}.title", "must not be blank")
    _check_levels_named(bad, f"{path}.levels", act.levels, level_codes)
    for j, item in enumerate(act.checklist):
        if not item:
            bad(f"{path}.checklist.{j}", "must not be blank")


def _check_levels_named(
    bad: Bad, path: str, levels: tuple[Grade, ...], level_codes: list[Grade]
) -> None:
    for j, code in enumerate(levels):
        if code not in level_codes:
            bad(f"{path}.{j}", f"level {code.value} is not defined")


def _check_trigger(bad: Bad, path: str, trig: Trigger) -> None:
    by_grade = trig.grade_at_least is not None
    by_fact = trig.fact is not None or trig.at_least is not None
    if by_grade == by_fact:
        bad(path, "give either grade_at_least, or fact with at_least")
    elif by_fact and (not trig.fact or trig.at_least is None):
        bad(path, "a fact criterion needs both fact and at_least")
    elif trig.at_least is not None and trig.at_least < 0:
        bad(f"{path}.at_least", "must not be negative")


def _duplicates(bad: Bad, path: str, values: Sequence[str], suffix: str = "") -> None:
    seen: set[str] = set()
    for i, value in enumerate(values):
        if value in seen:
            where = f"{path}.{i}.{suffix}" if suffix else f"{path}.{i}"
            bad(where, f"{value!r} appears twice")
        seen.add(value)


# --- stored records -------------------------------------------------------------------------


class PlanStatus(StrEnum):
    ACTIVE = "active"  # in force: may be activated
    RETIRED = "retired"  # kept for the record; never activated again


@dataclass(frozen=True, kw_only=True)
class Plan:
    """The current version of a plan owned by ``organisation_id`` (materialised ``path``)."""

    id: str
    code: str
    organisation_id: str
    path: str
    version: int
    status: PlanStatus
    document: PlanDocument
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, kw_only=True)
class PlanVersion:
    plan_id: str
    version: int
    document: PlanDocument
    created_at: datetime
    created_by: str
    note: str = ""


class ActivationStatus(StrEnum):
    ACTIVE = "active"
    STOOD_DOWN = "stood_down"


@dataclass(frozen=True, kw_only=True)
class Activation:
    """A plan version in force for one incident; ``document`` is the snapshot that fired."""

    id: str
    plan_id: str
    plan_code: str
    plan_version: int
    incident_id: str
    organisation_id: str
    path: str
    level: Grade
    automatic: bool
    status: ActivationStatus
    document: PlanDocument
    activated_at: datetime
    activated_by: str
    exercise: bool = False
    stood_down_at: datetime | None = None


class TaskStatus(StrEnum):
    PENDING = "pending"
    ACKNOWLEDGED = "acknowledged"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"  # the activation stood down before it was done

    @property
    def open(self) -> bool:
        return self not in (TaskStatus.COMPLETED, TaskStatus.CANCELLED)


@dataclass(frozen=True, kw_only=True)
class ChecklistItem:
    text: str
    done: bool = False


@dataclass(frozen=True, kw_only=True)
class Task:
    """One department's action for one activation, due at ``deadline_at``.

    ``action_index`` is the action's place in the snapshot, so a raised level adds only the
    actions not yet assigned. ``escalations`` counts overdue escalations so far.
    """

    id: str
    activation_id: str
    incident_id: str
    plan_code: str
    action_index: int
    department: str
    organisation_id: str
    path: str
    title: str
    title_en: str
    level: Grade
    status: TaskStatus
    deadline_at: datetime
    checklist: tuple[ChecklistItem, ...]
    created_at: datetime
    updated_at: datetime
    note: str = ""
    acknowledged_at: datetime | None = None
    completed_at: datetime | None = None
    escalations: int = 0
    last_escalated_at: datetime | None = None
    exercise: bool = False

    @property
    def progress_pct(self) -> float:
        """Share of checklist items done (100 when completed; 0 for an empty open checklist)."""
        if self.status is TaskStatus.COMPLETED:
            return 100.0
        if not self.checklist:
            return 0.0
        return 100.0 * sum(item.done for item in self.checklist) / len(self.checklist)


class TaskTransitionError(ValueError):
    """A task cannot move that way from its current status."""


def acknowledge(task: Task, at: datetime) -> Task:
    if task.status is not TaskStatus.PENDING:
        raise TaskTransitionError(f"a {task.status.value} task cannot be acknowledged")
    return replace(task, status=TaskStatus.ACKNOWLEDGED, acknowledged_at=at, updated_at=at)


def progress(task: Task, at: datetime, *, done_items: Sequence[int], note: str) -> Task:
    """Tick checklist items ``done_items`` (indexes) and record ``note``; acknowledges too."""
    if not task.status.open:
        raise TaskTransitionError(f"a {task.status.value} task cannot progress")
    for i in done_items:
        if not 0 <= i < len(task.checklist):
            raise IndexError(i)
    items = tuple(
        replace(item, done=True) if i in done_items else item
        for i, item in enumerate(task.checklist)
    )
    return replace(
        task,
        status=TaskStatus.IN_PROGRESS,
        checklist=items,
        note=note or task.note,
        acknowledged_at=task.acknowledged_at or at,
        updated_at=at,
    )


def complete(task: Task, at: datetime, *, note: str) -> Task:
    """Complete the task; every checklist item must be ticked first."""
    if not task.status.open:
        raise TaskTransitionError(f"a {task.status.value} task cannot be completed")
    missing = [i for i, item in enumerate(task.checklist) if not item.done]
    if missing:
        raise TaskTransitionError(f"checklist items {missing} are not done")
    return replace(
        task,
        status=TaskStatus.COMPLETED,
        note=note or task.note,
        acknowledged_at=task.acknowledged_at or at,
        completed_at=at,
        updated_at=at,
    )


def cancel(task: Task, at: datetime) -> Task:
    return replace(task, status=TaskStatus.CANCELLED, updated_at=at)


@dataclass(frozen=True, kw_only=True)
class TaskFilter:
    activation_id: str | None = None
    incident_id: str | None = None
    department: str | None = None
    status: TaskStatus | None = None
    overdue_at: datetime | None = None  # only open tasks whose deadline passed by then
    limit: int = 100
    offset: int = 0


class PlansRepository(Protocol):
    """Port for plans, versions, activations and tasks (implemented in ``store``)."""

    def add_plan(self, plan: Plan, version: PlanVersion) -> None: ...

    def update_plan(self, plan: Plan, version: PlanVersion | None) -> None: ...

    def get_plan(self, plan_id: str) -> Plan | None: ...

    def get_plan_by_code(self, organisation_id: str, code: str) -> Plan | None: ...

    def list_plans(
        self, scope_paths: Sequence[str], limit: int, offset: int
    ) -> tuple[list[Plan], int]: ...

    def active_plans(self) -> list[Plan]: ...

    def versions(self, plan_id: str) -> list[PlanVersion]: ...

    def get_version(self, plan_id: str, version: int) -> PlanVersion | None: ...

    def add_activation(self, activation: Activation) -> None: ...

    def update_activation(self, activation: Activation) -> None: ...

    def get_activation(self, activation_id: str) -> Activation | None: ...

    def live_activation(self, plan_id: str, incident_id: str) -> Activation | None: ...

    def activations_for_incident(self, incident_id: str) -> list[Activation]: ...

    def list_activations(
        self, scope_paths: Sequence[str], incident_id: str | None, limit: int, offset: int
    ) -> tuple[list[Activation], int]: ...

    def add_tasks(self, tasks: Sequence[Task]) -> None: ...

    def update_task(self, task: Task) -> None: ...

    def get_task(self, task_id: str) -> Task | None: ...

    def tasks_of(self, activation_id: str) -> list[Task]: ...

    def list_tasks(self, scope_paths: Sequence[str], flt: TaskFilter) -> tuple[list[Task], int]: ...

    def claim_overdue_tasks(
        self, scope_paths: Sequence[str], now: datetime, limit: int
    ) -> list[Task]: ...


PLANS: RepoKey[PlansRepository] = RepoKey("plans")
