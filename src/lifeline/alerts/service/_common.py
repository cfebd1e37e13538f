"""Helpers shared by the alerts use cases: loading with authorisation, saving, CAP references."""

from __future__ import annotations

from lifeline.alerts.cap.model import CapAlert
from lifeline.alerts.model import ALERTS, PublicAlert, cap_with_references
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, NotFound
from lifeline.security.model import ORG_PATHS


def load(ctx: HandlerContext, alert_id: str) -> PublicAlert:
    """The alert, after checking the caller may act on its organisation (404 otherwise)."""
    alert = ctx.uow.repo(ALERTS).get(alert_id)
    if alert is None:
        raise NotFound("alert", alert_id)
    path = ctx.uow.repo(ORG_PATHS).path_of(alert.organisation_id) or alert.organisation_path
    ctx.authorize(target_kind="alert", target_id=alert.id, target_path=path)
    return alert


def save(ctx: HandlerContext, before: PublicAlert, after: PublicAlert) -> None:
    if not ctx.uow.repo(ALERTS).update(after, expected_version=before.version):
        raise Conflict(f"alert {before.id} was changed by someone else; reload and retry")


def cap_of(ctx: HandlerContext, alert: PublicAlert) -> CapAlert:
    """The CAP message; ``sent`` is the publication time (now, for an unpublished preview)."""
    sent = alert.published_at or ctx.uow.clock.now()
    return cap_with_references(ctx.uow.repo(ALERTS), alert, sent)
