"""Grading when facts change, a commander's override, and the lifecycle steps."""

from __future__ import annotations

import dataclasses

from lifeline.incidents import messages as msg
from lifeline.incidents.codes import code_list
from lifeline.incidents.events import (
    IncidentFactsUpdated,
    IncidentGraded,
    IncidentStatusChanged,
)
from lifeline.incidents.grading import evaluate
from lifeline.incidents.model import ACTIVE, Grade, Incident, Status, check_transition
from lifeline.incidents.service._common import load_incident, save
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, InvalidInput
from lifeline.kernel.uow import UnitOfWork


def graded_event(incident: Incident, previous: Grade | None) -> IncidentGraded:
    return IncidentGraded(
        aggregate_id=incident.id,
        organisation_id=incident.organisation_id,
        grade=incident.grade.value,
        previous_grade=None if previous is None else previous.value,
        reason=incident.grade_reason,
        overridden=incident.grade_overridden,
        category=incident.category.value,
        incident_type=incident.incident_type,
        lon=incident.location.lon,
        lat=incident.location.lat,
        exercise=incident.exercise,
    )


def update_facts(cmd: msg.UpdateFacts, ctx: HandlerContext) -> Incident:
    """New figures; re-grade from the criteria. An override stands unless the facts now reach
    a graver grade than it (then the criteria win and the override ends)."""
    reason = cmd.reason.strip()
    if not reason:
        raise InvalidInput("reason", "say where the new figures come from")
    incident = load_incident(ctx, cmd.incident_id)
    if incident.status is Status.MERGED:
        raise Conflict(f"the incident was merged into {incident.merged_into}; update that one")
    changes = cmd.facts.changes_from(incident.facts)
    if not changes:
        return incident
    decision = evaluate(
        cmd.facts, code_list().criteria_for(code_list().type(incident.incident_type))
    )
    now = ctx.uow.clock.now()
    updated = dataclasses.replace(
        incident,
        facts=cmd.facts,
        computed_grade=decision.grade,
        updated_at=now,
        version=incident.version + 1,
    )
    regrade = (not incident.grade_overridden and decision.grade is not incident.grade) or (
        incident.grade_overridden and decision.grade.severity > incident.grade.severity
    )
    if regrade:
        prefix = (
            "facts now reach a graver grade than the override: "
            if incident.grade_overridden
            else ""
        )
        updated = dataclasses.replace(
            updated,
            grade=decision.grade,
            grade_reason=f"{prefix}{decision.reason}; facts changed: {reason}",
            grade_overridden=False,
        )
    save(ctx.uow, updated, incident.version)
    ctx.uow.record(
        IncidentFactsUpdated(
            aggregate_id=incident.id,
            organisation_id=incident.organisation_id,
            changes=changes,
            reason=reason,
        )
    )
    if regrade:
        ctx.uow.record(graded_event(updated, incident.grade))
    return updated


def override_grade(cmd: msg.OverrideGrade, ctx: HandlerContext) -> Incident:
    justification = cmd.justification.strip()
    if len(justification) < 5:
        raise InvalidInput("justification", "a commander's override needs a justification")
    incident = load_incident(ctx, cmd.incident_id)
    if incident.status not in ACTIVE:
        raise Conflict(f"a {incident.status.value} incident is no longer graded")
    if cmd.grade is incident.grade:
        raise Conflict(f"the incident is already grade {incident.grade}")
    updated = dataclasses.replace(
        incident,
        grade=cmd.grade,
        grade_reason=f"commander's override: {justification}",
        grade_overridden=True,
        updated_at=ctx.uow.clock.now(),
        version=incident.version + 1,
    )
    save(ctx.uow, updated, incident.version)
    ctx.uow.record(graded_event(updated, incident.grade))
    return updated


def advance(uow: UnitOfWork, incident: Incident, to: Status, by: str, note: str) -> Incident:
    """Move one lifecycle step, recorded with who and when."""
    problem = check_transition(incident.status, to)
    if problem is not None:
        raise Conflict(problem)
    updated = incident.advanced(to, uow.clock.now(), by, note)
    save(uow, updated, incident.version)
    uow.record(
        IncidentStatusChanged(
            aggregate_id=incident.id,
            organisation_id=incident.organisation_id,
            status=to.value,
            previous_status=incident.status.value,
            note=note,
            exercise=incident.exercise,
        )
    )
    return updated


def verify_incident(cmd: msg.VerifyIncident, ctx: HandlerContext) -> Incident:
    incident = load_incident(ctx, cmd.incident_id)
    return advance(ctx.uow, incident, Status.VERIFIED, ctx.actor.ref, cmd.note.strip())


def advance_incident(cmd: msg.AdvanceIncident, ctx: HandlerContext) -> Incident:
    if cmd.status is Status.MERGED:
        raise InvalidInput("status", "incidents are merged through the merge queue")
    incident = load_incident(ctx, cmd.incident_id)
    note = cmd.note.strip()
    early = incident.status in (Status.REPORTED, Status.VERIFIED)
    if cmd.status is Status.CLOSED and early and not note:
        raise InvalidInput("note", "closing before any response needs a note (why)")
    return advance(ctx.uow, incident, cmd.status, ctx.actor.ref, note)
