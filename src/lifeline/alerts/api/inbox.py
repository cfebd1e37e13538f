"""The app's inbox: in-app messages of published alerts for the caller's organisation, and
alarm notices of escalation steps for the caller."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from lifeline.alerts.messages import ReadInbox
from lifeline.alerts.service import InboxItem
from lifeline.api.deps import BusDep, CurrentActor

router = APIRouter(prefix="/alerts", tags=["alerts"])


class InboxTextOut(BaseModel):
    language: str
    event: str
    headline: str
    description: str
    instruction: str
    area_desc: str


class InboxItemOut(BaseModel):
    delivery_id: str
    kind: str  # alert | alarm_notice
    hazard: str
    sent_at: datetime | None
    texts: list[InboxTextOut]
    alert_id: str | None = None
    identifier: str | None = None
    colour: str | None = None
    status: str | None = None
    msg_type: str | None = None
    expires_at: datetime | None = None
    alarm_id: str | None = None
    level: str | None = None
    rank: int | None = None
    exercise: bool = False


@router.get(
    "/inbox",
    summary="In-app messages for you: published alerts to your organisation, alarm notices",
)
def inbox(
    bus: BusDep, actor: CurrentActor, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[InboxItemOut]:
    items: list[InboxItem] = bus.handle(ReadInbox(limit=limit), actor)
    return [
        InboxItemOut(
            delivery_id=i.delivery_id,
            kind=i.kind,
            hazard=i.hazard,
            sent_at=i.sent_at,
            texts=[InboxTextOut.model_validate(t, from_attributes=True) for t in i.texts],
            alert_id=i.alert_id,
            identifier=i.identifier,
            colour=i.colour,
            status=i.status,
            msg_type=i.msg_type,
            expires_at=i.expires_at,
            alarm_id=i.alarm_id,
            level=i.level,
            rank=i.rank,
            exercise=i.exercise,
        )
        for i in items
    ]
