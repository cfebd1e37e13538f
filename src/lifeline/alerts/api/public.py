"""Public routes (no sign-in): Atom/CAP feed, bilingual page, subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from lifeline.alerts.api._common import CAP_MEDIA_TYPE, Strict
from lifeline.alerts.links import UNSUBSCRIBE_PATH
from lifeline.alerts.messages import (
    PUBLIC_ALERT_READ,
    PUBLIC_SUBSCRIBE,
    CheckUnsubscribeToken,
    GetPublicAlertCap,
    ListPublicAlerts,
    Subscribe,
    Unsubscribe,
)
from lifeline.alerts.outbox import Channel
from lifeline.alerts.public import (
    render_atom,
    render_link_problem,
    render_page,
    render_unsubscribe_confirm,
    render_unsubscribed,
)
from lifeline.alerts.service import UnsubscribeView
from lifeline.alerts.service.outbox import SubscriptionReceipt
from lifeline.api.deps import BusDep, PlatformDep
from lifeline.kernel.access import Actor, ActorKind
from lifeline.kernel.errors import InvalidInput, NotFound

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
    unsubscribe_url: str = Field(description="Signed one-click link that withdraws it")


@router.post(
    "/subscriptions", status_code=status.HTTP_201_CREATED, summary="Subscribe, with consent"
)
def public_subscribe(body: SubscribeIn, bus: BusDep) -> SubscribedOut:
    receipt: SubscriptionReceipt = bus.handle(
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
    sub = receipt.subscription
    return SubscribedOut(
        id=sub.id,
        channel=sub.channel,
        consented_at=sub.consented_at,
        unsubscribe_url=receipt.unsubscribe_url,
    )


TokenParam = Annotated[
    str, Query(min_length=1, max_length=200, description="The token of a signed unsubscribe link")
]


@router.get(
    "/unsubscribe",
    summary="Confirmation page of a one-click unsubscribe link (withdraws nothing by itself)",
    response_class=HTMLResponse,
)
def unsubscribe_page(token: TokenParam, request: Request, bus: BusDep) -> HTMLResponse:
    try:
        view: UnsubscribeView = bus.handle(CheckUnsubscribeToken(token=token), PUBLIC_READER)
    except InvalidInput as exc:
        reason = exc.problems[0].reason
        return HTMLResponse(render_link_problem("此退订链接无效或已被改动。", reason), 400)
    except NotFound:
        return HTMLResponse(
            render_link_problem("找不到此链接对应的订阅。", "No subscription has this link."), 404
        )
    if not view.active:
        return HTMLResponse(
            render_unsubscribed(channel=view.channel.value, masked_address=view.masked_address)
        )
    action = f"{UNSUBSCRIBE_PATH}?{request.url.query}"
    return HTMLResponse(
        render_unsubscribe_confirm(
            action_url=action, channel=view.channel.value, masked_address=view.masked_address
        )
    )


@router.post(
    "/unsubscribe",
    summary="Withdraw a subscription (RFC 8058 one-click: body List-Unsubscribe=One-Click)",
    response_class=HTMLResponse,
    responses={422: {"description": "The token is malformed or its signature does not match"}},
)
def unsubscribe_now(token: TokenParam, bus: BusDep) -> HTMLResponse:
    view: UnsubscribeView = bus.handle(Unsubscribe(token=token), PUBLIC_READER)
    return HTMLResponse(
        render_unsubscribed(channel=view.channel.value, masked_address=view.masked_address)
    )
