"""What lies inside an affected area: people (by area-weighted share of each area's
population, assuming people spread evenly within an area) and facilities."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import shapely
import shapely.geometry

METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True, slots=True)
class PeopleIn:
    area_id: str
    name: str
    population: int
    share: float  # fraction of the area inside the affected polygon


def _area_m2(shape: Any, lat0: float) -> float:
    k = METRES_PER_DEGREE**2 * math.cos(math.radians(lat0))
    return float(shape.area) * k


def people_inside(
    affected: Mapping[str, Any], areas: Sequence[tuple[str, str, int, Mapping[str, Any]]]
) -> list[PeopleIn]:
    """``areas`` are ``(id, name, population, boundary)``; shares by planar area near the
    equator-scaled latitude (adequate at city scale)."""
    poly = shapely.geometry.shape(dict(affected))
    out = []
    for area_id, name, population, boundary in areas:
        shape = shapely.geometry.shape(dict(boundary))
        if not shape.intersects(poly):
            continue
        lat0 = shape.centroid.y
        share = _area_m2(shape.intersection(poly), lat0) / max(_area_m2(shape, lat0), 1e-9)
        out.append(PeopleIn(area_id, name, round(population * share), round(share, 6)))
    out.sort(key=lambda p: -p.population)
    return out


def points_inside(affected: Mapping[str, Any], points: Sequence[tuple[float, float]]) -> list[bool]:
    poly = shapely.geometry.shape(dict(affected))
    return [bool(poly.covers(shapely.Point(lon, lat))) for lon, lat in points]


def area_km2(affected: Mapping[str, Any]) -> float:
    shape = shapely.geometry.shape(dict(affected))
    return _area_m2(shape, shape.centroid.y) / 1e6
