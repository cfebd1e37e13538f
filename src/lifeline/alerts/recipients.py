"""Recipients besides subscribers: registry facilities inside an alert's areas and departments of
the area's organisations, turned into deliveries.

Every such recipient gets an in-app message addressed ``facility:<id>`` or ``department:<id>``
(its duty desk reads it in the app); one with a contact phone also gets an SMS. Facilities are
found by position, so an area given only as administrative codes reaches no facility; the
area's organisations are the issuing organisation with its ancestors and every organisation
whose administrative code falls under one of the alert's codes, and their departments are
their direct children of kind ``department``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from lifeline.alerts.cap.model import CapArea
from lifeline.alerts.outbox import Channel, Delivery, DeliveryState, RecipientKind, idempotency_key
from lifeline.alerts.targeting import code_prefix
from lifeline.kernel.geo import EARTH_RADIUS_M

CONTACT_LANGUAGE = "zh-CN"
_M_PER_DEG = math.pi * EARTH_RADIUS_M / 180.0


@dataclass(frozen=True, slots=True)
class Contact:
    """A facility or department to warn; ``phone`` is its contact's number, if any."""

    kind: RecipientKind
    id: str
    name: str
    phone: str | None = None


def area_bbox(areas: Iterable[CapArea]) -> tuple[float, float, float, float] | None:
    """``(min_lon, min_lat, max_lon, max_lat)`` around every polygon and circle, or None when
    the areas have no geometry (codes only). A circle's box: ±r/m_per_deg in latitude and
    ±r/(m_per_deg·cos φ) in longitude."""
    lons: list[float] = []
    lats: list[float] = []
    for area in areas:
        for ring in area.polygons:
            lats += [p[0] for p in ring]
            lons += [p[1] for p in ring]
        for c in area.circles:
            radius_m = c.radius_km * 1000.0
            dlat = radius_m / _M_PER_DEG
            dlon = radius_m / (_M_PER_DEG * max(math.cos(math.radians(c.lat)), 1e-6))
            lats += [c.lat - dlat, c.lat + dlat]
            lons += [c.lon - dlon, c.lon + dlon]
    if not lons:
        return None
    return (
        max(min(lons), -180.0),
        max(min(lats), -90.0),
        min(max(lons), 180.0),
        min(max(lats), 90.0),
    )


def alert_code_prefixes(areas: Iterable[CapArea]) -> tuple[str, ...]:
    """Prefixes of the alert's administrative codes (``440300`` → ``4403``)."""
    return tuple(
        code_prefix(g.value)
        for a in areas
        for g in a.geocodes
        if len(g.value) == 6 and g.value.isdigit()
    )


def ancestors_of(path: str) -> tuple[str, ...]:
    """Organisation ids on a materialised path ``/<root>/…/<own>/``, root first."""
    return tuple(part for part in path.split("/") if part)


def contact_deliveries(
    alert_id: str, contacts: Iterable[Contact], now: datetime, new_id: Callable[[], str]
) -> list[Delivery]:
    """An in-app delivery to each contact, and an SMS to each one with a phone (each contact
    once, however often it is listed)."""
    out: list[Delivery] = []
    seen: set[tuple[RecipientKind, str]] = set()
    for contact in contacts:
        if (contact.kind, contact.id) in seen:
            continue
        seen.add((contact.kind, contact.id))
        targets = [(Channel.IN_APP, f"{contact.kind.value}:{contact.id}")]
        if contact.phone:
            targets.append((Channel.SMS, contact.phone))
        for channel, address in targets:
            out.append(
                Delivery(
                    id=new_id(),
                    alert_id=alert_id,
                    subscription_id=contact.id,
                    channel=channel,
                    address=address,
                    language=CONTACT_LANGUAGE,
                    idempotency_key=idempotency_key(alert_id, contact.id, channel, contact.kind),
                    state=DeliveryState.QUEUED,
                    attempts=0,
                    next_attempt_at=now,
                    recipient_kind=contact.kind,
                )
            )
    return out
