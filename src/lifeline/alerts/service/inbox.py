"""The in-app inbox: what published alerts reached the caller's organisation in the app.

Departments of an alert's area receive an in-app message (address ``department:<id>``) when
the alert is published; sending marks it sent, and this is where the app reads it back: the
caller's own organisation's messages only, each with the alert's words in every language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lifeline.alerts.messages import ReadInbox
from lifeline.alerts.model import ALERTS, AlertText
from lifeline.alerts.outbox import OUTBOX, RecipientKind
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput
from lifeline.security.model import ORG_PATHS


@dataclass(frozen=True, slots=True)
class InboxItem:
    delivery_id: str
    alert_id: str
    identifier: str
    hazard: str
    colour: str
    status: str
    msg_type: str
    sent_at: datetime | None
    expires_at: datetime
    texts: tuple[AlertText, ...]


def read_inbox(query: ReadInbox, ctx: HandlerContext) -> list[InboxItem]:
    if not 1 <= query.limit <= 500:
        raise InvalidInput("limit", "must be between 1 and 500")
    org = ctx.actor.organisation_id
    if not org:
        return []
    path = ctx.uow.repo(ORG_PATHS).path_of(org) or "/"
    ctx.authorize(target_kind="alert_inbox", target_id=org, target_path=path)
    alerts = ctx.uow.repo(ALERTS)
    items = []
    for delivery in ctx.uow.repo(OUTBOX).inbox(
        f"{RecipientKind.DEPARTMENT.value}:{org}", query.limit
    ):
        alert = alerts.get(delivery.alert_id)
        if alert is None:
            continue
        items.append(
            InboxItem(
                delivery_id=delivery.id,
                alert_id=alert.id,
                identifier=alert.identifier,
                hazard=alert.hazard.value,
                colour=alert.colour.value,
                status=alert.status.value,
                msg_type=alert.msg_type.value,
                sent_at=delivery.sent_at,
                expires_at=alert.expires_at,
                texts=alert.texts,
            )
        )
    return items
