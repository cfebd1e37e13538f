"""Helpers shared by the alerts use cases: loading with authorisation, saving, CAP references."""

from __future__ import annotations

from lifeline.alerts.cap.model import CapAlert, CapReference
from lifeline.alerts.identifiers import BEIJING
from lifeline.alerts.model import ALERTS, SENDER, PublicAlert
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
    sent = (alert.published_at or ctx.uow.clock.now()).astimezone(BEIJING)
    references: tuple[CapReference, ...] = ()
    if alert.references_alert_id is not None:
        earlier = ctx.uow.repo(ALERTS).get(alert.references_alert_id)
        if earlier is not None and earlier.published_at is not None:
            references = (
                CapReference(SENDER, earlier.identifier, earlier.published_at.astimezone(BEIJING)),
            )
    return alert.to_cap(sent=sent, references=references)
