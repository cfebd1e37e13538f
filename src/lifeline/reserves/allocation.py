"""Allocation of stock to incidents: a min-cost transportation problem on arrays (HiGHS LP).

Given demands at incident sites, choose which lots send how much where. For each material k
(materials never substitute for each other, so the problem separates by material)::

    min  Σ_l Σ_i (t[d(l), i] + β · e_l) · x_li  +  P · Σ_i u_ik
    s.t. Σ_i x_li ≤ s_l                       for every lot l of material k   (stock after
                                                                            reservations)
         Σ_l x_li + u_ik = q_ik               for every incident i needing k
         x ≥ 0, u ≥ 0, x_li = 0 when t[d(l), i] > max_time_min

t is travel time in minutes from the lot's depot to the incident, e_l the lot's days to expiry
(lots nearest expiry are preferred: β minutes per day, small by default so it only breaks ties
between depots at similar times), u the unmet demand penalised by P (larger than any route, so
stock is always sent when it exists). The constraint matrix is a transportation matrix (totally
unimodular): integer stock and demand give integer shipments at the simplex vertex HiGHS returns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import linprog

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Shipment:
    """``quantity`` of lot ``lot`` (index) to incident ``incident`` (index), ``time_min`` away."""

    lot: int
    incident: int
    material: int
    quantity: float
    time_min: float


@dataclass(frozen=True)
class AllocationResult:
    shipments: tuple[Shipment, ...]
    unmet: FloatArray  # (I, K) demand no reachable lot could serve
    cost: float  # Σ quantity · travel time (minutes × units), without penalties


def allocate(
    demand: npt.ArrayLike,
    time_min: npt.ArrayLike,
    lot_depot: npt.ArrayLike,
    lot_material: npt.ArrayLike,
    lot_available: npt.ArrayLike,
    lot_days_to_expiry: npt.ArrayLike | None = None,
    *,
    expiry_weight_min_per_day: float = 1e-3,
    max_time_min: float = np.inf,
) -> AllocationResult:
    """Allocate lots to incidents; shapes: demand (I, K), time_min (D, I), lot_* (L,).

    ``lot_available`` is stock minus reservations, in each material's unit; ``lot_days_to_expiry``
    is +inf (or absent) for durable lots. See the module docstring for the programme.
    """
    q = np.asarray(demand, dtype=float)
    t = np.asarray(time_min, dtype=float)
    depot = np.asarray(lot_depot, dtype=np.int64)
    material = np.asarray(lot_material, dtype=np.int64)
    supply = np.asarray(lot_available, dtype=float)
    n_inc, n_mat = q.shape
    if t.ndim != 2 or t.shape[1] != n_inc:
        raise ValueError("time_min must be (depots, incidents)")
    if not (depot.shape == material.shape == supply.shape):
        raise ValueError("lot arrays must have the same length")
    if np.any(q < 0) or np.any(supply < 0):
        raise ValueError("demand and stock must be non-negative")
    days = (
        np.full(supply.shape, np.inf)
        if lot_days_to_expiry is None
        else np.asarray(lot_days_to_expiry, dtype=float)
    )
    finite_days = np.where(np.isfinite(days), np.maximum(days, 0.0), 0.0)
    horizon = float(finite_days.max()) + 1.0 if finite_days.size else 1.0
    days = np.where(np.isfinite(days), np.maximum(days, 0.0), horizon)
    reachable_t = t[np.isfinite(t) & (t <= max_time_min)]
    penalty = 10.0 * (float(reachable_t.max()) if reachable_t.size else 1.0) + 10.0
    penalty += expiry_weight_min_per_day * horizon * 10.0
    shipments: list[Shipment] = []
    unmet = q.copy()
    cost = 0.0
    for k in range(n_mat):
        incidents = np.flatnonzero(q[:, k] > 0)
        lots = np.flatnonzero((material == k) & (supply > 0))
        if incidents.size == 0 or lots.size == 0:
            continue
        tt = t[np.ix_(depot[lots], incidents)]  # (Lk, Ik)
        ok = np.isfinite(tt) & (tt <= max_time_min)
        li, ii = np.nonzero(ok)
        if li.size == 0:
            continue
        nx, nu = li.size, incidents.size
        c = np.concatenate(
            [tt[li, ii] + expiry_weight_min_per_day * days[lots[li]], np.full(nu, penalty)]
        )
        a_sup = sp.csr_matrix((np.ones(nx), (li, np.arange(nx))), shape=(lots.size, nx + nu))
        a_dem = sp.csr_matrix(
            (np.ones(nx + nu), (np.concatenate([ii, np.arange(nu)]), np.arange(nx + nu))),
            shape=(nu, nx + nu),
        )
        res = linprog(
            c,
            A_ub=a_sup,
            b_ub=supply[lots],
            A_eq=a_dem,
            b_eq=q[incidents, k],
            bounds=(0, None),
            method="highs",
        )
        if res.status != 0:
            raise RuntimeError(f"allocation LP failed for material {k}: {res.message}")
        x = np.asarray(res.x)
        for idx in np.flatnonzero(x[:nx] > 1e-9):
            lot, inc = int(lots[li[idx]]), int(incidents[ii[idx]])
            amount = float(x[idx])
            shipments.append(Shipment(lot, inc, k, amount, float(tt[li[idx], ii[idx]])))
            cost += amount * float(tt[li[idx], ii[idx]])
        unmet[incidents, k] = np.maximum(0.0, x[nx:])
    return AllocationResult(shipments=tuple(shipments), unmet=unmet, cost=cost)
