"""OSM tag rules: drivable classes, maxspeed, one-way streets and roundabouts."""

from __future__ import annotations

import pytest

from lifeline.geo.roadclass import (
    SPEED_KMH,
    Direction,
    direction,
    is_drivable,
    parse_maxspeed,
    speed_kmh,
)


@pytest.mark.parametrize(
    ("value", "kmh"),
    [
        ("50", 50.0),
        ("30 mph", 30 * 1.609344),
        ("40;50", 40.0),
        ("FI:urban", 50.0),
        ("DE:zone30", 30.0),
        ("walk", 7.0),
        ("none", None),
        ("signals", None),
        ("0", None),
        (None, None),
    ],
)
def test_maxspeed(value: str | None, kmh: float | None) -> None:
    assert parse_maxspeed(value) == (pytest.approx(kmh) if kmh else None)


def test_speed_falls_back_to_the_road_class() -> None:
    assert speed_kmh({"highway": "primary", "maxspeed": "70"}) == 70.0
    assert speed_kmh({"highway": "primary", "maxspeed": "signals"}) == SPEED_KMH["primary"]
    assert speed_kmh({"highway": "residential"}) == SPEED_KMH["residential"]


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"highway": "residential"}, Direction.BOTH),
        ({"highway": "residential", "oneway": "yes"}, Direction.FORWARD),
        ({"highway": "residential", "oneway": "-1"}, Direction.BACKWARD),
        ({"highway": "primary", "junction": "roundabout"}, Direction.FORWARD),
        ({"highway": "primary", "junction": "roundabout", "oneway": "no"}, Direction.BOTH),
        ({"highway": "motorway"}, Direction.FORWARD),
        ({"highway": "motorway", "oneway": "no"}, Direction.BOTH),
    ],
)
def test_direction(tags: dict[str, str], expected: Direction) -> None:
    assert direction(tags) is expected


def test_footways_and_areas_are_not_drivable() -> None:
    assert is_drivable({"highway": "service"})
    assert not is_drivable({"highway": "footway"})
    assert not is_drivable({"highway": "pedestrian"})
    assert not is_drivable({"highway": "service", "area": "yes"})
    assert not is_drivable({"building": "yes"})
