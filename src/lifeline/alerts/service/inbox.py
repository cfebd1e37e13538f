"""The in-app inbox: what reached the caller in the app.

Departments of an alert's area receive an in-app message (address ``department:<id>``) when
the alert is published, and holders of the role an alarm's ``notify`` escalation step names
receive its notice (address ``user:<id>``; a step naming only an organisation reaches its
departments). Sending marks a message sent, and this is where the app reads it back: the
caller's organisation's and the caller's own messages only, newest first, each with its words
in every language.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lifeline.alerts.messages import ReadInbox
from lifeline.alerts.model import ALERTS, AlertText
from lifeline.alerts.notices import NOTICES, notice_texts
from lifeline.alerts.outbox import OUTBOX, Delivery, MessageKind, RecipientKind
from lifeline.kernel.access import ActorKind
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.uow import UnitOfWork
from lifeline.security.model import ORG_PATHS


@dataclass(frozen=True, slots=True)
class InboxItem:
    """One message: a public alert (``kind`` ``alert``: the ``alert_id`` … ``expires_at``
    fields) or an alarm notice (``kind`` ``alarm_notice``: ``alarm_id``, ``level``, ``rank``)."""

    delivery_id: str
    kind: str
    hazard: str
    sent_at: datetime | None
    texts: tuple[AlertText, ...]
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


def read_inbox(query: ReadInbox, ctx: HandlerContext) -> list[InboxItem]:
    if not 1 <= query.limit <= 500:
        raise InvalidInput("limit", "must be between 1 and 500")
    org = ctx.actor.organisation_id
    if not org:
        return []
    path = ctx.uow.repo(ORG_PATHS).path_of(org) or "/"
    ctx.authorize(target_kind="alert_inbox", target_id=org, target_path=path)
    addresses = [f"{RecipientKind.DEPARTMENT.value}:{org}"]
    if ctx.actor.kind is ActorKind.USER:
        addresses.append(f"{RecipientKind.USER.value}:{ctx.actor.id}")
    items = []
    for delivery in ctx.uow.repo(OUTBOX).inbox(addresses, query.limit):
        item = _item(ctx.uow, delivery)
        if item is not None:
            items.append(item)
    return items


def _item(uow: UnitOfWork, delivery: Delivery) -> InboxItem | None:
    if delivery.message is MessageKind.ALARM_NOTICE:
        notice = uow.repo(NOTICES).get(delivery.alert_id)
        if notice is None:
            return None
        return InboxItem(
            delivery_id=delivery.id,
            kind=delivery.message.value,
            hazard=notice.hazard,
            sent_at=delivery.sent_at,
            texts=notice_texts(notice),
            alarm_id=notice.alarm_id,
            level=notice.level,
            rank=notice.rank,
            exercise=notice.exercise,
        )
    alert = uow.repo(ALERTS).get(delivery.alert_id)
    if alert is None:
        return None
    return InboxItem(
        delivery_id=delivery.id,
        kind=delivery.message.value,
        hazard=alert.hazard.value,
        sent_at=delivery.sent_at,
        texts=alert.texts,
        alert_id=alert.id,
        identifier=alert.identifier,
        colour=alert.colour.value,
        status=alert.status.value,
        msg_type=alert.msg_type.value,
        expires_at=alert.expires_at,
    )
