"""Snapping points to the nearest node, with the distance and a refusal limit."""

from __future__ import annotations

import numpy as np
import pytest

from lifeline.geo.snapping import Snapper, as_points, haversine_pairs_m
from lifeline.geo.travel import OffNetwork
from lifeline.kernel.errors import InvalidInput

LON = np.array([114.00, 114.01, 114.02])
LAT = np.array([22.50, 22.50, 22.50])


def test_nearest_node_and_distance() -> None:
    snapper = Snapper(LON, LAT, max_m=500)
    points = as_points([(114.0101, 22.5), (114.0199, 22.5005)], "points")
    snapped = snapper.snap(points, "points")
    assert snapped.node.tolist() == [1, 2]
    expected = haversine_pairs_m(points[:, 0], points[:, 1], LON[[1, 2]], LAT[[1, 2]])
    assert snapped.distance_m == pytest.approx(expected)
    assert 10 < snapped.distance_m[0] < 11  # 0.0001° of longitude at 22.5° N ≈ 10.3 m


def test_points_beyond_the_limit_are_refused_naming_each_field() -> None:
    snapper = Snapper(LON, LAT, max_m=200)
    points = as_points([(114.01, 22.5), (114.3, 22.2), (114.0, 22.51)], "origins")
    with pytest.raises(OffNetwork) as caught:
        snapper.snap(points, "origins")
    fields = [p.field for p in caught.value.problems]
    assert fields == ["origins[1]", "origins[2]"]
    assert "at sea or outside the road network" in caught.value.problems[0].reason
    assert caught.value.problems[0].reason.startswith("(114.30000, 22.20000) is ")
    with pytest.raises(OffNetwork) as single:
        snapper.snap(points[1:2], "target", single=True)
    assert [p.field for p in single.value.problems] == ["target"]


@pytest.mark.parametrize(
    ("points", "field"),
    [
        ([(114.0, float("nan"))], "points[0]"),
        ([(114.0, 22.5), (200.0, 22.5)], "points[1]"),
        ([(1.0, 2.0, 3.0)], "points"),
        ("not points", "points"),
    ],
)
def test_bad_coordinates_name_the_field(points: object, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        as_points(points, "points")  # type: ignore[arg-type]
    assert caught.value.problems[0].field == field
