"""Event groups (a typhoon and its incidents) and situation reports with reminders by grade."""

from __future__ import annotations

import dataclasses

from lifeline.incidents import messages as msg
from lifeline.incidents.codes import code_list
from lifeline.incidents.events import (
    EventGroupCreated,
    IncidentGrouped,
    SituationReportDue,
    SituationReportFiled,
)
from lifeline.incidents.model import (
    ACTIVE,
    EventGroup,
    Incident,
    SituationReport,
    Status,
)
from lifeline.incidents.service._common import (
    authorize_collection,
    load_incident,
    repo_of,
    save,
)
from lifeline.incidents.sitreps import SitrepDueness, reminders_due
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, InvalidInput, NotFound
from lifeline.kernel.ids import new_id
from lifeline.security.model import ORG_PATHS


def create_event_group(cmd: msg.CreateEventGroup, ctx: HandlerContext) -> EventGroup:
    name, hazard = cmd.name.strip(), cmd.hazard.strip()
    if not name:
        raise InvalidInput("name", "is required")
    if not hazard:
        raise InvalidInput("hazard", "is required (e.g. typhoon)")
    path = ctx.uow.repo(ORG_PATHS).path_of(cmd.organisation_id)
    if path is None:
        raise InvalidInput(
            "organisation_id", f"organisation {cmd.organisation_id!r} does not exist"
        )
    ctx.authorize(target_kind="organisation", target_id=cmd.organisation_id, target_path=path)
    group = EventGroup(
        id=new_id(),
        name=name,
        hazard=hazard,
        organisation_id=cmd.organisation_id,
        path=path,
        exercise=cmd.exercise,
        started_at=ctx.uow.clock.now(),
        created_by=ctx.actor.ref,
    )
    repo_of(ctx.uow).add_group(group)
    ctx.uow.record(
        EventGroupCreated(
            aggregate_id=group.id,
            organisation_id=group.organisation_id,
            name=group.name,
            hazard=group.hazard,
            exercise=group.exercise,
        )
    )
    return group


def group_incident(cmd: msg.GroupIncident, ctx: HandlerContext) -> Incident:
    incident = load_incident(ctx, cmd.incident_id)
    name = ""
    if cmd.group_id is not None:
        group = repo_of(ctx.uow).get_group(cmd.group_id)
        if group is None:
            raise InvalidInput("group_id", f"event group {cmd.group_id!r} does not exist")
        ctx.authorize(target_kind="incident_group", target_id=group.id, target_path=group.path)
        if group.exercise != incident.exercise:
            raise InvalidInput("group_id", "exercise and real incidents never share a group")
        name = group.name
    if incident.group_id == cmd.group_id:
        return incident
    updated = dataclasses.replace(
        incident,
        group_id=cmd.group_id,
        updated_at=ctx.uow.clock.now(),
        version=incident.version + 1,
    )
    save(ctx.uow, updated, incident.version)
    ctx.uow.record(
        IncidentGrouped(
            aggregate_id=incident.id,
            organisation_id=incident.organisation_id,
            group_id=cmd.group_id,
            group_name=name,
        )
    )
    return updated


def list_event_groups(query: msg.ListEventGroups, ctx: HandlerContext) -> list[EventGroup]:
    authorize_collection(ctx, "incident_group")
    return repo_of(ctx.uow).list_groups(ctx.scope_paths)


def file_sitrep(cmd: msg.FileSituationReport, ctx: HandlerContext) -> SituationReport:
    summary = cmd.summary.strip()
    if not summary:
        raise InvalidInput("summary", "is required")
    if len(summary) > 20_000:
        raise InvalidInput("summary", "at most 20,000 characters")
    incident = load_incident(ctx, cmd.incident_id)
    if incident.status is Status.MERGED:
        raise Conflict(f"the incident was merged into {incident.merged_into}; report on that one")
    repo = repo_of(ctx.uow)
    now = ctx.uow.clock.now()
    sitrep = SituationReport(
        id=new_id(),
        incident_id=incident.id,
        number=len(repo.sitreps_of(incident.id)) + 1,
        summary=summary,
        facts=incident.facts,
        grade=incident.grade,
        status=incident.status,
        filed_by=ctx.actor.ref,
        filed_at=now,
    )
    repo.add_sitrep(sitrep)
    save(
        ctx.uow,
        dataclasses.replace(
            incident, last_sitrep_at=now, updated_at=now, version=incident.version + 1
        ),
        incident.version,
    )
    ctx.uow.record(
        SituationReportFiled(
            aggregate_id=incident.id,
            organisation_id=incident.organisation_id,
            sitrep_id=sitrep.id,
            number=sitrep.number,
            summary=summary[:500],
            grade=sitrep.grade.value,
            status=sitrep.status.value,
        )
    )
    return sitrep


def list_sitreps(query: msg.ListSituationReports, ctx: HandlerContext) -> list[SituationReport]:
    incident = load_incident(ctx, query.incident_id)
    return repo_of(ctx.uow).sitreps_of(incident.id)


def check_sitrep_reminders(
    cmd: msg.CheckSitrepReminders, ctx: HandlerContext
) -> list[SitrepDueness]:
    """A reminder event for each active incident in scope whose situation report is due."""
    authorize_collection(ctx, "incident")
    repo = repo_of(ctx.uow)
    now = ctx.uow.clock.now()
    in_scope = [
        i
        for i in repo.active_incidents()
        if i.status in ACTIVE and any(i.path.startswith(p) for p in ctx.scope_paths)
    ]
    due = reminders_due(in_scope, code_list().sitrep_interval_min, now)
    by_id = {i.id: i for i in in_scope}
    for d in due:
        incident = by_id[d.incident_id]
        save(
            ctx.uow,
            dataclasses.replace(incident, sitrep_reminded_at=now, version=incident.version + 1),
            incident.version,
        )
        ctx.uow.record(
            SituationReportDue(
                aggregate_id=incident.id,
                organisation_id=incident.organisation_id,
                grade=incident.grade.value,
                due_at=d.due_at.isoformat(),
                overdue_s=round(d.overdue_s, 1),
                interval_min=d.interval_min,
            )
        )
    return due


def get_group(ctx: HandlerContext, group_id: str) -> EventGroup:
    group = repo_of(ctx.uow).get_group(group_id)
    if group is None:
        raise NotFound("incident group", group_id)
    ctx.authorize(target_kind="incident_group", target_id=group.id, target_path=group.path)
    return group
