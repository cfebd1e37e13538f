"""Which plans apply to an incident, at which response level, and the tasks activation creates.

Pure functions on plan documents and plain values; time comes in as arguments.

- A plan *applies* to an incident of type ``t`` and grade ``g`` when ``g`` is one of its grades
  and one of its incident-type codes matches ``t`` (equal, or a dotted prefix; ``*`` matches
  all). Its *specificity* is the number of dotted parts of the best match (``*`` counts 0).
- Among applicable type-specific plans only the most specific are chosen (a warehouse fire
  activates the warehouse-fire plan, not the general urban-fire one as well); cross-cutting
  ``*`` plans are chosen besides them when their criteria hold.
- The *response level* is the gravest level any of whose criteria hold for the facts.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from lifeline.plans.model import (
    WILDCARD,
    Action,
    ChecklistItem,
    Grade,
    PlanDocument,
    Task,
    TaskStatus,
    Trigger,
)


@dataclass(frozen=True, slots=True)
class Facts:
    """What is known of an incident when a plan is considered: its grade and numeric facts
    (``deaths``, ``serious_injuries``, ``casualties`` …)."""

    incident_type: str
    grade: Grade | None
    numbers: Mapping[str, float]


FACT_EVENTS = frozenset({"IncidentOpened", "IncidentGraded", "IncidentFactsUpdated"})
INJURIES = ("deaths", "serious_injuries", "minor_injuries")


@dataclass(frozen=True, slots=True)
class IncidentView:
    """What the plans context knows of an incident from its events in the log."""

    facts: Facts | None  # None until the incident has a type and a grade
    exercise: bool


def incident_view(events: Sequence[tuple[str, Mapping[str, object]]]) -> IncidentView:
    """Fold an incident's ``(event type, payload)`` timeline into its latest type, grade and
    numeric facts.

    ``IncidentFactsUpdated.changes`` holds ``measure → [old, new]``; numeric fields of the other
    events count as facts too. ``casualties`` is deaths + serious + minor injuries unless given.
    """
    incident_type: str | None = None
    grade: Grade | None = None
    exercise = False
    numbers: dict[str, float] = {}
    for kind, payload in events:
        if kind not in FACT_EVENTS:
            continue
        if isinstance(payload.get("incident_type"), str):
            incident_type = str(payload["incident_type"])
        if kind == "IncidentGraded" and isinstance(payload.get("grade"), str):
            try:
                grade = Grade(str(payload["grade"]))
            except ValueError:
                grade = None
        exercise = bool(payload.get("exercise", exercise))
        numbers.update(_numeric(payload))
        changes = payload.get("changes")
        if isinstance(changes, Mapping):
            for measure, change in changes.items():
                if isinstance(change, list | tuple) and len(change) == 2:
                    numbers.update(_numeric({str(measure): change[1]}))
    if "casualties" not in numbers and any(k in numbers for k in INJURIES):
        numbers["casualties"] = sum(numbers.get(k, 0.0) for k in INJURIES)
    if incident_type is None or grade is None:
        return IncidentView(facts=None, exercise=exercise)
    return IncidentView(
        facts=Facts(incident_type=incident_type, grade=grade, numbers=numbers), exercise=exercise
    )


def _numeric(payload: Mapping[str, object]) -> dict[str, float]:
    return {
        key: float(value)
        for key, value in payload.items()
        if isinstance(value, int | float)
        and not isinstance(value, bool)
        and key not in ("lon", "lat")
        and math.isfinite(value)
    }


def type_specificity(doc: PlanDocument, incident_type: str) -> int | None:
    """How specifically ``doc`` names ``incident_type``: dotted parts of the best matching code,
    0 for ``*``, None when no code matches."""
    best: int | None = None
    for code in doc.incident_types:
        if code == WILDCARD:
            score = 0
        elif incident_type == code or incident_type.startswith(code + "."):
            score = code.count(".") + 1
        else:
            continue
        best = score if best is None else max(best, score)
    return best


def trigger_holds(trigger: Trigger, facts: Facts) -> bool:
    if trigger.grade_at_least is not None:
        return facts.grade is not None and facts.grade.at_least(trigger.grade_at_least)
    if trigger.fact is None or trigger.at_least is None:
        return False
    value = facts.numbers.get(trigger.fact)
    return value is not None and value >= trigger.at_least


def response_level(doc: PlanDocument, facts: Facts) -> Grade | None:
    """The gravest response level of ``doc`` with a criterion that holds, or None."""
    held = [lv.code for lv in doc.levels if any(trigger_holds(t, facts) for t in lv.triggers)]
    return min(held, key=lambda g: g.rank) if held else None


def applies(doc: PlanDocument, facts: Facts) -> bool:
    """The plan covers this incident type and grade (its level criteria are separate)."""
    if type_specificity(doc, facts.incident_type) is None:
        return False
    return facts.grade is None or facts.grade in doc.grades


def choose(candidates: Sequence[tuple[str, PlanDocument]], facts: Facts) -> list[tuple[str, Grade]]:
    """The plans (by key) to activate for ``facts`` and each one's level.

    ``candidates`` are ``(key, document)`` pairs; keys must be unique. Type-specific plans tie on
    the best specificity; every cross-cutting plan whose level criteria hold is added.
    """
    specific: list[tuple[int, str, Grade]] = []
    chosen: list[tuple[str, Grade]] = []
    for key, doc in candidates:
        if not applies(doc, facts):
            continue
        level = response_level(doc, facts)
        if level is None:
            continue
        score = type_specificity(doc, facts.incident_type)
        assert score is not None
        if score == 0:
            chosen.append((key, level))
        else:
            specific.append((score, key, level))
    if specific:
        top = max(score for score, _, _ in specific)
        chosen = [(key, level) for score, key, level in specific if score == top] + chosen
    return chosen


def actions_at(doc: PlanDocument, level: Grade) -> list[tuple[int, Action]]:
    """The actions (with their index in the document) that apply at ``level``."""
    return [(i, act) for i, act in enumerate(doc.actions) if act.applies_at(level)]


def build_tasks(
    doc: PlanDocument,
    level: Grade,
    *,
    activation_id: str,
    incident_id: str,
    activated_at: datetime,
    now: datetime,
    owner: tuple[str, str],
    department_paths: Mapping[str, tuple[str, str]],
    new_id: Callable[[], str],
    skip: frozenset[int] = frozenset(),
    exercise: bool = False,
) -> list[Task]:
    """One task per action applying at ``level`` (except indexes in ``skip``), due
    ``deadline_min`` minutes after ``activated_at``.

    ``department_paths`` maps a department code to ``(organisation id, path)``; departments
    missing from it fall to ``owner`` (the plan's organisation).
    """
    tasks = []
    for index, act in actions_at(doc, level):
        if index in skip:
            continue
        org_id, path = department_paths.get(act.department, owner)
        tasks.append(
            Task(
                id=new_id(),
                activation_id=activation_id,
                incident_id=incident_id,
                plan_code=doc.code,
                action_index=index,
                department=act.department,
                organisation_id=org_id,
                path=path,
                title=act.title,
                title_en=act.title_en,
                level=level,
                status=TaskStatus.PENDING,
                deadline_at=activated_at + timedelta(minutes=act.deadline_min),
                checklist=tuple(ChecklistItem(text=item) for item in act.checklist),
                created_at=now,
                updated_at=now,
                exercise=exercise,
            )
        )
    return tasks


def due_for_escalation(task: Task, now: datetime, repeat: timedelta) -> bool:
    """An open task past its deadline that was never escalated, or last escalated at least
    ``repeat`` ago."""
    if not task.status.open or task.deadline_at > now:
        return False
    return task.last_escalated_at is None or now - task.last_escalated_at >= repeat


def escalation_target(escalations: int) -> str:
    """Who hears of the n-th escalation (1-based): the department's head first, then the
    incident commander for every later one."""
    return "department_head" if escalations <= 1 else "commander"
