"""Spatial helpers of the store: whether PostGIS is there, and a circle's bounding box."""

from __future__ import annotations

import math
import weakref

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lifeline.kernel.geo import EARTH_RADIUS_M, Point
from lifeline.migrations.runner import has_postgis

_postgis_cache: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()
METRES_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_M / 180.0


def uses_postgis(conn: sa.Connection) -> bool:
    """Whether ``conn`` is PostgreSQL with PostGIS (asked once per engine)."""
    if conn.dialect.name != "postgresql":
        return False
    cached = _postgis_cache.get(conn.engine)
    if cached is None:
        cached = has_postgis(conn)
        _postgis_cache[conn.engine] = cached
    return cached


def radius_bbox(center: Point, radius_m: float) -> tuple[float, float, float, float]:
    """A ``(min_lon, min_lat, max_lon, max_lat)`` box that contains the circle (prefilter)."""
    dlat = radius_m / METRES_PER_DEGREE_LAT
    coslat = math.cos(math.radians(min(abs(center.lat) + dlat, 90.0)))
    dlon = 180.0 if coslat < 1e-9 else min(dlat / coslat, 180.0)
    return (center.lon - dlon, center.lat - dlat, center.lon + dlon, center.lat + dlat)
