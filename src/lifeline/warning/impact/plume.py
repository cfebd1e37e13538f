"""Gaussian plume for a continuous release of a toxic gas, with Pasquill–Gifford stability.

Ground-level concentration downwind ``x`` and crosswind ``y`` (metres) of a source releasing
``Q`` g/s at effective height ``H`` m into a wind of ``u`` m/s, with total reflection at the
ground:

    C(x, y) = Q / (π · u · σy(x) · σz(x)) · exp(−y² / 2σy²) · exp(−H² / 2σz²)      [g/m³]

σy and σz are Briggs's fits to the Pasquill–Gifford curves (open country, or urban after
McElroy–Pooler) for stability classes A (very unstable) to F (stable). The area where ``C`` is
at least a threshold ``C*`` is bounded, at each ``x`` where the centreline ``C(x, 0) ≥ C*``, by
``|y| ≤ σy · √(2 · ln(C(x, 0) / C*))``.

Assumptions: steady state (wind and release constant over the travel time), flat terrain, no
deposition or decay, wind speed ≥ 1 m/s (calmer air is taken as 1 m/s, where the model is least
trustworthy), a gas no denser than air, and the plume evaluated out to ``max_distance_m``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
METRES_PER_DEGREE = 111_320.0


class Stability(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"


class Terrain(StrEnum):
    RURAL = "rural"
    URBAN = "urban"


# Briggs (1973): σ = a·x·(1 + b·x)^c, per class, for y and z
_RURAL: dict[Stability, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    Stability.A: ((0.22, 1e-4, -0.5), (0.20, 0.0, 1.0)),
    Stability.B: ((0.16, 1e-4, -0.5), (0.12, 0.0, 1.0)),
    Stability.C: ((0.11, 1e-4, -0.5), (0.08, 2e-4, -0.5)),
    Stability.D: ((0.08, 1e-4, -0.5), (0.06, 1.5e-3, -0.5)),
    Stability.E: ((0.06, 1e-4, -0.5), (0.03, 3e-4, -1.0)),
    Stability.F: ((0.04, 1e-4, -0.5), (0.016, 3e-4, -1.0)),
}
_URBAN: dict[Stability, tuple[tuple[float, float, float], tuple[float, float, float]]] = {
    Stability.A: ((0.32, 4e-4, -0.5), (0.24, 1e-3, 0.5)),
    Stability.B: ((0.32, 4e-4, -0.5), (0.24, 1e-3, 0.5)),
    Stability.C: ((0.22, 4e-4, -0.5), (0.20, 0.0, 1.0)),
    Stability.D: ((0.16, 4e-4, -0.5), (0.14, 3e-4, -0.5)),
    Stability.E: ((0.11, 4e-4, -0.5), (0.08, 1.5e-3, -0.5)),
    Stability.F: ((0.11, 4e-4, -0.5), (0.08, 1.5e-3, -0.5)),
}


def pasquill_class(wind_speed_m_s: float, *, daytime: bool, strong_sun: bool = True) -> Stability:
    """Pasquill's table, simplified: by day strong (or moderate) insolation, by night thin
    cloud (or overcast); neutral D for strong wind."""
    u = wind_speed_m_s
    if daytime:
        if u < 2:
            return Stability.A if strong_sun else Stability.B
        if u < 3:
            return Stability.B
        if u < 5:
            return Stability.B if strong_sun else Stability.C
        return Stability.C if u < 6 else Stability.D
    if u < 3:
        return Stability.F
    return Stability.E if u < 5 else Stability.D


def sigmas(
    x_m: FloatArray, stability: Stability, terrain: Terrain
) -> tuple[FloatArray, FloatArray]:
    """σy and σz in metres at downwind distances ``x_m``."""
    table = _RURAL if terrain is Terrain.RURAL else _URBAN
    (ay, by, cy), (az, bz, cz) = table[stability]
    x = np.asarray(x_m, dtype=np.float64)
    sy = ay * x * (1.0 + by * x) ** cy
    sz = az * x * (1.0 + bz * x) ** cz if cz != 1.0 else az * x
    return np.asarray(sy), np.asarray(sz)


@dataclass(frozen=True, slots=True)
class Release:
    """A continuous release: ``rate_g_s`` at ``height_m``, wind ``wind_speed_m_s`` blowing FROM
    ``wind_from_deg`` (clockwise from north)."""

    lon: float
    lat: float
    rate_g_s: float
    wind_speed_m_s: float
    wind_from_deg: float
    stability: Stability = Stability.D
    terrain: Terrain = Terrain.URBAN
    height_m: float = 2.0

    def __post_init__(self) -> None:
        if not (self.rate_g_s > 0 and math.isfinite(self.rate_g_s)):
            raise ValueError("rate_g_s must be a positive number")
        if not (self.wind_speed_m_s >= 0 and math.isfinite(self.wind_speed_m_s)):
            raise ValueError("wind_speed_m_s must not be negative")
        if self.height_m < 0:
            raise ValueError("height_m must not be negative")


def centreline(release: Release, x_m: FloatArray) -> FloatArray:
    """Ground-level concentration on the plume axis, g/m³, at downwind distances ``x_m``."""
    u = max(release.wind_speed_m_s, 1.0)
    sy, sz = sigmas(x_m, release.stability, release.terrain)
    c = release.rate_g_s / (math.pi * u * sy * sz) * np.exp(-(release.height_m**2) / (2 * sz**2))
    return np.asarray(c)


@dataclass(frozen=True, slots=True)
class Footprint:
    """The area at or above a threshold: a GeoJSON polygon (None when the threshold is never
    reached), its furthest downwind reach and widest half-width in metres."""

    polygon: dict[str, object] | None
    reach_m: float
    half_width_m: float
    threshold_g_m3: float


def footprint(
    release: Release, threshold_g_m3: float, *, max_distance_m: float = 50_000.0, steps: int = 400
) -> Footprint:
    """The ground-level area where the concentration reaches ``threshold_g_m3``."""
    if threshold_g_m3 <= 0:
        raise ValueError("threshold must be positive")
    x = np.geomspace(1.0, max_distance_m, steps)
    c0 = centreline(release, x)
    inside = c0 >= threshold_g_m3
    if not inside.any():
        return Footprint(None, 0.0, 0.0, threshold_g_m3)
    sy, _ = sigmas(x, release.stability, release.terrain)
    half = np.where(inside, sy * np.sqrt(2.0 * np.log(np.maximum(c0 / threshold_g_m3, 1.0))), 0.0)
    xs, hs = x[inside], half[inside]
    # outline: along one side, then back along the other, closed at the source
    along = np.r_[0.0, xs, xs[::-1], 0.0]
    across = np.r_[0.0, hs, -hs[::-1], 0.0]
    downwind = math.radians((release.wind_from_deg + 180.0) % 360.0)
    east = along * math.sin(downwind) + across * math.cos(downwind)
    north = along * math.cos(downwind) - across * math.sin(downwind)
    lat = release.lat + north / METRES_PER_DEGREE
    lon = release.lon + east / (METRES_PER_DEGREE * math.cos(math.radians(release.lat)))
    ring = [[float(a), float(b)] for a, b in zip(lon, lat, strict=True)]
    polygon: dict[str, object] = {"type": "Polygon", "coordinates": [ring]}
    return Footprint(polygon, float(xs.max()), float(hs.max()), threshold_g_m3)
