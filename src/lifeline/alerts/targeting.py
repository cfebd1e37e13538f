"""Which recipients lie in an alert's areas: polygons, circles and administrative codes.

Vectorised over recipients: ``lons``/``lats`` are WGS84 degrees (NaN where a recipient gave no
position) and ``codes`` their 6-digit administrative codes ("" where none). A recipient is in
the alert when its point lies in any polygon (``shapely.contains_xy``, boundary excluded) or
within any circle (haversine distance ≤ radius, Earth radius 6,371,008.8 m), or when its code
falls under any of the alert's codes: trailing ``00`` pairs widen a code (``440300``, Shenzhen,
covers ``440304``, Futian; ``440000`` covers the province).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import shapely

from lifeline.alerts.cap.model import CapArea
from lifeline.kernel.geo import EARTH_RADIUS_M

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]


def code_prefix(code: str) -> str:
    """The prefix an administrative code covers: ``440300`` → ``4403``, ``440304`` → itself."""
    prefix = code
    while len(prefix) > 2 and prefix.endswith("00"):
        prefix = prefix[:-2]
    return prefix


def in_areas(areas: tuple[CapArea, ...], lons: Floats, lats: Floats, codes: list[str]) -> Bools:
    """Boolean mask of recipients inside any of ``areas``."""
    hit = np.zeros(len(lons), dtype=np.bool_)
    has_point = ~(np.isnan(lons) | np.isnan(lats))
    for area in areas:
        for ring in area.polygons:
            polygon = shapely.Polygon([(lon, lat) for lat, lon in ring])
            hit |= has_point & shapely.contains_xy(
                polygon, np.nan_to_num(lons), np.nan_to_num(lats)
            )
        for circle in area.circles:
            hit |= has_point & (
                haversine_m(circle.lon, circle.lat, lons, lats) <= circle.radius_km * 1000.0
            )
        prefixes = tuple(code_prefix(g.value) for g in area.geocodes if g.value.isdigit())
        if prefixes:
            hit |= np.fromiter((c.startswith(prefixes) for c in codes), np.bool_, len(codes)) & (
                np.array([bool(c) for c in codes], dtype=np.bool_)
            )
    return hit


def haversine_m(lon0: float, lat0: float, lons: Floats, lats: Floats) -> Floats:
    """Great-circle distances in metres from ``(lon0, lat0)`` to each point."""
    phi0, phi = np.radians(lat0), np.radians(lats)
    dphi = phi - phi0
    dlam = np.radians(lons - lon0)
    h = np.sin(dphi / 2) ** 2 + np.cos(phi0) * np.cos(phi) * np.sin(dlam / 2) ** 2
    result: Floats = 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return result
