"""Seed data: the packaged Shenzhen files and the placeholder boundary generator."""

from __future__ import annotations

import pytest
from pyproj import Geod
from shapely.geometry import shape

from lifeline.kernel.geo import Point
from lifeline.registry import seed
from lifeline.registry.importers import parse_facilities_csv
from lifeline.registry.model import FacilityKind


@pytest.mark.parametrize(("area_km2", "sides"), [(78.66, 12), (397.0, 12), (1.2, 8)])
def test_regular_polygon_has_the_requested_area(area_km2: float, sides: int) -> None:
    center = Point(114.05, 22.54)
    polygon = seed.regular_polygon(center, area_km2, sides)
    ring = polygon.geojson["coordinates"][0]
    assert len(ring) == sides + 1
    lons, lats = zip(*ring, strict=True)
    geodesic_m2, _ = Geod(ellps="WGS84").polygon_area_perimeter(lons, lats)
    assert abs(geodesic_m2) / 1e6 == pytest.approx(area_km2, rel=0.01)
    assert polygon.contains(center)
    assert shape(polygon.geojson).centroid.distance(shape(center.to_geojson())) < 1e-4


def test_districts_match_the_2020_census_facts() -> None:
    districts = {d.name_en: d for d in seed.shenzhen_districts()}
    assert len(districts) == 10
    assert sum(d.population for d in districts.values()) == 17_494_398
    assert districts["Futian"].admin_code == "440304"
    assert districts["Dapeng"].admin_code is None
    assert districts["Longgang"].name == "龙岗区"
    assert districts["Nanshan"].area_km2 == 187.47
    assert districts["Bao'an"].centroid == Point(113.85, 22.65)


def test_packaged_facilities_parse_and_cover_every_kind() -> None:
    parsed = parse_facilities_csv(seed._read("shenzhen_facilities.csv"))
    assert parsed.problems == []
    assert {r.command.kind for r in parsed.rows} == set(FacilityKind)
    assert all(
        r.owner.split(":")[0] in {"department", "district", "park", "enterprise"}
        for r in parsed.rows
    )
