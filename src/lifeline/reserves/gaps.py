"""Gap analysis on arrays: required vs on hand vs reachable within T minutes.

Travel time is great-circle distance at a stated speed until the routing provider exists:
``time_min = distance_m / (speed_kmh · 1000 / 60)``. A depot is *reachable* when its time is
≤ ``within_min``. Quantities are in the material's unit.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from lifeline.geo.travel import haversine_m

FloatArray = npt.NDArray[np.float64]

__all__ = [
    "agreed_within",
    "gap_analysis",
    "haversine_m",
    "shortage_severity",
    "travel_time_min",
]


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


def agreed_within(
    agreement_qty: FloatArray,
    agreement_lead_min: FloatArray,
    agreement_travel_min: FloatArray,
    within_min: float,
) -> FloatArray:
    """Virtual stock that enterprise agreements can deliver within the time budget.

    ``agreement_qty`` (A, M) quantity each agreement supplies per material (one non-zero per
    row); ``agreement_lead_min`` (A,) minutes from the call until the goods leave the supplier;
    ``agreement_travel_min`` (A,) travel time from the supplier to the area.

    agreed[m] = Σ_a qty[a, m] · [lead[a] + travel[a] ≤ within_min]
    """
    lead = np.asarray(agreement_lead_min, dtype=float)
    qty = np.asarray(agreement_qty, dtype=float).reshape(lead.shape[0], -1)
    fits = lead + np.asarray(agreement_travel_min, dtype=float) <= within_min
    agreed: FloatArray = qty[fits].sum(axis=0)
    return agreed


def shortage_severity(required: float, reachable: float, agreed: float) -> str | None:
    """How grave a material's shortage is for an area, or None when there is none.

    ``critical``: stock reachable in time plus agreements cover less than half the requirement;
    ``warning``: they cover at least half but stock alone does not cover it all; ``covered``:
    stock falls short but agreements make up the rest.
    """
    if required <= 0 or reachable >= required:
        return None
    if reachable + agreed < 0.5 * required:
        return "critical"
    if reachable + agreed < required:
        return "warning"
    return "covered"
