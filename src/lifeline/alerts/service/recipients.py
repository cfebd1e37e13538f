"""Facilities and departments as recipients, read from the registry's published port
(``registry.model.REGISTRY``) in the publishing transaction, never from its tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np

from lifeline.alerts.model import PublicAlert
from lifeline.alerts.outbox import RecipientKind
from lifeline.alerts.recipients import Contact, alert_code_prefixes, ancestors_of, area_bbox
from lifeline.alerts.targeting import in_areas
from lifeline.kernel.access import AccessDecision, Outcome
from lifeline.kernel.bus import HandlerContext
from lifeline.registry.model import REGISTRY, FacilityFilter, OrgFilter, OrgKind
from lifeline.security.model import ORG_PATHS, Permission

T = TypeVar("T")
PAGE = 500
EVERYWHERE = ("/",)


def every_page(page: Callable[[int, int], tuple[list[T], int]]) -> list[T]:
    out: list[T] = []
    while True:
        items, total = page(PAGE, len(out))
        out += items
        if not items or len(out) >= total:
            return out


def registry_contacts(ctx: HandlerContext, alert: PublicAlert) -> list[Contact]:
    """Facilities inside the alert's polygons and circles, then the departments of the area's
    organisations (see :mod:`lifeline.alerts.recipients`)."""
    registry = ctx.uow.repo(REGISTRY)
    contacts: list[Contact] = []
    bbox = area_bbox(alert.areas)
    if bbox is not None:
        where = FacilityFilter(scope_paths=EVERYWHERE, bbox=bbox)
        found = every_page(lambda limit, offset: registry.list_facilities(where, limit, offset))
        if found:
            lons = np.array([f.location.lon for f in found], dtype=np.float64)
            lats = np.array([f.location.lat for f in found], dtype=np.float64)
            hits = in_areas(alert.areas, lons, lats, [""] * len(found))
            contacts += [
                Contact(RecipientKind.FACILITY, f.id, f.name, f.contact_phone)
                for f, hit in zip(found, hits, strict=True)
                if hit
            ]
    path = ctx.uow.repo(ORG_PATHS).path_of(alert.organisation_id) or alert.organisation_path
    area_orgs = set(ancestors_of(path))
    prefixes = alert_code_prefixes(alert.areas)
    departments = every_page(
        lambda limit, offset: registry.list_organisations(
            OrgFilter(scope_paths=EVERYWHERE, kind=OrgKind.DEPARTMENT), limit, offset
        )
    )
    if prefixes:
        for parent_id in {d.parent_id for d in departments if d.parent_id} - area_orgs:
            parent = registry.get_organisation(parent_id)
            if parent and parent.admin_code and parent.admin_code.startswith(prefixes):
                area_orgs.add(parent_id)
    contacts += [
        Contact(RecipientKind.DEPARTMENT, d.id, d.name, d.contact_phone)
        for d in departments
        if d.parent_id in area_orgs
    ]
    if any(c.phone for c in contacts):  # personal data read for delivery: logged
        ctx.uow.log_access(
            AccessDecision(
                at=ctx.uow.clock.now(),
                actor_id=ctx.actor.ref,
                actor_organisation_id=ctx.actor.organisation_id,
                action="DeliverAlertToContacts",
                permission=Permission.PERSONAL_READ,
                outcome=Outcome.ALLOWED,
                reason="contacts in a public warning's area receive it",
                target_kind="alert",
                target_id=alert.id,
                target_path=path,
                personal_fields=("contact_phone",),
            )
        )
    return contacts
