"""Alerts events (past tense): drafted, submitted, rejected, approved, published, superseded,
cancelled."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from lifeline.kernel.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class AlertDrafted(DomainEvent):
    aggregate_type: ClassVar[str] = "alert"
    identifier: str
    hazard: str
    colour: str
    status: str
    msg_type: str
    template_id: str | None
    template_version: int | None
    references_alert_id: str | None


@dataclass(frozen=True, kw_only=True)
class AlertSubmitted(DomainEvent):
    aggregate_type: ClassVar[str] = "alert"


@dataclass(frozen=True, kw_only=True)
class AlertRejected(DomainEvent):
    aggregate_type: ClassVar[str] = "alert"
    note: str


@dataclass(frozen=True, kw_only=True)
class AlertApproved(DomainEvent):
    aggregate_type: ClassVar[str] = "alert"
    approved_by: str


@dataclass(frozen=True, kw_only=True)
class AlertPublished(DomainEvent):
    """Published; ``public`` is false for Exercise/Test alerts, which no public channel sends."""

    aggregate_type: ClassVar[str] = "alert"
    identifier: str
    msg_type: str
    colour: str
    status: str
    public: bool
    approved_by: str | None
    template_id: str | None
    template_version: int | None


@dataclass(frozen=True, kw_only=True)
class AlertSuperseded(DomainEvent):
    aggregate_type: ClassVar[str] = "alert"
    by_alert_id: str


@dataclass(frozen=True, kw_only=True)
class AlertCancelled(DomainEvent):
    aggregate_type: ClassVar[str] = "alert"
    by_alert_id: str
    note: str


@dataclass(frozen=True, kw_only=True)
class ExternalAlertReceived(DomainEvent):
    """Another agency's CAP alert arrived: a warning signal for monitoring."""

    aggregate_type: ClassVar[str] = "external_alert"
    source: str
    sender: str
    identifier: str
    msg_type: str
    status: str
    event: str
    severity: str
    colour: str | None
    expires: str | None
    warnings: int


@dataclass(frozen=True, kw_only=True)
class ExternalAlertRejected(DomainEvent):
    """An entry of an agency's feed could not be read; kept with its reasons, never dropped."""

    aggregate_type: ClassVar[str] = "external_feed"
    source: str
    position: int
    reasons: tuple[str, ...]
    document_sha256: str


@dataclass(frozen=True, kw_only=True)
class SubscriptionCreated(DomainEvent):
    """Someone consented to receive public warnings (the address itself is not logged)."""

    aggregate_type: ClassVar[str] = "alert_subscription"
    channel: str
    hazards: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class SubscriptionWithdrawn(DomainEvent):
    """A subscriber withdrew through a signed link (the address is not logged);
    ``deliveries_withdrawn`` queued messages will not be sent."""

    aggregate_type: ClassVar[str] = "alert_subscription"
    channel: str
    deliveries_withdrawn: int


@dataclass(frozen=True, kw_only=True)
class AlarmNoticeQueued(DomainEvent):
    """An alarm's notify step became deliveries; ``aggregate_id`` is the notice id. ``users``
    and ``departments`` count the recipients, ``deliveries`` the messages queued."""

    aggregate_type: ClassVar[str] = "alarm_notice"
    alarm_id: str
    target_organisation_id: str
    role: str | None
    users: int
    departments: int
    deliveries: int
