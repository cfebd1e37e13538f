"""Commands and queries of the alerts context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from lifeline.alerts.cap.model import CapArea, CapStatus
from lifeline.alerts.levels import Colour
from lifeline.alerts.model import AlertState
from lifeline.alerts.outbox import Channel
from lifeline.kernel.events import Command, Query
from lifeline.security.model import Permission


@dataclass(frozen=True, kw_only=True)
class DraftAlert(Command):
    """Draft a public warning from a hazard template for ``areas``.

    ``area_names`` gives the area's name per language (``zh-CN`` and ``en``); each language
    becomes one CAP ``info``. ``status`` ``Exercise``/``Test`` alerts never reach the public.
    """

    permission: ClassVar[str] = Permission.ALERT_DRAFT
    organisation_id: str
    template_id: str
    colour: Colour
    areas: tuple[CapArea, ...]
    area_names: tuple[tuple[str, str], ...]  # (language, name)
    expires_at: datetime
    status: CapStatus = CapStatus.ACTUAL
    signal: str | None = None
    organisation_code: str = "000"


@dataclass(frozen=True, kw_only=True)
class SubmitAlert(Command):
    permission: ClassVar[str] = Permission.ALERT_DRAFT
    alert_id: str


@dataclass(frozen=True, kw_only=True)
class RejectAlert(Command):
    permission: ClassVar[str] = Permission.ALERT_APPROVE
    alert_id: str
    note: str


@dataclass(frozen=True, kw_only=True)
class ApproveAlert(Command):
    permission: ClassVar[str] = Permission.ALERT_APPROVE
    alert_id: str


@dataclass(frozen=True, kw_only=True)
class PublishAlert(Command):
    permission: ClassVar[str] = Permission.ALERT_APPROVE
    alert_id: str


@dataclass(frozen=True, kw_only=True)
class UpdateAlert(Command):
    """Draft an ``Update`` of a published alert; it goes through approval like any draft and,
    once published, supersedes the alert it refers to."""

    permission: ClassVar[str] = Permission.ALERT_APPROVE
    alert_id: str
    colour: Colour | None = None
    expires_at: datetime | None = None
    signal: str | None = None
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class CancelAlert(Command):
    """Cancel a published alert: a ``Cancel`` message referring to it is published at once."""

    permission: ClassVar[str] = Permission.ALERT_APPROVE
    alert_id: str
    note: str


@dataclass(frozen=True, kw_only=True)
class GetAlert(Query):
    permission: ClassVar[str] = Permission.ALERT_READ
    alert_id: str


@dataclass(frozen=True, kw_only=True)
class GetAlertCap(Query):
    """The alert as a CAP 1.2 document (bytes)."""

    permission: ClassVar[str] = Permission.ALERT_READ
    alert_id: str


@dataclass(frozen=True, kw_only=True)
class ListAlerts(Query):
    permission: ClassVar[str] = Permission.ALERT_READ
    states: tuple[AlertState, ...] = ()
    limit: int = 50
    offset: int = 0


PUBLIC_ALERT_READ = "alert.public"
"""Held only by the anonymous public reader: active, actual, public alerts and nothing else."""


@dataclass(frozen=True, kw_only=True)
class ListPublicAlerts(Query):
    """Alerts the public may see now: ``Actual``, published and unexpired, newest first."""

    permission: ClassVar[str] = PUBLIC_ALERT_READ


@dataclass(frozen=True, kw_only=True)
class GetPublicAlertCap(Query):
    """The CAP document of one public alert, by its CAP identifier."""

    permission: ClassVar[str] = PUBLIC_ALERT_READ
    identifier: str


@dataclass(frozen=True, kw_only=True)
class IngestCapFeed(Command):
    """Take in another agency's CAP document or Atom feed of CAP alerts as warning signals for
    ``organisation_id``; small errors are accepted with warnings, the rest rejected with reasons."""

    permission: ClassVar[str] = Permission.ALERT_DRAFT
    organisation_id: str
    source: str
    document: bytes


@dataclass(frozen=True, kw_only=True)
class ListExternalAlerts(Query):
    permission: ClassVar[str] = Permission.ALERT_READ
    limit: int = 50
    offset: int = 0


PUBLIC_SUBSCRIBE = "alert.subscribe"
"""Held by the anonymous public reader: subscribe to public warnings, with consent."""


@dataclass(frozen=True, kw_only=True)
class Subscribe(Command):
    """Subscribe ``address`` on ``channel`` to warnings for a point and/or an administrative
    code, for some hazards (none: all); ``consent`` must be given explicitly."""

    permission: ClassVar[str] = PUBLIC_SUBSCRIBE
    channel: Channel
    address: str
    language: str
    consent: bool
    lon: float | None = None
    lat: float | None = None
    admin_code: str | None = None
    hazards: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class CheckUnsubscribeToken(Query):
    """What a signed unsubscribe link refers to (channel, masked address, still active?)."""

    permission: ClassVar[str] = PUBLIC_SUBSCRIBE
    token: str


@dataclass(frozen=True, kw_only=True)
class Unsubscribe(Command):
    """Withdraw the subscription a signed unsubscribe link names; withdrawing twice is a no-op."""

    permission: ClassVar[str] = PUBLIC_SUBSCRIBE
    token: str


@dataclass(frozen=True, kw_only=True)
class ReadInbox(Query):
    """The in-app messages delivered to the caller's organisation (a department or other
    organisation recipient of published alerts), newest first."""

    permission: ClassVar[str] = Permission.ALERT_READ
    limit: int = 50


@dataclass(frozen=True, kw_only=True)
class GetDeliveryReport(Query):
    """Per channel, how many messages of an alert are queued, sent and failed."""

    permission: ClassVar[str] = Permission.ALERT_READ
    alert_id: str
