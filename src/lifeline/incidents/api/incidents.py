"""Incident routes: read, facts and grading, lifecycle, timeline, photos, situation reports,
event groups and the code list."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.api.pagination import Page
from lifeline.api.schemas import EventOut
from lifeline.incidents import messages as m
from lifeline.incidents.api._schemas import (
    FactsIn,
    GroupOut,
    IncidentOut,
    ReportOut,
    SitrepOut,
    Strict,
)
from lifeline.incidents.codes import code_list
from lifeline.incidents.model import Grade, Photo, Status

router = APIRouter()


class CriterionOut(BaseModel):
    measures: list[str]
    label: str
    thresholds: dict[str, float]


class CriteriaSetOut(BaseModel):
    source: str
    source_en: str
    criteria: list[CriterionOut]


class IncidentTypeOut(BaseModel):
    code: str
    category: str
    name: str
    name_en: str
    grading: str
    merge_group: str
    hazards: list[str]


class CodesOut(BaseModel):
    categories: dict[str, dict[str, str]]
    types: list[IncidentTypeOut]
    criteria: dict[str, CriteriaSetOut]
    sitrep_interval_min: dict[str, int]


@router.get("/codes", summary="Categories, types, grading criteria and sitrep intervals")
def codes(actor: CurrentActor) -> CodesOut:
    c = code_list()
    return CodesOut(
        categories={k.value: {"name": n, "name_en": e} for k, (n, e) in c.categories.items()},
        types=[
            IncidentTypeOut(
                code=t.code, category=t.category.value, name=t.name, name_en=t.name_en,
                grading=t.grading, merge_group=t.merge_group, hazards=list(t.hazards),
            )
            for t in c.types.values()
        ],
        criteria={
            key: CriteriaSetOut(
                source=s.source, source_en=s.source_en,
                criteria=[
                    CriterionOut(
                        measures=list(cr.measures), label=cr.label,
                        thresholds={g.value: v for g, v in cr.thresholds.items()},
                    )
                    for cr in s.criteria
                ],
            )
            for key, s in c.criteria.items()
        },
        sitrep_interval_min={g.value: v for g, v in c.sitrep_interval_min.items()},
    )  # fmt: skip


@router.get("", summary="Incidents in your scope, newest first")
def list_incidents(
    bus: BusDep,
    actor: CurrentActor,
    status_: Annotated[list[Status] | None, Query(alias="status")] = None,
    group_id: str | None = None,
    exercise: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> Page[IncidentOut]:
    found, total = bus.handle(
        m.ListIncidents(
            statuses=tuple(status_ or ()),
            group_id=group_id,
            exercise=exercise,
            limit=limit,
            offset=offset,
        ),
        actor,
    )
    return Page(items=[IncidentOut.of(i) for i in found], total=total, limit=limit, offset=offset)


class GroupIn(Strict):
    name: str = Field(min_length=1, max_length=200)
    hazard: str = Field(min_length=1, max_length=80)
    organisation_id: str = Field(min_length=1, max_length=36)
    exercise: bool = False


@router.post(
    "/groups", status_code=status.HTTP_201_CREATED, summary="An event (a typhoon) for incidents"
)
def create_group(body: GroupIn, bus: BusDep, actor: CurrentActor) -> GroupOut:
    return GroupOut.of(
        bus.handle(
            m.CreateEventGroup(
                name=body.name,
                hazard=body.hazard,
                organisation_id=body.organisation_id,
                exercise=body.exercise,
            ),
            actor,
        )
    )


@router.get("/groups", summary="Events containing incidents, in your scope")
def list_groups(bus: BusDep, actor: CurrentActor) -> list[GroupOut]:
    return [GroupOut.of(g) for g in bus.handle(m.ListEventGroups(), actor)]


class ReminderOut(BaseModel):
    incident_id: str
    due_at: str
    overdue_s: float
    interval_min: int


@router.post(
    "/sitrep-reminders",
    summary="Raise a reminder for each active incident whose situation report is due",
)
def check_reminders(bus: BusDep, actor: CurrentActor) -> list[ReminderOut]:
    return [
        ReminderOut(
            incident_id=d.incident_id,
            due_at=d.due_at.isoformat(),
            overdue_s=d.overdue_s,
            interval_min=d.interval_min,
        )
        for d in bus.handle(m.CheckSitrepReminders(), actor)
    ]


class RejectionOut(BaseModel):
    id: str
    source: str
    received_at: datetime
    actor_id: str
    reasons: list[tuple[str, str]]
    record: dict[str, Any]


@router.get("/rejections", summary="Refused intakes kept with their reasons (the quarantine)")
def list_rejections(
    bus: BusDep, actor: CurrentActor, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[RejectionOut]:
    return [
        RejectionOut(
            id=r.id,
            source=r.source.value,
            received_at=r.received_at,
            actor_id=r.actor_id,
            reasons=list(r.reasons),
            record=dict(r.record),
        )
        for r in bus.handle(m.ListRejections(limit=limit), actor)
    ]


@router.get("/photos/{photo_id}", summary="A citizen's photo", response_class=Response)
def get_photo(photo_id: str, bus: BusDep, actor: CurrentActor) -> Response:
    photo: Photo = bus.handle(m.GetPhoto(photo_id=photo_id), actor)
    return Response(photo.data, media_type=photo.content_type)


@router.get("/{incident_id}", summary="One incident")
def get_incident(incident_id: str, bus: BusDep, actor: CurrentActor) -> IncidentOut:
    return IncidentOut.of(bus.handle(m.GetIncident(incident_id=incident_id), actor))


@router.get("/{incident_id}/reports", summary="Its reports, with those of merged duplicates")
def list_reports(incident_id: str, bus: BusDep, actor: CurrentActor) -> list[ReportOut]:
    return [ReportOut.of(r) for r in bus.handle(m.ListReports(incident_id=incident_id), actor)]


@router.get(
    "/{incident_id}/timeline",
    summary="Every event of the incident and of other contexts naming it, in log order",
)
def timeline(incident_id: str, bus: BusDep, actor: CurrentActor) -> list[EventOut]:
    return [EventOut.of(e) for e in bus.handle(m.IncidentTimeline(incident_id=incident_id), actor)]


class FactsUpdateIn(Strict):
    facts: FactsIn
    reason: str = Field(min_length=1, max_length=2000, description="Where the figures come from")


@router.put("/{incident_id}/facts", summary="New casualty and loss figures; re-graded")
def update_facts(
    incident_id: str, body: FactsUpdateIn, bus: BusDep, actor: CurrentActor
) -> IncidentOut:
    return IncidentOut.of(
        bus.handle(
            m.UpdateFacts(incident_id=incident_id, facts=body.facts.to_facts(), reason=body.reason),
            actor,
        )
    )


class OverrideIn(Strict):
    grade: Grade
    justification: str = Field(min_length=1, max_length=2000)


@router.post("/{incident_id}/grade", summary="A commander overrides the grade, with a reason")
def override_grade(
    incident_id: str, body: OverrideIn, bus: BusDep, actor: CurrentActor
) -> IncidentOut:
    return IncidentOut.of(
        bus.handle(
            m.OverrideGrade(
                incident_id=incident_id, grade=body.grade, justification=body.justification
            ),
            actor,
        )
    )


class NoteIn(Strict):
    note: str = Field("", max_length=2000)


@router.post("/{incident_id}/verify", summary="Confirm a reported incident is real")
def verify(
    incident_id: str, bus: BusDep, actor: CurrentActor, body: NoteIn | None = None
) -> IncidentOut:
    note = body.note if body else ""
    return IncidentOut.of(bus.handle(m.VerifyIncident(incident_id=incident_id, note=note), actor))


class StatusIn(Strict):
    status: Status
    note: str = Field("", max_length=2000)


@router.post("/{incident_id}/status", summary="A lifecycle step (commander)")
def advance(incident_id: str, body: StatusIn, bus: BusDep, actor: CurrentActor) -> IncidentOut:
    return IncidentOut.of(
        bus.handle(
            m.AdvanceIncident(incident_id=incident_id, status=body.status, note=body.note), actor
        )
    )


class GroupingIn(Strict):
    group_id: str | None = Field(description="The event group; null takes it out")


@router.put("/{incident_id}/group", summary="Put the incident in an event (a typhoon)")
def group(incident_id: str, body: GroupingIn, bus: BusDep, actor: CurrentActor) -> IncidentOut:
    return IncidentOut.of(
        bus.handle(m.GroupIncident(incident_id=incident_id, group_id=body.group_id), actor)
    )


class SitrepIn(Strict):
    summary: str = Field(min_length=1, max_length=20_000)


@router.post("/{incident_id}/sitreps", status_code=status.HTTP_201_CREATED, summary="File a sitrep")
def file_sitrep(incident_id: str, body: SitrepIn, bus: BusDep, actor: CurrentActor) -> SitrepOut:
    return SitrepOut.of(
        bus.handle(m.FileSituationReport(incident_id=incident_id, summary=body.summary), actor)
    )


@router.get("/{incident_id}/sitreps", summary="The incident's situation reports, in order")
def list_sitreps(incident_id: str, bus: BusDep, actor: CurrentActor) -> list[SitrepOut]:
    return [
        SitrepOut.of(s) for s in bus.handle(m.ListSituationReports(incident_id=incident_id), actor)
    ]
