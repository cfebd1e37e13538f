"""The app's inbox: in-app messages of published alerts for the caller's organisation."""

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
    alert_id: str
    identifier: str
    hazard: str
    colour: str
    status: str
    msg_type: str
    sent_at: datetime | None
    expires_at: datetime
    texts: list[InboxTextOut]


@router.get("/inbox", summary="In-app messages of published alerts for your organisation")
def inbox(
    bus: BusDep, actor: CurrentActor, limit: Annotated[int, Query(ge=1, le=500)] = 50
) -> list[InboxItemOut]:
    items: list[InboxItem] = bus.handle(ReadInbox(limit=limit), actor)
    return [
        InboxItemOut(
            delivery_id=i.delivery_id,
            alert_id=i.alert_id,
            identifier=i.identifier,
            hazard=i.hazard,
            colour=i.colour,
            status=i.status,
            msg_type=i.msg_type,
            sent_at=i.sent_at,
            expires_at=i.expires_at,
            texts=[InboxTextOut.model_validate(t, from_attributes=True) for t in i.texts],
        )
        for i in items
    ]
