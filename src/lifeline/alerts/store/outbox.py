"""Tables and repository of subscriptions and the delivery outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lifeline.alerts.outbox import (
    Channel,
    Delivery,
    DeliveryState,
    MessageKind,
    RecipientKind,
    Subscription,
)
from lifeline.kernel.db import UtcDateTime, metadata

subscriptions = sa.Table(
    "alert_subscription",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("address", sa.String(500), nullable=False),
    sa.Column("language", sa.String(16), nullable=False),
    sa.Column("lon", sa.Float(), nullable=True),
    sa.Column("lat", sa.Float(), nullable=True),
    sa.Column("admin_code", sa.String(6), nullable=True),
    sa.Column("hazards", sa.JSON(), nullable=False),
    sa.Column("consented_at", UtcDateTime(), nullable=False),
    sa.Column("unsubscribed_at", UtcDateTime(), nullable=True),
)

deliveries = sa.Table(
    "alert_delivery",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("alert_id", sa.String(36), nullable=False, index=True),
    sa.Column("subscription_id", sa.String(36), nullable=False, index=True),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("address", sa.String(500), nullable=False),
    sa.Column("language", sa.String(16), nullable=False),
    sa.Column("idempotency_key", sa.String(120), nullable=False, unique=True),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("attempts", sa.Integer(), nullable=False),
    sa.Column("next_attempt_at", UtcDateTime(), nullable=False, index=True),
    sa.Column("last_error", sa.Text(), nullable=True),
    sa.Column("sent_at", UtcDateTime(), nullable=True),
    sa.Column("recipient_kind", sa.String(16), nullable=False, server_default="subscriber"),
    sa.Column("lease_owner", sa.String(64), nullable=True),
    sa.Column("lease_expires_at", UtcDateTime(), nullable=True),
    sa.Column("message_kind", sa.String(16), nullable=False, server_default="alert"),
    sa.Index("ix_alert_delivery_due", "channel", "state", "next_attempt_at"),
)


def _subscription(r: sa.Row[Any]) -> Subscription:
    return Subscription(
        id=r.id,
        channel=Channel(r.channel),
        address=r.address,
        language=r.language,
        consented_at=r.consented_at,
        lon=r.lon,
        lat=r.lat,
        admin_code=r.admin_code,
        hazards=tuple(r.hazards),
        unsubscribed_at=r.unsubscribed_at,
    )


def _delivery(r: sa.Row[Any]) -> Delivery:
    return Delivery(
        id=r.id,
        alert_id=r.alert_id,
        subscription_id=r.subscription_id,
        channel=Channel(r.channel),
        address=r.address,
        language=r.language,
        idempotency_key=r.idempotency_key,
        state=DeliveryState(r.state),
        attempts=r.attempts,
        next_attempt_at=r.next_attempt_at,
        last_error=r.last_error,
        sent_at=r.sent_at,
        recipient_kind=RecipientKind(r.recipient_kind),
        lease_owner=r.lease_owner,
        lease_expires_at=r.lease_expires_at,
        message=MessageKind(r.message_kind),
    )


def _claimable(channel: Channel, now: datetime) -> tuple[sa.ColumnElement[bool], ...]:
    """Queued, due, and not leased or with an expired lease."""
    d = deliveries
    return (
        d.c.channel == channel.value,
        d.c.state == DeliveryState.QUEUED.value,
        d.c.next_attempt_at <= now,
        sa.or_(d.c.lease_expires_at.is_(None), d.c.lease_expires_at <= now),
    )


class SqlOutboxRepository:
    """Subscriptions and deliveries on one connection."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    def add_subscription(self, subscription: Subscription) -> None:
        s = subscription
        self._conn.execute(
            subscriptions.insert().values(
                id=s.id,
                channel=s.channel.value,
                address=s.address,
                language=s.language,
                lon=s.lon,
                lat=s.lat,
                admin_code=s.admin_code,
                hazards=list(s.hazards),
                consented_at=s.consented_at,
                unsubscribed_at=s.unsubscribed_at,
            )
        )

    def get_subscription(self, subscription_id: str) -> Subscription | None:
        row = self._conn.execute(
            sa.select(subscriptions).where(subscriptions.c.id == subscription_id)
        ).first()
        return None if row is None else _subscription(row)

    def withdraw(self, subscription_id: str, at: datetime) -> int:
        self._conn.execute(
            subscriptions.update()
            .where(subscriptions.c.id == subscription_id, subscriptions.c.unsubscribed_at.is_(None))
            .values(unsubscribed_at=at)
        )
        result = self._conn.execute(
            deliveries.update()
            .where(
                deliveries.c.subscription_id == subscription_id,
                deliveries.c.state == DeliveryState.QUEUED.value,
            )
            .values(state=DeliveryState.WITHDRAWN.value)
        )
        return int(result.rowcount)

    def active_subscriptions(self, hazard: str) -> list[Subscription]:
        rows = self._conn.execute(
            sa.select(subscriptions)
            .where(subscriptions.c.unsubscribed_at.is_(None))
            .order_by(subscriptions.c.id)
        )
        out = [_subscription(r) for r in rows]
        return [s for s in out if not s.hazards or hazard in s.hazards]

    def enqueue(self, items: list[Delivery]) -> int:
        if not items:
            return 0
        self._conn.execute(
            deliveries.insert(),
            [
                {
                    "id": d.id,
                    "alert_id": d.alert_id,
                    "subscription_id": d.subscription_id,
                    "channel": d.channel.value,
                    "address": d.address,
                    "language": d.language,
                    "idempotency_key": d.idempotency_key,
                    "state": d.state.value,
                    "attempts": d.attempts,
                    "next_attempt_at": d.next_attempt_at,
                    "recipient_kind": d.recipient_kind.value,
                    "message_kind": d.message.value,
                }
                for d in items
            ],
        )
        return len(items)

    def claim(
        self, channel: Channel, now: datetime, limit: int, *, owner: str, lease_until: datetime
    ) -> list[Delivery]:
        d = deliveries
        claimable = _claimable(channel, now)
        pick = sa.select(d.c.id).where(*claimable).order_by(d.c.next_attempt_at, d.c.id)
        pick = pick.limit(limit)
        if self._conn.dialect.name == "postgresql":
            pick = pick.with_for_update(skip_locked=True)  # others take the next rows
        ids = [str(r[0]) for r in self._conn.execute(pick)]
        if not ids:
            return []
        # the conditions again: a row another worker leased meanwhile is not taken over
        self._conn.execute(
            d.update()
            .where(d.c.id.in_(ids), *claimable)
            .values(lease_owner=owner, lease_expires_at=lease_until)
        )
        rows = self._conn.execute(
            sa.select(d)
            .where(d.c.id.in_(ids), d.c.lease_owner == owner, d.c.lease_expires_at == lease_until)
            .order_by(d.c.next_attempt_at, d.c.id)
        )
        return [_delivery(r) for r in rows]

    def has_due(self, channel: Channel, now: datetime) -> bool:
        pick = sa.select(deliveries.c.id).where(*_claimable(channel, now)).limit(1)
        return self._conn.execute(pick).first() is not None

    def release(self, delivery_ids: list[str], *, owner: str) -> None:
        if not delivery_ids:
            return
        self._conn.execute(
            deliveries.update()
            .where(deliveries.c.id.in_(delivery_ids), deliveries.c.lease_owner == owner)
            .values(lease_owner=None, lease_expires_at=None)
        )

    def mark_sent(self, delivery_id: str, at: datetime) -> None:
        self._conn.execute(
            deliveries.update()
            .where(deliveries.c.id == delivery_id)
            .values(
                state=DeliveryState.SENT.value,
                sent_at=at,
                attempts=deliveries.c.attempts + 1,
                lease_owner=None,
                lease_expires_at=None,
            )
        )

    def mark_failed(
        self,
        delivery_id: str,
        *,
        attempts: int,
        next_attempt_at: datetime,
        error: str,
        gave_up: bool,
    ) -> None:
        state = DeliveryState.FAILED if gave_up else DeliveryState.QUEUED
        self._conn.execute(
            deliveries.update()
            .where(deliveries.c.id == delivery_id)
            .values(
                state=state.value,
                attempts=attempts,
                next_attempt_at=next_attempt_at,
                last_error=error[:2000],
                lease_owner=None,
                lease_expires_at=None,
            )
        )

    def report(self, alert_id: str) -> dict[str, dict[str, int]]:
        rows = self._conn.execute(
            sa.select(deliveries.c.channel, deliveries.c.state, sa.func.count())
            .where(deliveries.c.alert_id == alert_id)
            .group_by(deliveries.c.channel, deliveries.c.state)
        )
        out: dict[str, dict[str, int]] = {}
        for channel, state, count in rows:
            out.setdefault(str(channel), {})[str(state)] = int(count)
        return out

    def recipients(self, alert_id: str) -> dict[str, int]:
        rows = self._conn.execute(
            sa.select(deliveries.c.recipient_kind, sa.func.count())
            .where(deliveries.c.alert_id == alert_id)
            .group_by(deliveries.c.recipient_kind)
        )
        return {str(kind): int(count) for kind, count in rows}

    def dead_letters(self, alert_id: str, limit: int) -> list[Delivery]:
        rows = self._conn.execute(
            sa.select(deliveries)
            .where(
                deliveries.c.alert_id == alert_id,
                deliveries.c.state == DeliveryState.FAILED.value,
            )
            .order_by(deliveries.c.channel, deliveries.c.id)
            .limit(limit)
        )
        return [_delivery(r) for r in rows]

    def inbox(self, addresses: Sequence[str], limit: int) -> list[Delivery]:
        rows = self._conn.execute(
            sa.select(deliveries)
            .where(
                deliveries.c.channel == Channel.IN_APP.value,
                deliveries.c.address.in_(list(addresses)),
                deliveries.c.state == DeliveryState.SENT.value,
            )
            .order_by(deliveries.c.sent_at.desc(), deliveries.c.id)
            .limit(limit)
        )
        return [_delivery(r) for r in rows]

    def outstanding(self, channels: tuple[Channel, ...]) -> int:
        count = self._conn.execute(
            sa.select(sa.func.count())
            .select_from(deliveries)
            .where(
                deliveries.c.channel.in_([c.value for c in channels]),
                deliveries.c.state == DeliveryState.QUEUED.value,
            )
        ).scalar_one()
        return int(count)
