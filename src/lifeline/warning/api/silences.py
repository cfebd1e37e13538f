"""HTTP routes for silences and maintenance windows, and the escalation run."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.warning import messages as m
from lifeline.warning.api._common import Strict
from lifeline.warning.model import Silence, SilenceKind
from lifeline.warning.service import EscalationReport

router = APIRouter()


class SilenceIn(Strict):
    organisation_id: str = Field(min_length=1, max_length=36)
    kind: SilenceKind = SilenceKind.SILENCE
    starts_at: datetime | None = Field(None, description="Default: now (ISO 8601 with zone)")
    ends_at: datetime
    reason: str = Field(min_length=1, max_length=500)
    rule_id: str | None = Field(None, max_length=36)
    source_id: str | None = Field(None, max_length=64)
    thing_id: str | None = Field(None, max_length=64)


class SilenceOut(BaseModel):
    id: str
    kind: SilenceKind
    organisation_id: str
    starts_at: datetime
    ends_at: datetime
    reason: str
    created_by: str
    created_at: datetime
    rule_id: str | None
    source_id: str | None
    thing_id: str | None
    ended_at: datetime | None

    @classmethod
    def of(cls, s: Silence) -> SilenceOut:
        return cls.model_validate(s, from_attributes=True)


class EscalationOut(BaseModel):
    steps_run: int
    flapping_cleared: int
    absence_alarms: int
    anomaly_cleared: int = 0


@router.post(
    "/silences",
    status_code=status.HTTP_201_CREATED,
    summary="Silence matching alarms, or declare a maintenance window",
)
def create_silence(body: SilenceIn, bus: BusDep, actor: CurrentActor) -> SilenceOut:
    silence = bus.handle(
        m.CreateSilence(
            organisation_id=body.organisation_id,
            kind=body.kind,
            starts_at=body.starts_at,
            ends_at=body.ends_at,
            reason=body.reason,
            rule_id=body.rule_id,
            source_id=body.source_id,
            thing_id=body.thing_id,
        ),
        actor,
    )
    return SilenceOut.of(silence)


@router.get("/silences", summary="Silences and maintenance windows in your scope")
def list_silences(bus: BusDep, actor: CurrentActor) -> list[SilenceOut]:
    return [SilenceOut.of(s) for s in bus.handle(m.ListSilences(), actor)]


@router.delete("/silences/{silence_id}", summary="End a silence now")
def end_silence(silence_id: str, bus: BusDep, actor: CurrentActor) -> SilenceOut:
    return SilenceOut.of(bus.handle(m.EndSilence(silence_id=silence_id), actor))


@router.post(
    "/escalations/run",
    summary="Run due escalation steps, settle flapping clears, check absence rules and clear "
    "quiet anomaly alarms now",
)
def run_escalations(bus: BusDep, actor: CurrentActor) -> EscalationOut:
    report: EscalationReport = bus.handle(m.RunEscalations(), actor)
    return EscalationOut.model_validate(report, from_attributes=True)
