"""Public routes (no sign-in): Atom/CAP feed, bilingual page, subscriptions."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from lifeline.alerts.api._common import CAP_MEDIA_TYPE, Strict
from lifeline.alerts.messages import (
    PUBLIC_ALERT_READ,
    PUBLIC_SUBSCRIBE,
    GetPublicAlertCap,
    ListPublicAlerts,
    Subscribe,
)
from lifeline.alerts.outbox import Channel
from lifeline.alerts.public import render_atom, render_page
from lifeline.api.deps import BusDep, PlatformDep
from lifeline.kernel.access import Actor, ActorKind

router = APIRouter(prefix="/public", tags=["public"])
PUBLIC_READER = Actor(
    id="anonymous",
    kind=ActorKind.PUBLIC,
    organisation_id=None,
    permissions=frozenset({PUBLIC_ALERT_READ, PUBLIC_SUBSCRIBE}),
    scope_paths=("/",),
    name="the public",
)


@router.get(
    "/alerts.atom",
    summary="Atom feed of active public warnings, each linking to its CAP 1.2 document",
    response_class=Response,
    responses={200: {"content": {"application/atom+xml": {}}}},
)
def public_feed(request: Request, bus: BusDep, platform: PlatformDep) -> Response:
    alerts = bus.handle(ListPublicAlerts(), PUBLIC_READER)
    base = str(request.base_url).rstrip("/")
    body = render_atom(alerts, base_url=base, now=platform.clock.now())
    return Response(body, media_type="application/atom+xml")


@router.get(
    "/alerts/{identifier}.xml",
    summary="The CAP 1.2 document of an active public warning",
    response_class=Response,
    responses={200: {"content": {CAP_MEDIA_TYPE: {}}}},
)
def public_cap(identifier: str, bus: BusDep) -> Response:
    document: bytes = bus.handle(GetPublicAlertCap(identifier=identifier), PUBLIC_READER)
    return Response(document, media_type=CAP_MEDIA_TYPE)


@router.get(
    "/warnings", summary="Bilingual page of active public warnings", response_class=HTMLResponse
)
def public_page(bus: BusDep, platform: PlatformDep) -> HTMLResponse:
    alerts = bus.handle(ListPublicAlerts(), PUBLIC_READER)
    return HTMLResponse(render_page(alerts, now=platform.clock.now()))


class SubscribeIn(Strict):
    channel: Channel
    address: str = Field(min_length=3, max_length=500)
    language: str = "zh-CN"
    consent: bool = Field(description="You agree to receive public warnings on this address")
    lon: float | None = Field(default=None, ge=-180, le=180)
    lat: float | None = Field(default=None, ge=-90, le=90)
    admin_code: str | None = Field(default=None, pattern=r"^\d{6}$")
    hazards: list[str] = Field(default_factory=list, max_length=10)


class SubscribedOut(BaseModel):
    id: str
    channel: str
    consented_at: datetime


@router.post(
    "/subscriptions", status_code=status.HTTP_201_CREATED, summary="Subscribe, with consent"
)
def public_subscribe(body: SubscribeIn, bus: BusDep) -> SubscribedOut:
    sub = bus.handle(
        Subscribe(
            channel=body.channel,
            address=body.address,
            language=body.language,
            consent=body.consent,
            lon=body.lon,
            lat=body.lat,
            admin_code=body.admin_code,
            hazards=tuple(body.hazards),
        ),
        PUBLIC_READER,
    )
    return SubscribedOut(id=sub.id, channel=sub.channel, consented_at=sub.consented_at)
