"""Routes for other agencies' CAP feeds taken in as warning signals."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from lifeline.alerts.api._common import PageDep
from lifeline.alerts.messages import (
    IngestCapFeed,
    ListExternalAlerts,
)
from lifeline.alerts.model import ExternalAlert
from lifeline.alerts.service import FeedReport
from lifeline.api.deps import BusDep, CurrentActor

router = APIRouter(prefix="/alerts", tags=["alerts"])


class RejectedOut(BaseModel):
    position: int
    reasons: list[str]


class FeedReportOut(BaseModel):
    received: int
    accepted: int
    duplicates: int
    warnings: int
    rejected: list[RejectedOut]
    accepted_ids: list[str]

    @classmethod
    def of(cls, report: FeedReport) -> FeedReportOut:
        return cls(
            received=report.received,
            accepted=report.accepted,
            duplicates=report.duplicates,
            warnings=report.warnings,
            rejected=[
                RejectedOut(position=r.position, reasons=list(r.reasons)) for r in report.rejected
            ],
            accepted_ids=list(report.accepted_ids),
        )


class ExternalAlertOut(BaseModel):
    id: str
    organisation_id: str
    source: str
    sender: str
    identifier: str
    sent: datetime
    status: str
    msg_type: str
    event: str
    severity: str
    colour: str | None
    expires: datetime | None
    warnings: list[str]
    received_at: datetime

    @classmethod
    def of(cls, alert: ExternalAlert) -> ExternalAlertOut:
        return cls(
            id=alert.id,
            organisation_id=alert.organisation_id,
            source=alert.source,
            sender=alert.sender,
            identifier=alert.identifier,
            sent=alert.sent,
            status=alert.status,
            msg_type=alert.msg_type,
            event=alert.event,
            severity=alert.severity,
            colour=alert.colour,
            expires=alert.expires,
            warnings=list(alert.warnings),
            received_at=alert.received_at,
        )


@router.post(
    "/external",
    summary="Take in another agency's CAP alert or Atom feed of CAP alerts (lenient)",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/xml": {"schema": {"type": "string"}}},
        }
    },
)
async def ingest_external(
    request: Request,
    bus: BusDep,
    actor: CurrentActor,
    organisation_id: Annotated[str, Query(max_length=64)],
    source: Annotated[str, Query(min_length=1, max_length=200)],
) -> FeedReportOut:
    document = await request.body()
    report: FeedReport = await run_in_threadpool(
        bus.handle,
        IngestCapFeed(organisation_id=organisation_id, source=source, document=document),
        actor,
    )
    return FeedReportOut.of(report)


@router.get("/external", summary="Alerts received from other agencies, newest first")
def list_external(bus: BusDep, actor: CurrentActor, page: PageDep) -> list[ExternalAlertOut]:
    items = bus.handle(ListExternalAlerts(limit=page.limit, offset=page.offset), actor)
    return [ExternalAlertOut.of(a) for a in items]
