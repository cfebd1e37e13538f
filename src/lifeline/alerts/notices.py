"""Alarm notices: an early-warning escalation step that tells people, turned into deliveries.

Early warning records ``AlarmEscalated`` with ``step_type: notify`` naming a role and/or an
organisation; the alerts context keeps one :class:`AlarmNotice` per such step and queues it on
the same delivery outbox as public alerts (``Delivery.message`` is
:attr:`~lifeline.alerts.outbox.MessageKind.ALARM_NOTICE`, ``alert_id`` the notice's id). Who is
told (:func:`notice_deliveries`):

* with a ``role``: every active user holding it in the target organisation's subtree — an
  in-app message to ``user:<id>`` and, with a phone, an SMS;
* with an organisation and no role: the target organisation's departments — in-app to
  ``department:<id>`` and an SMS to a contact phone.

A drill's notice (``exercise``) goes in-app only. Notices are for operators: they are worded
here, never through the CAP templates of public warnings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from lifeline.alerts.model import AlertText
from lifeline.alerts.outbox import (
    Channel,
    Delivery,
    DeliveryState,
    MessageKind,
    RecipientKind,
    idempotency_key,
)
from lifeline.alerts.recipients import CONTACT_LANGUAGE, Contact
from lifeline.kernel.ports import RepoKey


@dataclass(frozen=True, slots=True)
class AlarmNotice:
    """One notify step of one alarm: who is meant (``role`` in ``target_organisation_id``'s
    subtree) and the alarm as it stood (``level``/``rank``) when the step ran."""

    id: str
    alarm_id: str
    event_id: str  # the AlarmEscalated event it answers (one notice per event)
    organisation_id: str  # the alarm's organisation
    target_organisation_id: str
    role: str | None
    step: int
    title: str
    hazard: str
    level: str
    rank: int
    source_id: str
    exercise: bool
    created_at: datetime


def notice_texts(notice: AlarmNotice) -> tuple[AlertText, ...]:
    """The notice's words in Chinese and English (headline, what to do)."""
    drill = ("【演练】", "[Exercise] ") if notice.exercise else ("", "")
    return (
        AlertText(
            language="zh-CN",
            event=notice.hazard,
            headline=f"{drill[0]}【告警未确认】{notice.title}（{notice.level}）",
            description=f"告警 {notice.alarm_id} 未确认，已升级至第 {notice.step + 1} 步。",
            instruction="请在指挥平台确认并处置该告警。",
            area_desc="",
        ),
        AlertText(
            language="en",
            event=notice.hazard,
            headline=f"{drill[1]}Unacknowledged alarm: {notice.title} ({notice.level})",
            description=(
                f"Alarm {notice.alarm_id} is not acknowledged; escalation step {notice.step + 1}."
            ),
            instruction="Acknowledge and handle the alarm in the command centre.",
            area_desc="",
        ),
    )


def notice_sms(notice: AlarmNotice) -> str:
    """The SMS text (Chinese): headline and what to do."""
    zh = notice_texts(notice)[0]
    return f"【告警】{zh.headline} {zh.instruction}"


def notice_deliveries(
    notice: AlarmNotice,
    contacts: Iterable[Contact],
    now: datetime,
    new_id: Callable[[], str],
) -> list[Delivery]:
    """In-app to each contact (``user:<id>`` or ``department:<id>``) and an SMS to each one
    with a phone unless the notice is a drill's; each contact once, however often listed."""
    out: list[Delivery] = []
    seen: set[tuple[RecipientKind, str]] = set()
    for contact in contacts:
        if (contact.kind, contact.id) in seen:
            continue
        seen.add((contact.kind, contact.id))
        targets = [(Channel.IN_APP, f"{contact.kind.value}:{contact.id}")]
        if contact.phone and not notice.exercise:
            targets.append((Channel.SMS, contact.phone))
        for channel, address in targets:
            out.append(
                Delivery(
                    id=new_id(),
                    alert_id=notice.id,
                    subscription_id=contact.id,
                    channel=channel,
                    address=address,
                    language=CONTACT_LANGUAGE,
                    idempotency_key=idempotency_key(notice.id, contact.id, channel, contact.kind),
                    state=DeliveryState.QUEUED,
                    attempts=0,
                    next_attempt_at=now,
                    recipient_kind=contact.kind,
                    message=MessageKind.ALARM_NOTICE,
                )
            )
    return out


class NoticeRepository(Protocol):
    def add(self, notice: AlarmNotice) -> bool:
        """Store the notice; ``False`` when one for the same event is already there."""
        ...

    def get(self, notice_id: str) -> AlarmNotice | None: ...


NOTICES: RepoKey[NoticeRepository] = RepoKey("alert_notices")
