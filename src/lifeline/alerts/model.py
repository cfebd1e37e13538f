"""A public warning as it is authored, approved and published; its state machine; its port.

::

    draft ──submit──► submitted ──approve──► approved ──publish──► published ──► (expired)
      ▲                   │                                           │
      └──────reject───────┘                          update / cancel ─┤
                                                                      ▼
                                                           superseded / cancelled

Orange and red need an approver other than the author. ``Exercise`` and ``Test`` alerts go
through the same steps but are never public (:attr:`PublicAlert.is_public`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from lifeline.alerts.cap.model import (
    CapAlert,
    CapArea,
    CapCategory,
    CapCertainty,
    CapInfo,
    CapMsgType,
    CapReference,
    CapResponseType,
    CapScope,
    CapStatus,
    CapUrgency,
)
from lifeline.alerts.identifiers import BEIJING
from lifeline.alerts.levels import Colour, colour_parameters, severity_of
from lifeline.alerts.templates import Hazard
from lifeline.kernel.errors import Conflict, Forbidden
from lifeline.kernel.ports import RepoKey

SENDER = "lifeline@emergency.sz.gov.cn"
DEFAULT_ORGANISATION_CODE = "000"  # GB/T 4657 code of the issuer when none is configured


class AlertState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # never stored: a published alert past its expiry reads as expired


@dataclass(frozen=True, slots=True)
class AlertText:
    """One language's words; becomes one CAP ``info`` block."""

    language: str
    event: str
    headline: str
    description: str
    instruction: str
    area_desc: str


@dataclass(frozen=True, slots=True)
class PublicAlert:
    id: str
    organisation_id: str
    organisation_path: str  # snapshot of the owner's path, for scoped lists
    identifier: str  # GB/T 35965.1 form
    hazard: Hazard
    colour: Colour
    status: CapStatus  # Actual, Exercise or Test
    msg_type: CapMsgType
    category: CapCategory
    response_type: CapResponseType
    urgency: CapUrgency
    certainty: CapCertainty
    texts: tuple[AlertText, ...]
    areas: tuple[CapArea, ...]
    expires_at: datetime
    created_by: str
    created_at: datetime
    state: AlertState = AlertState.DRAFT
    signal: str | None = None  # native local signal, e.g. Shenzhen typhoon "orange"
    template_id: str | None = None
    template_version: int | None = None
    references_alert_id: str | None = None  # the alert an Update or Cancel refers to
    submitted_by: str | None = None
    submitted_at: datetime | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None
    published_at: datetime | None = None
    note: str | None = None
    version: int = 1

    # --- state machine ---------------------------------------------------------------------

    def submit(self, *, by: str, at: datetime) -> PublicAlert:
        self._require(AlertState.DRAFT, "submit")
        return self._to(AlertState.SUBMITTED, submitted_by=by, submitted_at=at)

    def reject(self, *, note: str) -> PublicAlert:
        self._require(AlertState.SUBMITTED, "reject")
        return self._to(AlertState.DRAFT, note=note, submitted_by=None, submitted_at=None)

    def approve(self, *, by: str, at: datetime) -> PublicAlert:
        """Approve; orange and red need someone other than the author and the submitter."""
        self._require(AlertState.SUBMITTED, "approve")
        if self.colour.needs_second_approver and by in (self.created_by, self.submitted_by):
            raise Forbidden(
                f"a {self.colour} alert must be approved by a second person, not its author"
            )
        return self._to(AlertState.APPROVED, approved_by=by, approved_at=at)

    def publish(self, *, at: datetime) -> PublicAlert:
        if self.state is not AlertState.APPROVED:
            raise Conflict(f"alert {self.id} is {self.state}; only an approved alert is published")
        if self.expires_at <= at:
            raise Conflict(f"alert {self.id} expired at {self.expires_at.isoformat()}")
        return self._to(AlertState.PUBLISHED, published_at=at)

    def supersede(self) -> PublicAlert:
        self._require(AlertState.PUBLISHED, "supersede")
        return self._to(AlertState.SUPERSEDED)

    def cancel(self) -> PublicAlert:
        self._require(AlertState.PUBLISHED, "cancel")
        return self._to(AlertState.CANCELLED)

    def state_at(self, now: datetime) -> AlertState:
        """The state as seen at ``now``: a published alert past ``expires_at`` is expired."""
        if self.state is AlertState.PUBLISHED and self.expires_at <= now:
            return AlertState.EXPIRED
        return self.state

    def is_public(self, now: datetime) -> bool:
        """Shown to the public: an actual (not exercise/test) alert, published and unexpired."""
        return self.status is CapStatus.ACTUAL and self.state_at(now) is AlertState.PUBLISHED

    def _require(self, state: AlertState, action: str) -> None:
        if self.state is not state:
            raise Conflict(f"cannot {action} alert {self.id}: it is {self.state}, not {state}")

    def _to(self, state: AlertState, **changes: object) -> PublicAlert:
        return dataclasses.replace(self, state=state, version=self.version + 1, **changes)  # type: ignore[arg-type]

    # --- CAP ---------------------------------------------------------------------------------

    def to_cap(self, *, sent: datetime, references: tuple[CapReference, ...] = ()) -> CapAlert:
        """The CAP 1.2 message: one ``info`` per language, the colour kept as a parameter."""
        params = colour_parameters(self.colour, self.signal)
        infos = tuple(
            CapInfo(
                categories=(self.category,),
                event=text.event,
                urgency=self.urgency,
                severity=severity_of(self.colour),
                certainty=self.certainty,
                language=text.language,
                response_types=(self.response_type,),
                expires=self.expires_at.astimezone(sent.tzinfo),
                sender_name=None,
                headline=text.headline,
                description=text.description,
                instruction=text.instruction,
                parameters=params,
                areas=tuple(
                    dataclasses.replace(area, area_desc=text.area_desc) for area in self.areas
                ),
            )
            for text in self.texts
        )
        return CapAlert(
            identifier=self.identifier,
            sender=SENDER,
            sent=sent,
            status=self.status,
            msg_type=self.msg_type,
            scope=CapScope.PUBLIC,
            note=self.note,
            references=references,
            infos=infos,
        )


class AlertRepository(Protocol):
    def add(self, alert: PublicAlert) -> None: ...

    def get(self, alert_id: str) -> PublicAlert | None: ...

    def by_identifier(self, identifier: str) -> PublicAlert | None: ...

    def update(self, alert: PublicAlert, expected_version: int) -> bool: ...

    def identifiers_with_prefix(self, prefix: str) -> list[str]: ...

    def list_alerts(
        self,
        *,
        scope_paths: tuple[str, ...],
        states: tuple[AlertState, ...] = (),
        limit: int = 50,
        offset: int = 0,
    ) -> list[PublicAlert]: ...

    def published(self, *, status: CapStatus) -> list[PublicAlert]: ...


ALERTS: RepoKey[AlertRepository] = RepoKey("alerts")


def cap_with_references(repo: AlertRepository, alert: PublicAlert, sent: datetime) -> CapAlert:
    """The alert as a CAP message sent at ``sent``, referencing the alert it updates or cancels
    (CAP ``references``: sender, identifier and sent time of the earlier published message)."""
    references: tuple[CapReference, ...] = ()
    if alert.references_alert_id is not None:
        earlier = repo.get(alert.references_alert_id)
        if earlier is not None and earlier.published_at is not None:
            references = (
                CapReference(SENDER, earlier.identifier, earlier.published_at.astimezone(BEIJING)),
            )
    return alert.to_cap(sent=sent.astimezone(BEIJING), references=references)


@dataclass(frozen=True, slots=True)
class ExternalAlert:
    """A CAP alert received from another agency's feed: a warning signal for monitoring."""

    id: str
    organisation_id: str  # the receiving organisation
    organisation_path: str
    source: str  # where it came from, e.g. "cma" or a feed URL
    sender: str
    identifier: str
    sent: datetime
    status: CapStatus
    msg_type: CapMsgType
    event: str
    severity: str
    colour: str | None
    expires: datetime | None
    warnings: tuple[str, ...]  # lenient-mode findings, "path: reason"
    received_at: datetime
    document: bytes


class ExternalAlertRepository(Protocol):
    def add_if_new(self, alert: ExternalAlert) -> bool:
        """Store unless (sender, identifier) is already known; True when stored."""
        ...

    def add_rejected(
        self,
        *,
        id: str,
        organisation_id: str,
        source: str,
        position: int,
        reasons: tuple[str, ...],
        document: bytes,
        received_at: datetime,
    ) -> None: ...

    def list_external(
        self, *, scope_paths: tuple[str, ...], limit: int = 50, offset: int = 0
    ) -> list[ExternalAlert]: ...


EXTERNAL_ALERTS: RepoKey[ExternalAlertRepository] = RepoKey("external_alerts")
