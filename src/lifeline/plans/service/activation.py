"""Activation: a plan version becomes an activation for an incident and tasks for departments.

Automatic on ``IncidentGraded`` (the outbox relay hands the event to
:func:`on_incident_graded`), or by a commander (:func:`activate_plan`). Both snapshot the plan's
current document onto the activation, emit ``PlanActivated`` with the level's run card and one
``TaskAssigned`` per task. A re-grade that makes a live activation's level graver raises it
(``ResponseLevelRaised``) and adds the tasks of the actions new at that level.
"""

from __future__ import annotations

import logging
import math
from dataclasses import replace

from lifeline.incidents.events import IncidentGraded
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, InvalidInput
from lifeline.kernel.events import StoredEvent
from lifeline.kernel.ids import new_id
from lifeline.kernel.outbox import Subscription
from lifeline.kernel.uow import UnitOfWork
from lifeline.plans.activation import (
    Facts,
    build_tasks,
    choose,
    incident_view,
    response_level,
    type_specificity,
)
from lifeline.plans.events import (
    PlanActivated,
    PlanStoodDown,
    RequiredMaterial,
    RequiredUnits,
    ResponseLevelRaised,
    TaskAssigned,
)
from lifeline.plans.messages import ActivatePlan, GetActivation, ListActivations, StandDown
from lifeline.plans.model import (
    PLANS,
    Activation,
    ActivationStatus,
    Grade,
    Plan,
    PlanDocument,
    PlanStatus,
    Task,
    cancel,
)
from lifeline.plans.service._common import authorize_collection, load_activation, load_plan
from lifeline.security.model import ORG_PATHS

log = logging.getLogger(__name__)


def run_card(
    doc: PlanDocument, level: Grade
) -> tuple[tuple[RequiredUnits, ...], tuple[RequiredMaterial, ...]]:
    spec = doc.level(level)
    if spec is None:
        return (), ()
    return (
        tuple(RequiredUnits(unit_type=u.unit_type, count=u.count) for u in spec.units),
        tuple(
            RequiredMaterial(material_code=m.material_code, quantity=m.quantity)
            for m in spec.materials
        ),
    )


def _department_paths(uow: UnitOfWork, doc: PlanDocument) -> dict[str, tuple[str, str]]:
    paths = uow.repo(ORG_PATHS)
    bound: dict[str, tuple[str, str]] = {}
    for dept in doc.departments:
        if dept.organisation_id is None:
            continue
        path = paths.path_of(dept.organisation_id)
        if path is not None:
            bound[dept.code] = (dept.organisation_id, path)
    return bound


def task_assigned_events(tasks: list[Task]) -> list[TaskAssigned]:
    return [
        TaskAssigned(
            aggregate_id=t.id,
            organisation_id=t.organisation_id,
            activation_id=t.activation_id,
            incident_id=t.incident_id,
            department=t.department,
            title=t.title,
            level=t.level.value,
            deadline_at=t.deadline_at.isoformat(),
            exercise=t.exercise,
        )
        for t in tasks
    ]


def open_activation(
    uow: UnitOfWork,
    plan: Plan,
    *,
    incident_id: str,
    level: Grade,
    automatic: bool,
    exercise: bool,
) -> Activation:
    """Snapshot ``plan`` onto a new activation for ``incident_id`` and create its tasks."""
    repo = uow.repo(PLANS)
    if repo.live_activation(plan.id, incident_id) is not None:
        raise Conflict(f"plan {plan.code!r} is already active for incident {incident_id!r}")
    now = uow.clock.now()
    doc = plan.document
    activation = Activation(
        id=new_id(),
        plan_id=plan.id,
        plan_code=plan.code,
        plan_version=plan.version,
        incident_id=incident_id,
        organisation_id=plan.organisation_id,
        path=plan.path,
        level=level,
        automatic=automatic,
        status=ActivationStatus.ACTIVE,
        document=doc,
        activated_at=now,
        activated_by=uow.actor.ref,
        exercise=exercise,
    )
    repo.add_activation(activation)
    tasks = build_tasks(
        doc,
        level,
        activation_id=activation.id,
        incident_id=incident_id,
        activated_at=now,
        now=now,
        owner=(plan.organisation_id, plan.path),
        department_paths=_department_paths(uow, doc),
        new_id=new_id,
        exercise=exercise,
    )
    repo.add_tasks(tasks)
    units, materials = run_card(doc, level)
    uow.record(
        PlanActivated(
            aggregate_id=activation.id,
            organisation_id=plan.organisation_id,
            plan_id=plan.id,
            plan_code=plan.code,
            plan_version=plan.version,
            incident_id=incident_id,
            level=level.value,
            automatic=automatic,
            required_units=units,
            required_materials=materials,
            exercise=exercise,
            tasks=len(tasks),
            warning_measures=tuple(
                w.title_en for w in doc.warning_measures if not w.levels or level in w.levels
            ),
        ),
        *task_assigned_events(tasks),
    )
    return activation


def raise_level(uow: UnitOfWork, activation: Activation, level: Grade) -> Activation:
    """Make ``activation`` graver (``level`` must rank above it) and add the new actions' tasks,
    due relative to now."""
    repo = uow.repo(PLANS)
    now = uow.clock.now()
    have = frozenset(t.action_index for t in repo.tasks_of(activation.id))
    raised = replace(activation, level=level)
    repo.update_activation(raised)
    doc = activation.document
    owner_path = activation.path
    tasks = build_tasks(
        doc,
        level,
        activation_id=activation.id,
        incident_id=activation.incident_id,
        activated_at=now,
        now=now,
        owner=(activation.organisation_id, owner_path),
        department_paths=_department_paths(uow, doc),
        new_id=new_id,
        skip=have,
        exercise=activation.exercise,
    )
    repo.add_tasks(tasks)
    units, materials = run_card(doc, level)
    uow.record(
        ResponseLevelRaised(
            aggregate_id=activation.id,
            organisation_id=activation.organisation_id,
            plan_id=activation.plan_id,
            plan_code=activation.plan_code,
            incident_id=activation.incident_id,
            previous_level=activation.level.value,
            level=level.value,
            required_units=units,
            required_materials=materials,
            tasks=len(tasks),
            exercise=activation.exercise,
        ),
        *task_assigned_events(tasks),
    )
    return raised


# --- commands and queries -------------------------------------------------------------------


def activate_plan(cmd: ActivatePlan, ctx: HandlerContext) -> Activation:
    plan = load_plan(ctx, cmd.plan_id)
    if plan.status is not PlanStatus.ACTIVE:
        raise Conflict(f"plan {plan.code!r} is {plan.status.value}")
    if not cmd.incident_id.strip():
        raise InvalidInput("incident_id", "must not be blank")
    doc = plan.document
    if cmd.level is not None:
        if doc.level(cmd.level) is None:
            defined = ", ".join(lv.code.value for lv in doc.levels)
            raise InvalidInput("level", f"the plan defines levels {defined} only")
        level = cmd.level
    else:
        for name, value in cmd.facts.items():
            if not math.isfinite(value):
                raise InvalidInput(f"facts.{name}", "must be a finite number")
        facts = Facts(
            incident_type=cmd.incident_type or doc.incident_types[0],
            grade=cmd.grade,
            numbers=dict(cmd.facts),
        )
        found = response_level(doc, facts)
        if found is None:
            raise InvalidInput(
                "level", "no response level's criteria hold for the grade and facts; name one"
            )
        level = found
    return open_activation(
        ctx.uow,
        plan,
        incident_id=cmd.incident_id.strip(),
        level=level,
        automatic=False,
        exercise=cmd.exercise,
    )


def stand_down(cmd: StandDown, ctx: HandlerContext) -> Activation:
    activation = load_activation(ctx, cmd.activation_id)
    if activation.status is not ActivationStatus.ACTIVE:
        raise Conflict("the activation is already stood down")
    if not cmd.reason.strip():
        raise InvalidInput("reason", "must not be blank")
    repo = ctx.uow.repo(PLANS)
    now = ctx.uow.clock.now()
    cancelled = 0
    for task in repo.tasks_of(activation.id):
        if task.status.open:
            repo.update_task(cancel(task, now))
            cancelled += 1
    done = replace(activation, status=ActivationStatus.STOOD_DOWN, stood_down_at=now)
    repo.update_activation(done)
    ctx.uow.record(
        PlanStoodDown(
            aggregate_id=activation.id,
            organisation_id=activation.organisation_id,
            plan_id=activation.plan_id,
            incident_id=activation.incident_id,
            reason=cmd.reason.strip(),
            cancelled_tasks=cancelled,
        )
    )
    return done


def get_activation(query: GetActivation, ctx: HandlerContext) -> Activation:
    return load_activation(ctx, query.activation_id)


def list_activations(query: ListActivations, ctx: HandlerContext) -> tuple[list[Activation], int]:
    authorize_collection(ctx, "plan_activation")
    return ctx.uow.repo(PLANS).list_activations(
        ctx.scope_paths, query.incident_id, query.limit, query.offset
    )


# --- automatic activation -------------------------------------------------------------------


def on_incident_event(event: StoredEvent, uow: UnitOfWork) -> None:
    """On a grade or new facts: raise live activations whose level the incident's latest facts
    make graver; activate the plans that now apply and were never activated for it.

    The incident's latest type, grade and figures are folded from its own events in the log
    (:func:`lifeline.plans.activation.incident_view`), so a fact update that reaches a
    cross-cutting plan's criterion (mass casualty) activates it without a re-grade.
    """
    incident_id = event.aggregate_id
    timeline = uow.timeline("incident", incident_id)
    view = incident_view([(e.type, e.payload) for e in timeline])
    if view.facts is None:
        return
    facts = view.facts
    repo = uow.repo(PLANS)
    seen = repo.activations_for_incident(incident_id)
    for activation in seen:
        if activation.status is not ActivationStatus.ACTIVE:
            continue
        level = response_level(activation.document, facts)
        if level is not None and level.rank < activation.level.rank:
            raise_level(uow, activation, level)
    incident_path = (
        uow.repo(ORG_PATHS).path_of(event.organisation_id) if event.organisation_id else None
    )
    candidates = {
        plan.id: plan
        for plan in repo.active_plans()
        if incident_path is None or incident_path.startswith(plan.path)
    }
    chosen = choose([(p.id, p.document) for p in candidates.values()], facts)
    done = {a.plan_id for a in seen}
    for plan_id, level in _nearest_owners(chosen, candidates, facts.incident_type):
        if plan_id in done:
            continue
        open_activation(
            uow,
            candidates[plan_id],
            incident_id=incident_id,
            level=level,
            automatic=True,
            exercise=view.exercise,
        )


def _nearest_owners(
    chosen: list[tuple[str, Grade]], plans: dict[str, Plan], incident_type: str
) -> list[tuple[str, Grade]]:
    """Of the chosen plans, keep those of the organisation nearest the incident (the longest
    owner path), separately for type-specific and cross-cutting plans."""
    kept: list[tuple[str, Grade]] = []
    for cross in (False, True):
        group = [
            (pid, lv)
            for pid, lv in chosen
            if (type_specificity(plans[pid].document, incident_type) == 0) is cross
        ]
        if group:
            deepest = max(len(plans[pid].path) for pid, _ in group)
            kept += [(pid, lv) for pid, lv in group if len(plans[pid].path) == deepest]
    return kept


def subscriptions() -> tuple[Subscription, ...]:
    return (
        Subscription(
            name="plans.activate_on_grade",
            handler=on_incident_event,
            event_types=frozenset({IncidentGraded.event_type(), "IncidentFactsUpdated"}),
        ),
    )
