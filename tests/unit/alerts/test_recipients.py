"""Facilities and departments as recipients: bounding boxes, code prefixes, deliveries."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import numpy as np
import pytest

from lifeline.alerts.cap.model import CapArea, CapCircle, NamedValue
from lifeline.alerts.outbox import Channel, RecipientKind
from lifeline.alerts.recipients import (
    Contact,
    alert_code_prefixes,
    ancestors_of,
    area_bbox,
    contact_deliveries,
)
from lifeline.alerts.targeting import haversine_m

NOW = datetime(2026, 7, 1, tzinfo=UTC)


def test_the_box_holds_every_polygon_point_and_circle() -> None:
    ring = ((22.5, 114.0), (22.5, 114.1), (22.6, 114.1), (22.5, 114.0))
    circle = CapCircle(lat=22.7, lon=114.3, radius_km=2.0)
    box = area_bbox([CapArea("a", polygons=(ring,)), CapArea("b", circles=(circle,))])
    assert box is not None
    min_lon, min_lat, max_lon, max_lat = box
    assert (min_lon, min_lat) == (114.0, 22.5)
    # the circle's box edges lie one radius from its centre
    north, east = haversine_m(
        circle.lon, circle.lat, np.array([circle.lon, max_lon]), np.array([max_lat, circle.lat])
    )
    assert float(north) == pytest.approx(2000.0, rel=1e-3)
    assert float(east) == pytest.approx(2000.0, rel=1e-3)


def test_codes_only_have_no_box_and_give_prefixes() -> None:
    areas = [CapArea("c", geocodes=(NamedValue("GB/T 2260", "440300"), NamedValue("x", "abc")))]
    assert area_bbox(areas) is None
    assert alert_code_prefixes(areas) == ("4403",)


def test_ancestors_come_from_the_path() -> None:
    assert ancestors_of("/city/district/park/") == ("city", "district", "park")


def test_each_contact_gets_in_app_and_sms_only_with_a_phone_once() -> None:
    counter = itertools.count()
    contacts = [
        Contact(RecipientKind.FACILITY, "f1", "Shelter", "13800000001"),
        Contact(RecipientKind.DEPARTMENT, "d1", "Bureau"),
        Contact(RecipientKind.FACILITY, "f1", "Shelter", "13800000001"),  # listed twice
    ]
    out = contact_deliveries("a1", contacts, NOW, lambda: f"id-{next(counter)}")
    assert [(d.channel, d.address, d.recipient_kind) for d in out] == [
        (Channel.IN_APP, "facility:f1", RecipientKind.FACILITY),
        (Channel.SMS, "13800000001", RecipientKind.FACILITY),
        (Channel.IN_APP, "department:d1", RecipientKind.DEPARTMENT),
    ]
    assert [d.idempotency_key for d in out] == [
        "a1:facility/f1:in_app",
        "a1:facility/f1:sms",
        "a1:department/d1:in_app",
    ]
    assert len({d.id for d in out}) == 3
    assert all(d.next_attempt_at == NOW for d in out)
