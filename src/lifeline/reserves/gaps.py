"""Gap analysis on arrays: required vs on hand vs reachable within T minutes.

Travel time is great-circle distance at a stated speed until the routing provider exists:
``time_min = distance_m / (speed_kmh · 1000 / 60)``. A depot is *reachable* when its time is
≤ ``within_min``. Quantities are in the material's unit.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from lifeline.kernel.geo import EARTH_RADIUS_M

FloatArray = npt.NDArray[np.float64]


def haversine_m(
    lon1: FloatArray, lat1: FloatArray, lon2: FloatArray, lat2: FloatArray
) -> FloatArray:
    """Great-circle distance matrix in metres between points 1 (rows) and points 2 (columns).

    d = 2R·asin(√(sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2))), R = EARTH_RADIUS_M; inputs in degrees.
    """
    p1 = np.radians(np.asarray(lat1, dtype=float))[:, None]
    p2 = np.radians(np.asarray(lat2, dtype=float))[None, :]
    l1 = np.radians(np.asarray(lon1, dtype=float))[:, None]
    l2 = np.radians(np.asarray(lon2, dtype=float))[None, :]
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    out: FloatArray = 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return out


def travel_time_min(distance_m: FloatArray, speed_kmh: float) -> FloatArray:
    """Minutes to cover ``distance_m`` at ``speed_kmh``: t = d / (v · 1000/60)."""
    if speed_kmh <= 0:
        raise ValueError("speed_kmh must be positive")
    out: FloatArray = np.asarray(distance_m, dtype=float) / (speed_kmh * 1000.0 / 60.0)
    return out


def gap_analysis(
    required: FloatArray,
    on_hand: FloatArray,
    depot_stock: FloatArray,
    depot_time_min: FloatArray,
    within_min: float,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Reachable stock and shortages for one area.

    ``required`` (M,) and ``on_hand`` (M,) per material; ``depot_stock`` (D, M) available stock
    of every candidate depot; ``depot_time_min`` (D,) travel time from each depot to the area.

    reachable[m] = Σ_d stock[d, m] · [time[d] ≤ within_min]
    shortage_on_hand[m] = max(0, required[m] − on_hand[m])
    shortage_reachable[m] = max(0, required[m] − reachable[m])
    Returns ``(reachable, shortage_on_hand, shortage_reachable)``.
    """
    required = np.asarray(required, dtype=float)
    stock = np.asarray(depot_stock, dtype=float).reshape(-1, required.shape[0])
    within = np.asarray(depot_time_min, dtype=float) <= within_min
    reachable: FloatArray = stock[within].sum(axis=0)
    short_hand: FloatArray = np.maximum(0.0, required - np.asarray(on_hand, dtype=float))
    short_reach: FloatArray = np.maximum(0.0, required - reachable)
    return reachable, short_hand, short_reach
