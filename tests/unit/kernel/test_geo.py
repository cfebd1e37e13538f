"""Geo value types validate coordinates and polygons and name the failing field."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.geo import Area, Circle, Point

SQUARE: dict[str, Any] = {
    "type": "Polygon",
    "coordinates": [[[114.0, 22.5], [114.1, 22.5], [114.1, 22.6], [114.0, 22.6], [114.0, 22.5]]],
}


@pytest.mark.parametrize(
    ("lon", "lat", "field"),
    [
        (181.0, 0.0, "lon"),
        (-180.5, 0.0, "lon"),
        (0.0, 90.1, "lat"),
        (0.0, -91.0, "lat"),
        (math.nan, 0.0, "lon"),
        (0.0, math.inf, "lat"),
    ],
)
def test_out_of_range_points_are_refused_naming_the_field(
    lon: float, lat: float, field: str
) -> None:
    with pytest.raises(InvalidInput) as exc:
        Point(lon, lat)
    assert exc.value.problems[0].field == field


def test_point_from_geojson_names_the_nested_field() -> None:
    with pytest.raises(InvalidInput) as exc:
        Point.from_geojson({"type": "Point", "coordinates": [200, 22]}, field="location")
    assert exc.value.problems[0].field == "location.coordinates.lon"


def test_point_rejects_booleans_and_strings() -> None:
    with pytest.raises(InvalidInput):
        Point(True, 22.0)
    with pytest.raises(InvalidInput):
        Point.from_geojson({"type": "Point", "coordinates": ["114", "22"]})


def test_haversine_distance_futian_to_luohu() -> None:
    futian, luohu = Point(114.055, 22.541), Point(114.131, 22.555)
    assert futian.distance_m(luohu) == pytest.approx(7_950, rel=0.01)


def test_valid_polygon_round_trips_and_contains_its_centroid() -> None:
    area = Area.from_geojson(SQUARE)
    assert area.to_geojson() == SQUARE
    assert area.contains(area.centroid())
    assert not area.contains(Point(113.0, 22.0))
    assert area.bbox() == (114.0, 22.5, 114.1, 22.6)


def test_self_intersecting_polygon_is_refused_with_the_reason() -> None:
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    with pytest.raises(InvalidInput) as exc:
        Area.from_geojson(bowtie, field="boundary")
    assert exc.value.problems[0].field == "boundary"
    assert "Self-intersection" in exc.value.problems[0].reason


@pytest.mark.parametrize(
    ("geometry", "field_part"),
    [
        ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 1]]]}, "[0]"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0.5]]]},
            "not closed",
        ),
        ({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, "type"),
        ({"type": "Polygon", "coordinates": []}, "coordinates"),
        ({"type": "Polygon", "coordinates": [[[0, 0], [0, 0], [0, 0], [0, 0]]]}, ""),
    ],
)
def test_malformed_polygons_are_refused(geometry: dict[str, Any], field_part: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        Area.from_geojson(geometry)
    assert field_part in str(exc.value)


def test_circle_needs_a_positive_radius_and_contains_by_distance() -> None:
    with pytest.raises(InvalidInput):
        Circle(Point(114.0, 22.5), 0)
    circle = Circle(Point(114.0, 22.5), 1_000)
    assert circle.contains(Point(114.005, 22.5))  # ~514 m east
    assert not circle.contains(Point(114.02, 22.5))  # ~2 km east


@given(
    a=st.tuples(st.floats(-180, 180), st.floats(-90, 90)),
    b=st.tuples(st.floats(-180, 180), st.floats(-90, 90)),
)
def test_distance_is_symmetric_and_bounded(a: tuple[float, float], b: tuple[float, float]) -> None:
    p, q = Point(*a), Point(*b)
    assert p.distance_m(q) == pytest.approx(q.distance_m(p), abs=1e-6)
    assert 0 <= p.distance_m(q) <= math.pi * 6_371_008.8 + 1
