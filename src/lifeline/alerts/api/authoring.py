"""Routes for authoring, approving, publishing, updating and cancelling alerts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field, field_validator

from lifeline.alerts.api._common import CAP_MEDIA_TYPE, PageDep, Strict
from lifeline.alerts.cap.model import CapArea, CapCircle, CapStatus, NamedValue
from lifeline.alerts.levels import Colour
from lifeline.alerts.messages import (
    ApproveAlert,
    CancelAlert,
    DraftAlert,
    GetAlert,
    GetAlertCap,
    GetDeliveryReport,
    ListAlerts,
    PublishAlert,
    RejectAlert,
    SubmitAlert,
    UpdateAlert,
)
from lifeline.alerts.model import AlertState, AlertText, PublicAlert
from lifeline.alerts.outbox import DeliveryState
from lifeline.alerts.service import DeliveryReport
from lifeline.alerts.templates import TEMPLATES
from lifeline.api.deps import BusDep, CurrentActor, PlatformDep

router = APIRouter(prefix="/alerts", tags=["alerts"])
GEOCODE_ADMIN = "GB/T 2260"  # geocode valueName for Chinese administrative division codes


class CircleIn(Strict):
    lon: float = Field(ge=-180, le=180)
    lat: float = Field(ge=-90, le=90)
    radius_m: float = Field(ge=0, le=1_000_000)


class AreaIn(Strict):
    """Where the alert applies; coordinates in WGS84 ``[lon, lat]`` as in GeoJSON."""

    polygon: list[Annotated[list[float], Field(min_length=2, max_length=2)]] | None = Field(
        default=None, max_length=10_000, description="One closed ring of [lon, lat] points"
    )
    circle: CircleIn | None = None
    admin_codes: list[Annotated[str, Field(pattern=r"^\d{6}$")]] = Field(
        default_factory=list, max_length=1000
    )

    def to_cap(self) -> CapArea:
        rings = (tuple((lat, lon) for lon, lat in self.polygon),) if self.polygon else ()
        circles = (
            (CapCircle(self.circle.lat, self.circle.lon, self.circle.radius_m / 1000.0),)
            if self.circle
            else ()
        )
        return CapArea(
            area_desc="",
            polygons=rings,
            circles=circles,
            geocodes=tuple(NamedValue(GEOCODE_ADMIN, code) for code in self.admin_codes),
        )


class DraftIn(Strict):
    organisation_id: str
    template_id: str
    colour: Colour
    areas: list[AreaIn] = Field(min_length=1, max_length=100)
    area_names: dict[str, Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        description='The area\'s name per language, e.g. {"zh-CN": "福田区", "en": "Futian"}'
    )
    expires_at: datetime
    status: CapStatus = CapStatus.ACTUAL
    signal: str | None = Field(default=None, max_length=20)
    organisation_code: str = Field(default="000", pattern=r"^\d{3}$")

    @field_validator("expires_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("give an offset, e.g. 2026-07-01T18:00:00+08:00")
        return value


class NoteIn(Strict):
    note: str = Field(min_length=1, max_length=2000)


class UpdateIn(Strict):
    colour: Colour | None = None
    expires_at: datetime | None = None
    signal: str | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, max_length=2000)


class TextOut(BaseModel):
    language: str
    event: str
    headline: str
    description: str
    instruction: str
    area_desc: str


class AlertOut(BaseModel):
    id: str
    organisation_id: str
    identifier: str
    hazard: str
    colour: str
    status: str
    msg_type: str
    state: str
    signal: str | None
    texts: list[TextOut]
    expires_at: datetime
    created_by: str
    created_at: datetime
    submitted_by: str | None
    approved_by: str | None
    published_at: datetime | None
    references_alert_id: str | None
    template_id: str | None
    template_version: int | None
    note: str | None
    version: int

    @classmethod
    def of(cls, alert: PublicAlert, now: datetime) -> AlertOut:
        return cls(
            id=alert.id,
            organisation_id=alert.organisation_id,
            identifier=alert.identifier,
            hazard=alert.hazard,
            colour=alert.colour,
            status=alert.status,
            msg_type=alert.msg_type,
            state=alert.state_at(now),
            signal=alert.signal,
            texts=[_text(t) for t in alert.texts],
            expires_at=alert.expires_at,
            created_by=alert.created_by,
            created_at=alert.created_at,
            submitted_by=alert.submitted_by,
            approved_by=alert.approved_by,
            published_at=alert.published_at,
            references_alert_id=alert.references_alert_id,
            template_id=alert.template_id,
            template_version=alert.template_version,
            note=alert.note,
            version=alert.version,
        )


def _text(text: AlertText) -> TextOut:
    return TextOut(
        language=text.language,
        event=text.event,
        headline=text.headline,
        description=text.description,
        instruction=text.instruction,
        area_desc=text.area_desc,
    )


class AlertList(BaseModel):
    items: list[AlertOut]
    limit: int
    offset: int


class TemplateOut(BaseModel):
    id: str
    version: int
    hazard: str
    languages: list[str]


@router.get("/templates", summary="Alert templates per hazard")
def list_templates(actor: CurrentActor) -> list[TemplateOut]:
    return [
        TemplateOut(
            id=t.id, version=t.version, hazard=t.hazard, languages=[x.language for x in t.texts]
        )
        for t in TEMPLATES
    ]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Draft an alert from a template")
def draft(body: DraftIn, bus: BusDep, actor: CurrentActor, platform: PlatformDep) -> AlertOut:
    alert = bus.handle(
        DraftAlert(
            organisation_id=body.organisation_id,
            template_id=body.template_id,
            colour=body.colour,
            areas=tuple(a.to_cap() for a in body.areas),
            area_names=tuple(body.area_names.items()),
            expires_at=body.expires_at,
            status=body.status,
            signal=body.signal,
            organisation_code=body.organisation_code,
        ),
        actor,
    )
    return AlertOut.of(alert, platform.clock.now())


@router.get("", summary="Alerts in your scope, newest first")
def list_alerts(
    bus: BusDep,
    actor: CurrentActor,
    platform: PlatformDep,
    page: PageDep,
    state: Annotated[list[AlertState] | None, Query()] = None,
) -> AlertList:
    items = bus.handle(
        ListAlerts(states=tuple(state or ()), limit=page.limit, offset=page.offset), actor
    )
    now = platform.clock.now()
    return AlertList(
        items=[AlertOut.of(a, now) for a in items], limit=page.limit, offset=page.offset
    )


class DeadLetterOut(BaseModel):
    channel: str
    recipient_kind: str
    address: str = Field(description="Masked")
    attempts: int
    last_error: str


class DeliveryReportOut(BaseModel):
    alert_id: str
    by_channel: dict[str, dict[str, int]]
    by_recipient: dict[str, int] = Field(description="Messages per kind of recipient")
    queued: int
    sent: int
    failed: int = Field(description="Dead letters: gave up after the last attempt")
    withdrawn: int = Field(description="Not sent: the subscriber withdrew first")
    dead_letters: list[DeadLetterOut] = Field(description="The first 100 dead letters")


@router.get("/{alert_id}/deliveries", summary="Delivery report: queued, sent, failed, dead letters")
def delivery_report(alert_id: str, bus: BusDep, actor: CurrentActor) -> DeliveryReportOut:
    report: DeliveryReport = bus.handle(GetDeliveryReport(alert_id=alert_id), actor)
    return DeliveryReportOut(
        alert_id=report.alert_id,
        by_channel=report.by_channel,
        by_recipient=report.by_recipient,
        queued=report.total(DeliveryState.QUEUED),
        sent=report.total(DeliveryState.SENT),
        failed=report.total(DeliveryState.FAILED),
        withdrawn=report.total(DeliveryState.WITHDRAWN),
        dead_letters=[
            DeadLetterOut(
                channel=d.channel,
                recipient_kind=d.recipient_kind,
                address=d.address,
                attempts=d.attempts,
                last_error=d.last_error,
            )
            for d in report.dead_letters
        ],
    )


@router.get("/{alert_id}", summary="One alert")
def get_alert(alert_id: str, bus: BusDep, actor: CurrentActor, platform: PlatformDep) -> AlertOut:
    return AlertOut.of(bus.handle(GetAlert(alert_id=alert_id), actor), platform.clock.now())


@router.get(
    "/{alert_id}/cap",
    summary="The alert as a CAP 1.2 document",
    response_class=Response,
    responses={200: {"content": {CAP_MEDIA_TYPE: {}}}},
)
def get_alert_cap(alert_id: str, bus: BusDep, actor: CurrentActor) -> Response:
    document: bytes = bus.handle(GetAlertCap(alert_id=alert_id), actor)
    return Response(document, media_type=CAP_MEDIA_TYPE)


@router.post("/{alert_id}/submit", summary="Submit a draft for approval")
def submit(alert_id: str, bus: BusDep, actor: CurrentActor, platform: PlatformDep) -> AlertOut:
    return AlertOut.of(bus.handle(SubmitAlert(alert_id=alert_id), actor), platform.clock.now())


@router.post("/{alert_id}/reject", summary="Send a submitted alert back to draft")
def reject(
    alert_id: str, body: NoteIn, bus: BusDep, actor: CurrentActor, platform: PlatformDep
) -> AlertOut:
    alert = bus.handle(RejectAlert(alert_id=alert_id, note=body.note), actor)
    return AlertOut.of(alert, platform.clock.now())


@router.post("/{alert_id}/approve", summary="Approve (orange and red: not by the author)")
def approve(alert_id: str, bus: BusDep, actor: CurrentActor, platform: PlatformDep) -> AlertOut:
    return AlertOut.of(bus.handle(ApproveAlert(alert_id=alert_id), actor), platform.clock.now())


@router.post("/{alert_id}/publish", summary="Publish an approved alert")
def publish(alert_id: str, bus: BusDep, actor: CurrentActor, platform: PlatformDep) -> AlertOut:
    return AlertOut.of(bus.handle(PublishAlert(alert_id=alert_id), actor), platform.clock.now())


@router.post(
    "/{alert_id}/update",
    status_code=status.HTTP_201_CREATED,
    summary="Draft an Update of a published alert",
)
def update(
    alert_id: str, body: UpdateIn, bus: BusDep, actor: CurrentActor, platform: PlatformDep
) -> AlertOut:
    alert = bus.handle(
        UpdateAlert(
            alert_id=alert_id,
            colour=body.colour,
            expires_at=body.expires_at,
            signal=body.signal,
            note=body.note,
        ),
        actor,
    )
    return AlertOut.of(alert, platform.clock.now())


@router.post(
    "/{alert_id}/cancel",
    status_code=status.HTTP_201_CREATED,
    summary="Cancel a published alert (publishes a Cancel message)",
)
def cancel(
    alert_id: str, body: NoteIn, bus: BusDep, actor: CurrentActor, platform: PlatformDep
) -> AlertOut:
    alert = bus.handle(CancelAlert(alert_id=alert_id, note=body.note), actor)
    return AlertOut.of(alert, platform.clock.now())
