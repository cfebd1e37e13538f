"""Targeting recipients by polygon, circle and administrative code; backoff of the outbox."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lifeline.alerts.cap.model import CapArea, CapCircle, NamedValue
from lifeline.alerts.outbox import Backoff, Channel, idempotency_key
from lifeline.alerts.targeting import code_prefix, haversine_m, in_areas

RING = ((22.5, 114.0), (22.5, 114.1), (22.6, 114.1), (22.6, 114.0), (22.5, 114.0))


def test_polygon_circle_and_codes() -> None:
    lons = np.array([114.05, 114.2, np.nan, 114.3, np.nan])
    lats = np.array([22.55, 22.55, np.nan, 22.70, np.nan])
    codes = ["", "", "440304", "", ""]
    polygon = CapArea("p", polygons=(RING,))
    assert in_areas((polygon,), lons, lats, codes).tolist() == [True, False, False, False, False]
    circle = CapArea("c", circles=(CapCircle(22.70, 114.30, 1.0),))
    assert in_areas((circle,), lons, lats, codes).tolist() == [False, False, False, True, False]
    city = CapArea("sz", geocodes=(NamedValue("GB/T 2260", "440300"),))
    assert in_areas((city,), lons, lats, codes).tolist() == [False, False, True, False, False]


def test_code_prefix_widens_trailing_zero_pairs() -> None:
    assert code_prefix("440304") == "440304"
    assert code_prefix("440300") == "4403"
    assert code_prefix("440000") == "44"


@given(
    lat=st.floats(min_value=-60, max_value=60),
    lon=st.floats(min_value=-170, max_value=170),
    d_km=st.floats(min_value=0.01, max_value=50),
)
def test_circle_edge_follows_haversine(lat: float, lon: float, d_km: float) -> None:
    # a point due north at d_km: inside a circle slightly larger, outside one slightly smaller
    north = lat + d_km / 111.195
    dist = haversine_m(lon, lat, np.array([lon]), np.array([north]))[0]
    assert abs(dist - d_km * 1000) < 1.0
    inside = CapArea("c", circles=(CapCircle(lat, lon, d_km * 1.001),))
    outside = CapArea("c", circles=(CapCircle(lat, lon, d_km * 0.999),))
    assert in_areas((inside,), np.array([lon]), np.array([north]), [""])[0]
    assert not in_areas((outside,), np.array([lon]), np.array([north]), [""])[0]


@given(attempts=st.integers(min_value=1, max_value=30))
def test_backoff_doubles_and_is_capped(attempts: int) -> None:
    backoff = Backoff(base_s=30, max_s=3600, max_attempts=8)
    delay = backoff.delay(attempts)
    assert delay == timedelta(seconds=min(3600, 30 * 2 ** (attempts - 1)))
    assert backoff.delay(attempts + 1) >= delay


def test_idempotency_key_names_alert_recipient_and_channel() -> None:
    assert idempotency_key("a", "s", Channel.SMS) == "a:s:sms"
