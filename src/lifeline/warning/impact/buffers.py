"""Hazard-specific buffers: a circle around the hazard when no dispersion model applies.

Radii are planning defaults for a first operational picture (initial isolation and protective
action distances of the order used by emergency response guides), not modelled results; a
caller may give its own radius.
"""

from __future__ import annotations

import math

BUFFER_M: dict[str, float] = {
    "fire": 300.0,
    "explosion": 1_000.0,
    "gas_leak": 500.0,
    "toxic_release": 1_000.0,
    "chemical": 800.0,
    "flood": 500.0,
    "landslide": 300.0,
    "collapse": 150.0,
    "power_outage": 2_000.0,
}
DEFAULT_BUFFER_M = 300.0
METRES_PER_DEGREE = 111_320.0


def buffer_radius_m(hazard: str) -> float:
    return BUFFER_M.get(hazard, DEFAULT_BUFFER_M)


def circle(lon: float, lat: float, radius_m: float, vertices: int = 48) -> dict[str, object]:
    """A GeoJSON polygon approximating a circle (local equirectangular projection)."""
    if radius_m <= 0:
        raise ValueError("radius must be positive")
    ring = []
    for i in range(vertices):
        a = 2 * math.pi * i / vertices
        ring.append(
            [
                lon + radius_m * math.sin(a) / (METRES_PER_DEGREE * math.cos(math.radians(lat))),
                lat + radius_m * math.cos(a) / METRES_PER_DEGREE,
            ]
        )
    ring.append(ring[0])
    return {"type": "Polygon", "coordinates": [ring]}
