"""Queries: incidents, their reports (personal fields masked without the right), photos and
the timeline built from the event log."""

from __future__ import annotations

import dataclasses

from lifeline.incidents import messages as msg
from lifeline.incidents.codes import CodeList, code_list
from lifeline.incidents.model import Incident, IncidentFilter, Photo, Report, Reporter
from lifeline.incidents.service._common import authorize_collection, load_incident, repo_of
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import NotFound
from lifeline.kernel.events import StoredEvent
from lifeline.security.masking import mask_name, mask_phone
from lifeline.security.model import Permission

PERSONAL_FIELDS = ("reporter.name", "reporter.phone")


def get_incident(query: msg.GetIncident, ctx: HandlerContext) -> Incident:
    return load_incident(ctx, query.incident_id)


def list_incidents(query: msg.ListIncidents, ctx: HandlerContext) -> tuple[list[Incident], int]:
    authorize_collection(ctx, "incident")
    where = IncidentFilter(
        scope_paths=ctx.scope_paths,
        statuses=query.statuses,
        group_id=query.group_id,
        exercise=query.exercise,
    )
    return repo_of(ctx.uow).list_incidents(where, query.limit, query.offset)


def list_reports(query: msg.ListReports, ctx: HandlerContext) -> list[Report]:
    incident = load_incident(ctx, query.incident_id)
    found = repo_of(ctx.uow).reports_of(incident.id)
    personal = any(r.reporter.name or r.reporter.phone for r in found)
    if personal and ctx.allowed(Permission.PERSONAL_READ, incident.path, personal=True):
        ctx.authorize(
            target_kind="incident",
            target_id=incident.id,
            target_path=incident.path,
            personal_fields=PERSONAL_FIELDS,
        )
        return found
    return [
        dataclasses.replace(
            r,
            reporter=Reporter(mask_name(r.reporter.name) or "", mask_phone(r.reporter.phone) or ""),
        )
        for r in found
    ]


def get_photo(query: msg.GetPhoto, ctx: HandlerContext) -> Photo:
    """A citizen's photo, as visible as the incident its report belongs to."""
    repo = repo_of(ctx.uow)
    photo = repo.get_photo(query.photo_id)
    report = None if photo is None else repo.get_report(photo.report_id)
    if photo is None or report is None:
        raise NotFound("photo", query.photo_id)
    load_incident(ctx, report.incident_id)
    return photo


def incident_timeline(query: msg.IncidentTimeline, ctx: HandlerContext) -> list[StoredEvent]:
    """The incident's own events, those of incidents merged into it, and every other
    context's event naming it (``incident_id`` in the payload: plan activations, dispatch
    orders, material requests), in log order."""
    incident = load_incident(ctx, query.incident_id)
    repo = repo_of(ctx.uow)
    return repo.timeline([incident.id, *repo.merged_children(incident.id)])


def codes() -> CodeList:
    return code_list()
