"""Geo value types in WGS84: points as ``(lon, lat)``, GeoJSON polygons and circles.

Every coordinate inside Lifeline is WGS84 longitude/latitude in degrees (RFC 7946 order);
other systems are converted at the edge (see :mod:`lifeline.kernel.coords`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import shapely
import shapely.geometry
import shapely.validation

from lifeline.kernel.errors import FieldProblem, InvalidInput

EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (IUGG), metres
MAX_VERTICES = 100_000


def _check_finite(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInput(field, "must be a number")
    number = float(value)
    if not math.isfinite(number):
        raise InvalidInput(field, "must be a finite number")
    return number


@dataclass(frozen=True, slots=True)
class Point:
    """A WGS84 position: ``lon`` in [-180, 180] and ``lat`` in [-90, 90] degrees."""

    lon: float
    lat: float

    def __post_init__(self) -> None:
        lon = _check_finite(self.lon, "lon")
        lat = _check_finite(self.lat, "lat")
        if not -180.0 <= lon <= 180.0:
            raise InvalidInput("lon", f"longitude {lon} is outside [-180, 180]")
        if not -90.0 <= lat <= 90.0:
            raise InvalidInput("lat", f"latitude {lat} is outside [-90, 90]")

    def to_geojson(self) -> dict[str, Any]:
        return {"type": "Point", "coordinates": [self.lon, self.lat]}

    @classmethod
    def from_geojson(cls, obj: Mapping[str, Any], field: str = "geometry") -> Point:
        if obj.get("type") != "Point":
            raise InvalidInput(f"{field}.type", "must be 'Point'")
        coords = obj.get("coordinates")
        if not isinstance(coords, Sequence) or isinstance(coords, str) or len(coords) not in (2, 3):
            raise InvalidInput(f"{field}.coordinates", "must be [lon, lat]")
        return _point(coords[0], coords[1], f"{field}.coordinates")

    def distance_m(self, other: Point) -> float:
        """Great-circle (haversine) distance in metres on a sphere of radius EARTH_RADIUS_M."""
        phi1, phi2 = math.radians(self.lat), math.radians(other.lat)
        dphi = phi2 - phi1
        dlmb = math.radians(other.lon - self.lon)
        h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
        return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def _point(lon: object, lat: object, field: str) -> Point:
    try:
        return Point(lon, lat)  # type: ignore[arg-type]
    except InvalidInput as exc:
        raise InvalidInput(
            [FieldProblem(f"{field}.{p.field}", p.reason) for p in exc.problems]
        ) from exc


@dataclass(frozen=True, slots=True)
class Circle:
    """A circle given by a centre and a radius in metres (CAP and rules use these)."""

    center: Point
    radius_m: float

    def __post_init__(self) -> None:
        radius = _check_finite(self.radius_m, "radius_m")
        if radius <= 0:
            raise InvalidInput("radius_m", "must be greater than 0")

    def contains(self, point: Point) -> bool:
        return self.center.distance_m(point) <= self.radius_m

    def to_json(self) -> dict[str, Any]:
        return {
            "type": "Circle",
            "center": [self.center.lon, self.center.lat],
            "radius_m": self.radius_m,
        }


def _linear_ring(ring: object, field: str) -> list[list[float]]:
    """Validate one closed ring of at least 4 ``[lon, lat]`` positions."""
    if not isinstance(ring, list) or len(ring) < 4:
        raise InvalidInput(field, "a linear ring needs at least 4 positions")
    if len(ring) > MAX_VERTICES:
        raise InvalidInput(field, f"more than {MAX_VERTICES} vertices")
    clean = []
    for vi, pos in enumerate(ring):
        if not isinstance(pos, list | tuple) or len(pos) not in (2, 3):
            raise InvalidInput(f"{field}[{vi}]", "must be [lon, lat]")
        p = _point(pos[0], pos[1], f"{field}[{vi}]")
        clean.append([p.lon, p.lat])
    if clean[0] != clean[-1]:
        raise InvalidInput(field, "linear ring is not closed (first != last)")
    return clean


@dataclass(frozen=True, slots=True)
class Area:
    """A valid GeoJSON Polygon or MultiPolygon in WGS84.

    Construct with :meth:`from_geojson`, which validates ring closure, vertex count, coordinate
    ranges and topology (no self-intersections), naming the reason when it refuses.
    """

    geojson: Mapping[str, Any]

    @classmethod
    def from_geojson(cls, obj: object, field: str = "geometry") -> Area:
        if not isinstance(obj, Mapping):
            raise InvalidInput(field, "must be a GeoJSON object")
        kind = obj.get("type")
        if kind not in ("Polygon", "MultiPolygon"):
            raise InvalidInput(f"{field}.type", "must be 'Polygon' or 'MultiPolygon'")
        coords = obj.get("coordinates")
        polygons = [coords] if kind == "Polygon" else coords
        if not isinstance(polygons, list) or not polygons:
            raise InvalidInput(f"{field}.coordinates", "must be a non-empty array")
        count = 0
        clean_polys: list[list[list[list[float]]]] = []
        for pi, rings in enumerate(polygons):
            pfield = f"{field}.coordinates" if kind == "Polygon" else f"{field}.coordinates[{pi}]"
            if not isinstance(rings, list) or not rings:
                raise InvalidInput(pfield, "a polygon needs at least one linear ring")
            clean_rings = []
            for ri, ring in enumerate(rings):
                clean = _linear_ring(ring, f"{pfield}[{ri}]")
                count += len(clean)
                if count > MAX_VERTICES:
                    raise InvalidInput(field, f"more than {MAX_VERTICES} vertices")
                clean_rings.append(clean)
            clean_polys.append(clean_rings)
        normalised: dict[str, Any] = (
            {"type": "Polygon", "coordinates": clean_polys[0]}
            if kind == "Polygon"
            else {"type": "MultiPolygon", "coordinates": clean_polys}
        )
        shape = shapely.geometry.shape(normalised)
        if not shape.is_valid:
            reason = shapely.validation.explain_validity(shape)
            raise InvalidInput(field, f"invalid polygon: {reason}")
        if shape.is_empty or shape.area == 0:
            raise InvalidInput(field, "polygon has no area")
        return cls(normalised)

    def to_geojson(self) -> dict[str, Any]:
        return dict(self.geojson)

    def contains(self, point: Point) -> bool:
        return bool(
            shapely.geometry.shape(self.geojson).covers(shapely.Point(point.lon, point.lat))
        )

    def bbox(self) -> tuple[float, float, float, float]:
        """``(min_lon, min_lat, max_lon, max_lat)``."""
        minx, miny, maxx, maxy = shapely.geometry.shape(self.geojson).bounds
        return (float(minx), float(miny), float(maxx), float(maxy))

    def centroid(self) -> Point:
        c = shapely.geometry.shape(self.geojson).centroid
        return Point(float(c.x), float(c.y))
