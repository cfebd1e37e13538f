"""Gap analysis against a hand-worked example."""

from __future__ import annotations

import numpy as np
import pytest

from lifeline.kernel.geo import EARTH_RADIUS_M
from lifeline.reserves.gaps import gap_analysis, haversine_m, travel_time_min


def test_one_tenth_of_a_degree_of_latitude_is_11_12_km_and_16_68_min_at_40_kmh() -> None:
    # 0.1° of a meridian = 0.1 · π/180 · R = 0.1 · 0.0174533 · 6,371,008.8 m = 11,119.5 m
    d = haversine_m(np.array([114.0]), np.array([22.5]), np.array([114.0]), np.array([22.6]))
    assert d[0, 0] == pytest.approx(0.1 * np.pi / 180 * EARTH_RADIUS_M)
    assert d[0, 0] == pytest.approx(11_119.5, abs=0.1)
    # 40 km/h = 666.67 m/min → 11,119.5 / 666.67 = 16.68 min
    assert travel_time_min(d, 40.0)[0, 0] == pytest.approx(16.679, abs=1e-3)


def test_hand_worked_gap_example() -> None:
    """Two materials, three depots.

    required: tents 100 (5 per 1,000 × 20,000 residents), water 1,000 L.
    on hand (own depots): tents 30, water 1,200.
    depots: A at 0 min (30 tents, 1,200 L), B at 16.7 min (50 tents), C at 33.4 min (100 tents).
    within 30 min: A + B → tents 80, water 1,200.
    shortage on hand: tents 70, water 0; shortage reachable: tents 20, water 0.
    """
    required = np.array([100.0, 1000.0])
    on_hand = np.array([30.0, 1200.0])
    stock = np.array([[30.0, 1200.0], [50.0, 0.0], [100.0, 0.0]])
    times = np.array([0.0, 16.68, 33.36])
    reachable, short_hand, short_reach = gap_analysis(required, on_hand, stock, times, 30.0)
    assert reachable.tolist() == [80.0, 1200.0]
    assert short_hand.tolist() == [70.0, 0.0]
    assert short_reach.tolist() == [20.0, 0.0]


def test_a_depot_exactly_at_the_limit_counts_and_speed_must_be_positive() -> None:
    reachable, _, _ = gap_analysis(
        np.array([1.0]), np.array([0.0]), np.array([[5.0]]), np.array([30.0]), 30.0
    )
    assert reachable.tolist() == [5.0]
    with pytest.raises(ValueError, match="speed_kmh"):
        travel_time_min(np.array([1.0]), 0.0)
