"""Subscriptions, fan-out of a published alert into the delivery outbox, delivery reports."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lifeline.alerts.events import SubscriptionCreated
from lifeline.alerts.messages import GetDeliveryReport, Subscribe
from lifeline.alerts.model import PublicAlert
from lifeline.alerts.outbox import (
    OUTBOX,
    Delivery,
    DeliveryState,
    Subscription,
    idempotency_key,
)
from lifeline.alerts.service._common import load
from lifeline.alerts.targeting import in_areas
from lifeline.alerts.templates import LANGUAGES
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import FieldProblem, InvalidInput
from lifeline.kernel.ids import new_id


def subscribe(cmd: Subscribe, ctx: HandlerContext) -> Subscription:
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
    return sub


def enqueue_deliveries(ctx: HandlerContext, alert: PublicAlert) -> int:
    """Queue one delivery per subscriber in the alert's areas (actual alerts only)."""
    if not alert.is_public(ctx.uow.clock.now()):
        return 0
    repo = ctx.uow.repo(OUTBOX)
    subs = repo.active_subscriptions(alert.hazard.value)
    if not subs:
        return 0
    lons = np.array([s.lon if s.lon is not None else np.nan for s in subs], dtype=np.float64)
    lats = np.array([s.lat if s.lat is not None else np.nan for s in subs], dtype=np.float64)
    mask = in_areas(alert.areas, lons, lats, [s.admin_code or "" for s in subs])
    now = ctx.uow.clock.now()
    return repo.enqueue(
        [
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
    )


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    alert_id: str
    by_channel: dict[str, dict[str, int]]

    def total(self, state: DeliveryState) -> int:
        return sum(counts.get(state.value, 0) for counts in self.by_channel.values())


def get_delivery_report(query: GetDeliveryReport, ctx: HandlerContext) -> DeliveryReport:
    alert = load(ctx, query.alert_id)
    return DeliveryReport(alert.id, ctx.uow.repo(OUTBOX).report(alert.id))
