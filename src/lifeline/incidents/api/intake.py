"""Intake routes: calls entered by duty officers and department systems' reports."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.incidents import messages as m
from lifeline.incidents.api._schemas import (
    CandidateOut,
    FactsIn,
    GeoJson,
    IncidentOut,
    ReporterIn,
    Strict,
    place,
)
from lifeline.incidents.model import Reporter, Source
from lifeline.incidents.service import IntakeResult
from lifeline.kernel.access import SYSTEM_ACTOR, Actor
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.events import Command

router = APIRouter()


class IntakeIn(Strict):
    incident_type: str = Field(
        min_length=1, max_length=80, description="Code from /incidents/codes"
    )
    location: GeoJson = Field(description="GeoJSON Point, or a Polygon (its centroid places it)")
    affected_area: GeoJson | None = Field(None, description="GeoJSON Polygon it affects")
    reporter: ReporterIn = Field(default_factory=ReporterIn)
    description: str = Field("", max_length=4000)
    facts: FactsIn = Field(default_factory=FactsIn)
    title: str = Field("", max_length=300)
    exercise: bool = False


class CallIn(IntakeIn):
    received_at: datetime | None = Field(None, description="When the call came in; default now")


class DepartmentReportIn(IntakeIn):
    external_ref: str = Field(min_length=1, max_length=120, description="The system's record id")


class IntakeOut(BaseModel):
    report_id: str
    verdict: str = Field(description="new, merge (joined a duplicate) or ask (a person decides)")
    replayed: bool
    incident: IncidentOut
    candidates: list[CandidateOut]

    @classmethod
    def of(cls, r: IntakeResult) -> IntakeOut:
        return cls(
            report_id=r.report.id,
            verdict=r.verdict.value,
            replayed=r.replayed,
            incident=IncidentOut.of(r.incident),
            candidates=[CandidateOut.of(c) for c in r.candidates],
        )


def quarantined(
    bus: MessageBus,
    actor: Actor,
    source: Source,
    record: dict[str, Any],
    build: Callable[[], Command],
) -> Any:
    """Handle the intake command; a refusal is kept in the quarantine, then answered."""
    try:
        return bus.handle(build(), actor)
    except InvalidInput as refused:
        bus.handle(
            m.QuarantineIntake(
                source=source.value,
                reasons=tuple((p.field, p.reason) for p in refused.problems),
                record=record,
                refused_actor=actor.ref,
                refused_path=actor.scope_paths[0] if actor.scope_paths else "/",
            ),
            SYSTEM_ACTOR,
        )
        raise


def _common(body: IntakeIn) -> dict[str, Any]:
    point, area = place(body.location, body.affected_area)
    return {
        "incident_type": body.incident_type,
        "location": point,
        "affected_area": area,
        "reporter": Reporter(body.reporter.name, body.reporter.phone),
        "description": body.description,
        "facts": body.facts.to_facts(),
        "title": body.title,
        "exercise": body.exercise,
    }


@router.post(
    "/calls",
    status_code=status.HTTP_201_CREATED,
    summary="Enter a call: opens an incident or joins the one it duplicates",
)
def receive_call(body: CallIn, bus: BusDep, actor: CurrentActor) -> IntakeOut:
    result: IntakeResult = quarantined(
        bus,
        actor,
        Source.CALL,
        body.model_dump(mode="json"),
        lambda: m.ReceiveCall(**_common(body), received_at=body.received_at),
    )
    return IntakeOut.of(result)


@router.post(
    "/reports",
    status_code=status.HTTP_201_CREATED,
    summary="A department system's report (service account); the same external_ref twice "
    "answers the first report",
)
def receive_department_report(
    body: DepartmentReportIn, bus: BusDep, actor: CurrentActor
) -> IntakeOut:
    result: IntakeResult = quarantined(
        bus,
        actor,
        Source.DEPARTMENT,
        body.model_dump(mode="json"),
        lambda: m.ReceiveDepartmentReport(**_common(body), external_ref=body.external_ref),
    )
    return IntakeOut.of(result)
