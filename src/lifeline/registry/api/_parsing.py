"""Parsing request values: GeoJSON in any supported system, ``lon,lat`` and bbox query
parameters, and PATCH bodies (a field sent as ``null`` clears it)."""

from __future__ import annotations

from typing import Any

from lifeline.kernel.coords import CoordinateSystem, to_wgs84
from lifeline.kernel.errors import FieldProblem, InvalidInput
from lifeline.kernel.geo import Area, Point
from lifeline.registry.api._schemas import GeoJson, InputModel
from lifeline.registry.importers import geometry_to_wgs84


def prefixed(exc: InvalidInput, prefix: str) -> InvalidInput:
    return InvalidInput([FieldProblem(f"{prefix}.{p.field}", p.reason) for p in exc.problems])


def location_of(obj: GeoJson, crs: CoordinateSystem, field: str = "location") -> Point:
    raw = Point.from_geojson(obj, field)
    try:
        return to_wgs84(raw.lon, raw.lat, crs)
    except InvalidInput as exc:
        raise prefixed(exc, field) from exc


def boundary_of(obj: GeoJson, crs: CoordinateSystem, field: str = "boundary") -> Area:
    return Area.from_geojson(geometry_to_wgs84(obj, crs), field)


def _numbers(text: str | None, count: int, field: str) -> list[float] | None:
    if text is None:
        return None
    parts = text.split(",")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != count:
        raise InvalidInput(field, f"must be {count} comma-separated numbers")
    return values


def point_of(text: str | None, field: str) -> Point | None:
    values = _numbers(text, 2, field)
    if values is None:
        return None
    try:
        return Point(values[0], values[1])
    except InvalidInput as exc:
        raise prefixed(exc, field) from exc


def bbox_of(text: str | None) -> tuple[float, float, float, float] | None:
    values = _numbers(text, 4, "query.bbox")
    if values is None:
        return None
    min_lon, min_lat, max_lon, max_lat = values
    if min_lon > max_lon or min_lat > max_lat:
        raise InvalidInput("query.bbox", "must be min_lon,min_lat,max_lon,max_lat")
    return (min_lon, min_lat, max_lon, max_lat)


def patch_values(
    body: InputModel, *, exclude: tuple[str, ...] = ("version", "crs")
) -> dict[str, Any]:
    """The fields the client sent (others stay UNSET); ``null`` clears an optional field."""
    return {k: getattr(body, k) for k in body.model_fields_set if k not in exclude}


def require_not_null(values: dict[str, Any], *names: str) -> None:
    nulls = [
        FieldProblem(n, "must not be null") for n in names if n in values and values[n] is None
    ]
    if nulls:
        raise InvalidInput(nulls)
