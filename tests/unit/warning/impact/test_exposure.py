"""Buffers and what lies inside an affected area."""

from __future__ import annotations

import math

import pytest

from lifeline.warning.impact.buffers import buffer_radius_m, circle
from lifeline.warning.impact.exposure import area_km2, people_inside, points_inside

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[114.0, 22.5], [114.1, 22.5], [114.1, 22.6], [114.0, 22.6], [114.0, 22.5]]],
}


def test_circle_area_matches_pi_r_squared() -> None:
    assert area_km2(circle(114.05, 22.55, 1_000.0)) == pytest.approx(math.pi, rel=0.01)


def test_hazards_have_their_own_radius_and_a_default() -> None:
    assert buffer_radius_m("explosion") > buffer_radius_m("fire")
    assert buffer_radius_m("something new") == 300.0
    with pytest.raises(ValueError, match="radius"):
        circle(0, 0, 0)


def test_people_are_shared_by_the_fraction_of_the_area_covered() -> None:
    half = {
        "type": "Polygon",
        "coordinates": [
            [[114.0, 22.4], [114.05, 22.4], [114.05, 22.7], [114.0, 22.7], [114.0, 22.4]]
        ],
    }
    [inside] = people_inside(half, [("a", "A", 1_000_000, SQUARE)])
    assert inside.share == pytest.approx(0.5, abs=0.01)
    assert inside.population == pytest.approx(500_000, rel=0.02)
    assert people_inside(circle(113.0, 22.0, 100.0), [("a", "A", 1, SQUARE)]) == []


def test_points_inside() -> None:
    assert points_inside(SQUARE, [(114.05, 22.55), (113.0, 22.0)]) == [True, False]
