"""Chinese map coordinate systems convert to WGS84 within published tolerances."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifeline.kernel.coords import CoordinateSystem, from_wgs84, to_wgs84
from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.geo import Point

# Published vector (Shenzhen): WGS84 22.543847,113.912316 <-> GCJ-02 22.540796,113.917176
WGS = Point(113.912316, 22.543847)
GCJ = (113.917176, 22.540796)


def test_wgs84_to_gcj02_matches_the_published_vector() -> None:
    lon, lat = from_wgs84(WGS, CoordinateSystem.GCJ02)
    assert lon == pytest.approx(GCJ[0], abs=1e-6)
    assert lat == pytest.approx(GCJ[1], abs=1e-6)


def test_gcj02_to_wgs84_matches_the_published_vector_within_a_metre() -> None:
    back = to_wgs84(GCJ[0], GCJ[1], CoordinateSystem.GCJ02)
    assert back.distance_m(WGS) < 1.0


def test_bd09_round_trip_through_baidu_offset() -> None:
    bd_lon, bd_lat = from_wgs84(WGS, CoordinateSystem.BD09)
    # BD-09 adds a further ~0.006° offset on top of GCJ-02 around Shenzhen
    assert bd_lon - GCJ[0] == pytest.approx(0.0065, abs=0.001)
    back = to_wgs84(bd_lon, bd_lat, CoordinateSystem.BD09)
    assert back.distance_m(WGS) < 0.5


def test_wgs84_passes_through_unchanged() -> None:
    assert to_wgs84(113.9, 22.5, "WGS84") == Point(113.9, 22.5)


def test_epsg_projected_coordinates_convert_with_pyproj() -> None:
    # UTM zone 50N (EPSG:32650) easting/northing of the published WGS84 point
    import pyproj

    fwd = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:32650", always_xy=True)
    x, y = fwd.transform(WGS.lon, WGS.lat)
    back = to_wgs84(x, y, "EPSG:32650")
    assert back.distance_m(WGS) < 0.01


def test_unknown_system_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput) as exc:
        to_wgs84(113.9, 22.5, "MARS-99")
    assert exc.value.problems[0].field == "coordinate_system"


@given(
    lon=st.floats(min_value=73.7, max_value=134.7),
    lat=st.floats(min_value=18.2, max_value=53.5),
)
def test_gcj02_inverse_is_sub_metre_everywhere_in_china(lon: float, lat: float) -> None:
    original = Point(lon, lat)
    g_lon, g_lat = from_wgs84(original, CoordinateSystem.GCJ02)
    assert to_wgs84(g_lon, g_lat, CoordinateSystem.GCJ02).distance_m(original) < 1.0
