"""Gap analysis against a hand-worked example."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from lifeline.kernel.geo import EARTH_RADIUS_M, Point
from lifeline.reserves.gaps import (
    agreed_within,
    gap_analysis,
    haversine_m,
    shortage_severity,
    travel_time_min,
)
from lifeline.reserves.model import Hazard, ReserveStandard, RiskLevel, StandardLine


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


def test_agreements_count_only_when_lead_time_plus_travel_fits_the_budget() -> None:
    """Three agreements for tents (material 0) and water (1), budget 30 min:
    X: 40 tents, lead 10 + travel 16.68 = 26.68 → counts;
    Y: 60 tents, lead 20 + travel 16.68 = 36.68 → does not;
    Z: 500 L water, lead 30 + travel 0 = 30 → counts (the bound is included)."""
    qty = np.array([[40.0, 0.0], [60.0, 0.0], [0.0, 500.0]])
    agreed = agreed_within(
        qty, np.array([10.0, 20.0, 30.0]), np.array([16.68, 16.68, 0.0]), within_min=30.0
    )
    assert agreed.tolist() == [40.0, 500.0]


def test_a_risk_multiplier_scales_every_line_of_a_standard() -> None:
    line = StandardLine("tent", per_1000_residents=5, per_facility=2, fixed_quantity=10)
    standard = ReserveStandard(
        id="s", name="s", organisation_id="o", path="/o/", area_name="park",
        center=Point(114.0, 22.6), population=20_000, facilities=5, hazard=Hazard.SEISMIC,
        lines=(line,), created_at=datetime(2026, 1, 1, tzinfo=UTC),
        risk_level=RiskLevel.HIGH, risk_multiplier=1.5,
    )  # fmt: skip
    # base: 5 · 20 + 2 · 5 + 10 = 120; high risk × 1.5 = 180
    assert line.required(20_000, 5) == 120
    assert standard.required(line) == 180


@pytest.mark.parametrize(
    ("required", "reachable", "agreed", "severity"),
    [
        (100, 100, 0, None),  # covered by stock
        (0, 0, 0, None),  # nothing required
        (100, 30, 10, "critical"),  # 40 % of the need
        (100, 30, 20, "warning"),  # exactly half: not critical
        (100, 60, 0, "warning"),
        (100, 60, 40, "covered"),  # agreements make up the rest
    ],
)
def test_shortage_severity(required: float, reachable: float, agreed: float, severity: str) -> None:
    assert shortage_severity(required, reachable, agreed) == severity
