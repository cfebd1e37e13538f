"""Subscriptions and the delivery outbox: one row per alert, recipient and channel.

Each row is delivered at least once: a worker claims due rows, sends, and marks each sent in its
own transaction; a crash between sending and marking sends that one message again, with the same
``idempotency_key`` (``alert id:subscription id:channel``) so the receiving side can drop the
repeat. Failures are retried with exponential backoff, ``base_s · 2^(attempt-1)`` capped at
``max_s``, until ``max_attempts``; one channel failing never holds up another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from lifeline.kernel.ports import RepoKey


class Channel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"
    SMS = "sms"
    IN_APP = "in_app"


class RecipientKind(StrEnum):
    SUBSCRIBER = "subscriber"  # a member of the public who consented (has an unsubscribe link)
    FACILITY = "facility"  # a registry facility in the area, through its contact
    DEPARTMENT = "department"  # a department of one of the area's organisations
    USER = "user"  # a user holding the role an alarm notice names


class MessageKind(StrEnum):
    """What a delivery carries: a public alert, or an operator's alarm notice."""

    ALERT = "alert"
    ALARM_NOTICE = "alarm_notice"


class DeliveryState(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"  # gave up after max_attempts: a dead letter, shown in the report
    WITHDRAWN = "withdrawn"  # the subscriber unsubscribed before it was sent


@dataclass(frozen=True, slots=True)
class Subscription:
    """A recipient who consented to public warnings for an area and some hazards."""

    id: str
    channel: Channel
    address: str  # e-mail address, webhook URL, phone number or in-app user id
    language: str  # zh-CN or en
    consented_at: datetime
    lon: float | None = None
    lat: float | None = None
    admin_code: str | None = None
    hazards: tuple[str, ...] = ()  # empty: every hazard
    unsubscribed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message of one alert to one recipient on one channel. ``subscription_id`` is the
    recipient's id: the subscription, or the facility, department or user (``recipient_kind``).
    For ``message`` :attr:`MessageKind.ALARM_NOTICE`, ``alert_id`` is the notice's id."""

    id: str
    alert_id: str
    subscription_id: str
    channel: Channel
    address: str
    language: str
    idempotency_key: str
    state: DeliveryState
    attempts: int
    next_attempt_at: datetime
    last_error: str | None = None
    sent_at: datetime | None = None
    recipient_kind: RecipientKind = RecipientKind.SUBSCRIBER
    lease_owner: str | None = None  # the worker that claimed it, until lease_expires_at
    lease_expires_at: datetime | None = None
    message: MessageKind = MessageKind.ALERT


@dataclass(frozen=True, slots=True)
class Backoff:
    base_s: float = 30.0
    max_s: float = 3600.0
    max_attempts: int = 8

    def delay(self, attempts: int) -> timedelta:
        """Wait before the next try after ``attempts`` failed ones: ``base·2^(attempts-1)``."""
        return timedelta(seconds=min(self.max_s, self.base_s * 2 ** max(attempts - 1, 0)))


def idempotency_key(
    alert_id: str,
    recipient_id: str,
    channel: Channel,
    kind: RecipientKind = RecipientKind.SUBSCRIBER,
) -> str:
    """``alert:subscription:channel``; other recipients' ids carry their kind
    (``alert:facility/<id>:sms``)."""
    if kind is RecipientKind.SUBSCRIBER:
        return f"{alert_id}:{recipient_id}:{channel.value}"
    return f"{alert_id}:{kind.value}/{recipient_id}:{channel.value}"


class OutboxRepository(Protocol):
    def add_subscription(self, subscription: Subscription) -> None: ...

    def get_subscription(self, subscription_id: str) -> Subscription | None: ...

    def withdraw(self, subscription_id: str, at: datetime) -> int:
        """Mark the subscription withdrawn and its queued deliveries ``withdrawn``; return how
        many deliveries were withdrawn."""
        ...

    def active_subscriptions(self, hazard: str) -> list[Subscription]: ...

    def enqueue(self, deliveries: list[Delivery]) -> int: ...

    def claim(
        self, channel: Channel, now: datetime, limit: int, *, owner: str, lease_until: datetime
    ) -> list[Delivery]:
        """Lease up to ``limit`` due rows of ``channel`` to ``owner`` until ``lease_until``:
        queued, due, and not leased or with an expired lease. Two workers never hold the same
        row at once; a worker that dies leaves its rows to be claimed again when the lease
        expires."""
        ...

    def has_due(self, channel: Channel, now: datetime) -> bool:
        """Whether any row of ``channel`` is claimable now (a read, no lock)."""
        ...

    def release(self, delivery_ids: list[str], *, owner: str) -> None:
        """Give back rows ``owner`` claimed but will not send (stopping)."""
        ...

    def mark_sent(self, delivery_id: str, at: datetime) -> None: ...

    def mark_failed(
        self,
        delivery_id: str,
        *,
        attempts: int,
        next_attempt_at: datetime,
        error: str,
        gave_up: bool,
    ) -> None: ...

    def report(self, alert_id: str) -> dict[str, dict[str, int]]: ...

    def recipients(self, alert_id: str) -> dict[str, int]:
        """How many deliveries of the alert go to each kind of recipient."""
        ...

    def dead_letters(self, alert_id: str, limit: int) -> list[Delivery]:
        """Deliveries that gave up after the last attempt, with their last error."""
        ...

    def outstanding(self, channels: tuple[Channel, ...]) -> int:
        """Deliveries of these channels still queued (due or waiting for a retry)."""
        ...

    def inbox(self, addresses: Sequence[str], limit: int) -> list[Delivery]:
        """Sent in-app deliveries to any of ``addresses``, newest first."""
        ...


OUTBOX: RepoKey[OutboxRepository] = RepoKey("alert_outbox")
