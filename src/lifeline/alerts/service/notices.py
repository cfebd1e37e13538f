"""Alarm notices: the alerts context's answer to early warning's ``notify`` escalation steps.

Subscribed on the outbox relay to ``AlarmEscalated``; each notify step becomes one
:class:`~lifeline.alerts.notices.AlarmNotice` and its deliveries (see that module for who is
told), queued on the delivery outbox in the relay's unit of work with ``AlarmNoticeQueued``.
Recipients are read through the registry's and security's published ports, never their tables.
"""

from __future__ import annotations

from lifeline.alerts.events import AlarmNoticeQueued
from lifeline.alerts.notices import NOTICES, AlarmNotice, notice_deliveries
from lifeline.alerts.outbox import OUTBOX, RecipientKind
from lifeline.alerts.recipients import Contact
from lifeline.alerts.service.recipients import every_page
from lifeline.kernel.access import AccessDecision, Outcome
from lifeline.kernel.events import StoredEvent
from lifeline.kernel.ids import new_id
from lifeline.kernel.outbox import Subscription
from lifeline.kernel.uow import SqlUnitOfWork
from lifeline.registry.model import REGISTRY, OrgFilter, OrgKind
from lifeline.security.model import ORG_PATHS, SECURITY, Permission

ALARM_NOTICES = "alerts.alarm-notices"


def _role_holders(uow: SqlUnitOfWork, path: str, role: str) -> list[Contact]:
    """Active users holding ``role`` in the organisations under ``path``."""
    registry, security = uow.repo(REGISTRY), uow.repo(SECURITY)
    orgs = every_page(
        lambda limit, offset: registry.list_organisations(
            OrgFilter(scope_paths=(path,)), limit, offset
        )
    )
    ids = [o.id for o in orgs]
    users = every_page(lambda limit, offset: security.list_users(ids, limit, offset)) if ids else []
    return [
        Contact(RecipientKind.USER, u.id, u.display_name, u.phone)
        for u in users
        if u.active and role in {r.value for r in u.roles}
    ]


def _departments(uow: SqlUnitOfWork, organisation_id: str) -> list[Contact]:
    registry = uow.repo(REGISTRY)
    found = every_page(
        lambda limit, offset: registry.list_organisations(
            OrgFilter(scope_paths=("/",), kind=OrgKind.DEPARTMENT, parent_id=organisation_id),
            limit,
            offset,
        )
    )
    return [Contact(RecipientKind.DEPARTMENT, d.id, d.name, d.contact_phone) for d in found]


def on_alarm_escalated(event: StoredEvent, uow: SqlUnitOfWork) -> None:
    """Queue the deliveries of a ``notify`` step (other steps tell nobody)."""
    p = event.payload
    if p.get("step_type") != "notify":
        return
    alarm_org = str(event.organisation_id or "")
    target = str(p.get("target_organisation_id") or alarm_org)
    path = uow.repo(ORG_PATHS).path_of(target)
    role = p.get("role")
    now = uow.clock.now()
    notice = AlarmNotice(
        id=new_id(),
        alarm_id=event.aggregate_id,
        event_id=event.id,
        organisation_id=alarm_org,
        target_organisation_id=target,
        role=str(role) if role else None,
        step=int(p.get("step", 0)),
        title=str(p.get("title") or "")[:300],
        hazard=str(p.get("hazard") or ""),
        level=str(p.get("alarm_level") or ""),
        rank=int(p.get("alarm_rank") or 0),
        source_id=str(p.get("source_id") or ""),
        exercise=bool(p.get("exercise", False)),
        created_at=now,
    )
    if not uow.repo(NOTICES).add(notice):
        return  # handed again after a crash: already queued
    users = _role_holders(uow, path, notice.role) if path and notice.role else []
    departments = _departments(uow, target) if path and not notice.role else []
    deliveries = notice_deliveries(notice, [*users, *departments], now, new_id)
    uow.repo(OUTBOX).enqueue(deliveries)
    if any(c.phone for c in [*users, *departments]) and not notice.exercise:
        uow.log_access(
            AccessDecision(
                at=now,
                actor_id="system",
                actor_organisation_id=None,
                action="DeliverAlarmNotice",
                permission=Permission.PERSONAL_READ,
                outcome=Outcome.ALLOWED,
                reason="holders of the role an escalation step names receive its notice",
                target_kind="alarm",
                target_id=notice.alarm_id,
                target_path=path or "/",
                personal_fields=("phone",),
            )
        )
    uow.record(
        AlarmNoticeQueued(
            aggregate_id=notice.id,
            organisation_id=alarm_org or None,
            alarm_id=notice.alarm_id,
            target_organisation_id=target,
            role=notice.role,
            users=len(users),
            departments=len(departments),
            deliveries=len(deliveries),
        )
    )


def subscriptions() -> tuple[Subscription, ...]:
    """The relay subscriptions of the alerts context."""
    return (Subscription(ALARM_NOTICES, on_alarm_escalated, frozenset({"AlarmEscalated"})),)
