"""Coordinate systems used by Chinese map providers, converted to WGS84 at the edge.

GCJ-02 ("Mars coordinates", AutoNavi/Tencent) and BD-09 (Baidu) are obfuscated offsets of WGS84
defined only by published algorithms. We use ``prcoords`` (public-domain, maintained reference
implementation) for the forward transforms and its iterative ("bored") inverse, which brings the
round-trip error under a millimetre. Any EPSG system converts with pyproj (see
:func:`from_epsg`). Decision record: docs/decisions/0003-chinese-coordinate-systems.md.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache

import prcoords
import pyproj

from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.geo import Point


class CoordinateSystem(StrEnum):
    """Coordinate systems accepted on ingest; the original one is recorded with each record."""

    WGS84 = "WGS84"
    GCJ02 = "GCJ-02"
    BD09 = "BD-09"


def to_wgs84(lon: float, lat: float, system: CoordinateSystem | str) -> Point:
    """Convert a ``(lon, lat)`` in ``system`` to a WGS84 :class:`Point`.

    ``system`` may be a :class:`CoordinateSystem` or an ``EPSG:nnnn`` code (handled by pyproj).
    """
    text = str(system)
    if text == CoordinateSystem.WGS84:
        return Point(lon, lat)
    if text == CoordinateSystem.GCJ02:
        out = prcoords.gcj_wgs_bored((lat, lon))
        return Point(out.lon, out.lat)
    if text == CoordinateSystem.BD09:
        out = prcoords.bd_wgs_bored((lat, lon))
        return Point(out.lon, out.lat)
    if text.upper().startswith("EPSG:"):
        return from_epsg(lon, lat, text)
    raise InvalidInput("coordinate_system", f"unknown coordinate system {text!r}")


def from_wgs84(point: Point, system: CoordinateSystem) -> tuple[float, float]:
    """Convert a WGS84 point to ``(lon, lat)`` in ``system`` (for display on Chinese base maps)."""
    if system == CoordinateSystem.WGS84:
        return (point.lon, point.lat)
    if system == CoordinateSystem.GCJ02:
        out = prcoords.wgs_gcj((point.lat, point.lon))
    else:
        out = prcoords.wgs_bd((point.lat, point.lon))
    return (float(out.lon), float(out.lat))


@lru_cache(maxsize=64)
def _transformer(code: str) -> pyproj.Transformer:
    try:
        return pyproj.Transformer.from_crs(code, "EPSG:4326", always_xy=True)
    except pyproj.exceptions.CRSError as exc:
        raise InvalidInput("coordinate_system", f"unknown CRS {code!r}") from exc


def from_epsg(x: float, y: float, code: str) -> Point:
    """Convert ``(x, y)`` in the EPSG system ``code`` (axis order x/east first) to WGS84."""
    lon, lat = _transformer(code.upper()).transform(x, y)
    return Point(float(lon), float(lat))
