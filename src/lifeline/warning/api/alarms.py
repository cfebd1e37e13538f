"""HTTP routes for alarms: list and filter, acknowledge, assign, comment, resolve, roll-up."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.api.pagination import Page
from lifeline.api.schemas import EventOut
from lifeline.warning import messages as m
from lifeline.warning.api._common import PageDep, Strict
from lifeline.warning.model import Alarm, AlarmComment, AlarmFilter, AlarmStatus, RollupNode

router = APIRouter()


class AlarmOut(BaseModel):
    id: str
    rule_id: str
    rule_version: int
    rule_snapshot: dict[str, Any]
    source_id: str
    thing_id: str | None
    organisation_id: str
    area_id: str | None
    lon: float | None
    lat: float | None
    scale: str
    level: str
    rank: int
    max_rank: int
    hazard: str
    title: str
    status: AlarmStatus
    raised_at: datetime
    updated_at: datetime
    evidence: dict[str, Any]
    exercise: bool
    retrigger_count: int
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    assigned_to: str | None
    cleared_at: datetime | None
    clear_reason: str | None
    flapping: bool
    incident_proposed: bool
    escalation_step: int
    next_step_at: datetime | None

    @classmethod
    def of(cls, a: Alarm) -> AlarmOut:
        return cls.model_validate(a, from_attributes=True)


class CommentOut(BaseModel):
    id: str
    author: str
    text: str
    at: datetime

    @classmethod
    def of(cls, c: AlarmComment) -> CommentOut:
        return cls.model_validate(c, from_attributes=True)


class RollupOut(BaseModel):
    kind: str
    id: str
    parent_id: str | None
    open: int
    unacknowledged: int
    max_rank: int
    by_level: dict[str, int]

    @classmethod
    def of(cls, n: RollupNode) -> RollupOut:
        return cls.model_validate(n, from_attributes=True)


class AssignIn(Strict):
    assignee: str = Field(min_length=1, max_length=80)


class CommentIn(Strict):
    text: str = Field(min_length=1, max_length=4000)


class ResolveIn(Strict):
    reason: str = Field(min_length=1, max_length=500)


@router.get("/alarms", summary="Alarms in your scope, newest first, with filters")
def list_alarms(
    bus: BusDep,
    actor: CurrentActor,
    page: PageDep,
    status_: Annotated[AlarmStatus | None, Query(alias="status")] = None,
    rule_id: str | None = None,
    source_id: str | None = None,
    min_rank: Annotated[int | None, Query(ge=0)] = None,
    hazard: str | None = None,
    acknowledged: bool | None = None,
    organisation_id: str | None = None,
) -> Page[AlarmOut]:
    flt = AlarmFilter(
        status=status_,
        rule_id=rule_id,
        source_id=source_id,
        min_rank=min_rank,
        hazard=hazard,
        acknowledged=acknowledged,
    )
    alarms, total = bus.handle(
        m.ListAlarms(
            filter=flt, organisation_id=organisation_id, limit=page.limit, offset=page.offset
        ),
        actor,
    )
    return Page[AlarmOut](
        items=[AlarmOut.of(a) for a in alarms], total=total, limit=page.limit, offset=page.offset
    )


@router.get("/alarms/{alarm_id}", summary="One alarm with its rule snapshot and evidence")
def get_alarm(alarm_id: str, bus: BusDep, actor: CurrentActor) -> AlarmOut:
    return AlarmOut.of(bus.handle(m.GetAlarm(alarm_id=alarm_id), actor))


@router.get("/alarms/{alarm_id}/timeline", summary="Every event of the alarm, in order")
def alarm_timeline(alarm_id: str, bus: BusDep, actor: CurrentActor) -> list[EventOut]:
    return [EventOut.of(e) for e in bus.handle(m.AlarmTimeline(alarm_id=alarm_id), actor)]


@router.post("/alarms/{alarm_id}/acknowledge", summary="Acknowledge (stops escalation)")
def acknowledge(alarm_id: str, bus: BusDep, actor: CurrentActor) -> AlarmOut:
    return AlarmOut.of(bus.handle(m.AcknowledgeAlarm(alarm_id=alarm_id), actor))


@router.post("/alarms/{alarm_id}/assign", summary="Assign the alarm to a person")
def assign(alarm_id: str, body: AssignIn, bus: BusDep, actor: CurrentActor) -> AlarmOut:
    return AlarmOut.of(bus.handle(m.AssignAlarm(alarm_id=alarm_id, assignee=body.assignee), actor))


@router.post("/alarms/{alarm_id}/resolve", summary="Clear the alarm by hand, with a reason")
def resolve(alarm_id: str, body: ResolveIn, bus: BusDep, actor: CurrentActor) -> AlarmOut:
    return AlarmOut.of(bus.handle(m.ResolveAlarm(alarm_id=alarm_id, reason=body.reason), actor))


@router.post("/alarms/{alarm_id}/comments", status_code=status.HTTP_201_CREATED, summary="Comment")
def comment(alarm_id: str, body: CommentIn, bus: BusDep, actor: CurrentActor) -> CommentOut:
    return CommentOut.of(bus.handle(m.CommentAlarm(alarm_id=alarm_id, text=body.text), actor))


@router.get("/alarms/{alarm_id}/comments", summary="Comments, oldest first")
def comments(alarm_id: str, bus: BusDep, actor: CurrentActor) -> list[CommentOut]:
    return [CommentOut.of(c) for c in bus.handle(m.AlarmComments(alarm_id=alarm_id), actor)]


@router.get("/rollup", summary="Open alarms rolled up source → thing → organisation tree")
def rollup(bus: BusDep, actor: CurrentActor, organisation_id: str | None = None) -> list[RollupOut]:
    nodes = bus.handle(m.Rollup(organisation_id=organisation_id), actor)
    return [RollupOut.of(n) for n in nodes]
