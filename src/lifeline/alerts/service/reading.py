"""Reading alerts: one, its CAP document, or a scoped list."""

from __future__ import annotations

from lifeline.alerts.cap import produce
from lifeline.alerts.cap.model import CapStatus
from lifeline.alerts.messages import (
    GetAlert,
    GetAlertCap,
    GetPublicAlertCap,
    ListAlerts,
    ListPublicAlerts,
)
from lifeline.alerts.model import ALERTS, PublicAlert
from lifeline.alerts.service._common import cap_of, load
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import NotFound


def get_alert(query: GetAlert, ctx: HandlerContext) -> PublicAlert:
    return load(ctx, query.alert_id)


def get_alert_cap(query: GetAlertCap, ctx: HandlerContext) -> bytes:
    return produce(cap_of(ctx, load(ctx, query.alert_id)))


def list_alerts(query: ListAlerts, ctx: HandlerContext) -> list[PublicAlert]:
    if not ctx.scope_paths:
        return []
    scope = ctx.scope_paths[0]
    ctx.authorize(target_kind="alert-collection", target_id="", target_path=scope)
    return ctx.uow.repo(ALERTS).list_alerts(
        scope_paths=ctx.scope_paths, states=query.states, limit=query.limit, offset=query.offset
    )


def list_public_alerts(query: ListPublicAlerts, ctx: HandlerContext) -> list[PublicAlert]:
    ctx.authorize(target_kind="public-alerts", target_id="", target_path="/")
    now = ctx.uow.clock.now()
    return [a for a in ctx.uow.repo(ALERTS).published(status=CapStatus.ACTUAL) if a.is_public(now)]


def get_public_alert_cap(query: GetPublicAlertCap, ctx: HandlerContext) -> bytes:
    ctx.authorize(target_kind="public-alerts", target_id=query.identifier, target_path="/")
    now = ctx.uow.clock.now()
    alert = ctx.uow.repo(ALERTS).by_identifier(query.identifier)
    if alert is None or not alert.is_public(now):
        raise NotFound("alert", query.identifier)
    return produce(cap_of(ctx, alert))
