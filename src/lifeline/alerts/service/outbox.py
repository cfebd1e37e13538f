"""Subscriptions, fan-out of a published alert into the delivery outbox, delivery reports."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lifeline.alerts.events import SubscriptionCreated
from lifeline.alerts.links import LINKS
from lifeline.alerts.messages import GetDeliveryReport, Subscribe
from lifeline.alerts.model import PublicAlert
from lifeline.alerts.outbox import (
    OUTBOX,
    Delivery,
    DeliveryState,
    Subscription,
    idempotency_key,
)
from lifeline.alerts.recipients import contact_deliveries
from lifeline.alerts.service._common import load
from lifeline.alerts.service.recipients import registry_contacts
from lifeline.alerts.service.unsubscribe import mask_address
from lifeline.alerts.targeting import in_areas
from lifeline.alerts.templates import LANGUAGES
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import FieldProblem, InvalidInput
from lifeline.kernel.ids import new_id


@dataclass(frozen=True, slots=True)
class SubscriptionReceipt:
    """The new subscription and its signed one-click unsubscribe link."""

    subscription: Subscription
    unsubscribe_url: str


def subscribe(cmd: Subscribe, ctx: HandlerContext) -> SubscriptionReceipt:
    problems = []
    if not cmd.consent:
        problems.append(FieldProblem("consent", "subscribing needs your explicit consent"))
    if cmd.language not in LANGUAGES:
        problems.append(FieldProblem("language", f"must be one of {LANGUAGES}"))
    if (cmd.lon is None) != (cmd.lat is None):
        problems.append(FieldProblem("lon", "give both lon and lat, or neither"))
    if cmd.lon is None and not cmd.admin_code:
        problems.append(FieldProblem("admin_code", "give a position or an administrative code"))
    if not cmd.address.strip():
        problems.append(FieldProblem("address", "is required"))
    if problems:
        raise InvalidInput(problems)
    ctx.authorize(target_kind="subscription", target_id="", target_path="/")
    sub = Subscription(
        id=new_id(),
        channel=cmd.channel,
        address=cmd.address.strip(),
        language=cmd.language,
        consented_at=ctx.uow.clock.now(),
        lon=cmd.lon,
        lat=cmd.lat,
        admin_code=cmd.admin_code,
        hazards=cmd.hazards,
    )
    ctx.uow.repo(OUTBOX).add_subscription(sub)
    ctx.uow.record(
        SubscriptionCreated(aggregate_id=sub.id, channel=sub.channel, hazards=sub.hazards)
    )
    return SubscriptionReceipt(sub, ctx.uow.repo(LINKS).unsubscribe_url(sub.id))


def enqueue_deliveries(ctx: HandlerContext, alert: PublicAlert) -> int:
    """Queue one delivery per subscriber in the alert's areas and channel, and the registry's
    facilities and departments of the area (actual alerts only)."""
    if not alert.is_public(ctx.uow.clock.now()):
        return 0
    repo = ctx.uow.repo(OUTBOX)
    now = ctx.uow.clock.now()
    queued = contact_deliveries(alert.id, registry_contacts(ctx, alert), now, new_id)
    subs = repo.active_subscriptions(alert.hazard.value)
    if subs:
        lons = np.array([s.lon if s.lon is not None else np.nan for s in subs], dtype=np.float64)
        lats = np.array([s.lat if s.lat is not None else np.nan for s in subs], dtype=np.float64)
        mask = in_areas(alert.areas, lons, lats, [s.admin_code or "" for s in subs])
        queued += [
            Delivery(
                id=new_id(),
                alert_id=alert.id,
                subscription_id=s.id,
                channel=s.channel,
                address=s.address,
                language=s.language,
                idempotency_key=idempotency_key(alert.id, s.id, s.channel),
                state=DeliveryState.QUEUED,
                attempts=0,
                next_attempt_at=now,
            )
            for s, hit in zip(subs, mask, strict=True)
            if hit
        ]
    return repo.enqueue(queued)


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A message that gave up after its last attempt (the address masked)."""

    channel: str
    recipient_kind: str
    address: str
    attempts: int
    last_error: str


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    alert_id: str
    by_channel: dict[str, dict[str, int]]
    dead_letters: tuple[DeadLetter, ...] = ()
    by_recipient: dict[str, int] = field(default_factory=dict)  # subscriber/facility/department

    def total(self, state: DeliveryState) -> int:
        return sum(counts.get(state.value, 0) for counts in self.by_channel.values())


DEAD_LETTERS_SHOWN = 100


def get_delivery_report(query: GetDeliveryReport, ctx: HandlerContext) -> DeliveryReport:
    alert = load(ctx, query.alert_id)
    repo = ctx.uow.repo(OUTBOX)
    dead = tuple(
        DeadLetter(
            channel=d.channel.value,
            recipient_kind=d.recipient_kind.value,
            address=mask_address(d.channel, d.address),
            attempts=d.attempts,
            last_error=d.last_error or "",
        )
        for d in repo.dead_letters(alert.id, DEAD_LETTERS_SHOWN)
    )
    return DeliveryReport(alert.id, repo.report(alert.id), dead, repo.recipients(alert.id))
