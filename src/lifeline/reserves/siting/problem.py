"""The siting problem (a cost matrix), its result, and helpers shared by the models."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from scipy.optimize import Bounds, LinearConstraint, milp

from lifeline.reserves.gaps import haversine_m, travel_time_min

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class SitingModel(StrEnum):
    P_MEDIAN = "p-median"
    MAXIMAL_COVERING = "maximal-covering"
    SET_COVERING = "set-covering"


@dataclass(frozen=True)
class SitingProblem:
    """Travel times ``cost_min`` (N demand × M candidates, minutes) and demand ``weight`` (N,)."""

    cost_min: FloatArray
    weight: FloatArray

    @classmethod
    def from_cost_matrix(
        cls, cost_min: npt.ArrayLike, weight: npt.ArrayLike | None = None
    ) -> SitingProblem:
        cost = np.asarray(cost_min, dtype=float)
        if cost.ndim != 2 or cost.shape[0] == 0 or cost.shape[1] == 0:
            raise ValueError("cost_min must be a non-empty (N, M) matrix")
        if not np.all(np.isfinite(cost)) or np.any(cost < 0):
            raise ValueError("cost_min must be finite and non-negative")
        w = np.ones(cost.shape[0]) if weight is None else np.asarray(weight, dtype=float)
        if w.shape != (cost.shape[0],) or not np.all(np.isfinite(w)) or np.any(w < 0):
            raise ValueError("weight must be N finite non-negative numbers")
        return cls(cost_min=cost, weight=w)

    @classmethod
    def from_points(
        cls,
        demand_lonlat: npt.ArrayLike,
        candidate_lonlat: npt.ArrayLike,
        weight: npt.ArrayLike | None,
        speed_kmh: float,
    ) -> SitingProblem:
        """Times from great-circle distance at ``speed_kmh``; points as (K, 2) [lon, lat]."""
        d = np.asarray(demand_lonlat, dtype=float).reshape(-1, 2)
        c = np.asarray(candidate_lonlat, dtype=float).reshape(-1, 2)
        dist = haversine_m(d[:, 0], d[:, 1], c[:, 0], c[:, 1])
        return cls.from_cost_matrix(travel_time_min(dist, speed_kmh), weight)

    @property
    def shape(self) -> tuple[int, int]:
        n, m = self.cost_min.shape
        return int(n), int(m)

    def coverage(self, within_min: float) -> npt.NDArray[np.bool_]:
        """a[i, j] = 1 when candidate j reaches demand i within ``within_min`` minutes."""
        out: npt.NDArray[np.bool_] = self.cost_min <= within_min
        return out


@dataclass(frozen=True)
class SitingResult:
    """Chosen candidate indices, the objective, a bound and the relative gap between them.

    ``gap`` = |objective − bound| / max(|objective|, tiny); 0 means proven optimal.
    ``assignment[i]`` is the chosen site serving demand i (nearest), ``covered[i]`` whether
    some chosen site reaches it within the model's time (covering models).
    """

    model: SitingModel
    method: str  # "highs" | "heuristic"
    sites: tuple[int, ...]
    objective: float
    bound: float
    gap: float
    assignment: IntArray
    covered: npt.NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))
    status: str = "optimal"


def relative_gap(objective: float, bound: float) -> float:
    """|objective − bound| / max(|objective|, 1e-12): 0 when the bound proves optimality."""
    return abs(objective - bound) / max(abs(objective), 1e-12)


def p_median_objective(problem: SitingProblem, sites: list[int]) -> float:
    """Σ_i w_i · min_{j ∈ sites} c_ij (minutes × residents)."""
    best = problem.cost_min[:, sites].min(axis=1)
    return float(problem.weight @ best)


def nearest_assignment(problem: SitingProblem, sites: tuple[int, ...]) -> IntArray:
    """For each demand point, the chosen site with the least travel time."""
    idx = np.asarray(sites, dtype=np.int64)
    out: IntArray = idx[np.argmin(problem.cost_min[:, idx], axis=1)]
    return out


def check_p(problem: SitingProblem, p: int) -> None:
    if not 1 <= p <= problem.shape[1]:
        raise ValueError(f"p must be between 1 and the {problem.shape[1]} candidates")


def solve_milp(
    c: FloatArray,
    integrality: npt.NDArray[np.int_],
    constraints: list[LinearConstraint],
    time_limit_s: float | None,
) -> tuple[FloatArray, float, float, str]:
    """Minimise c·x over 0 ≤ x ≤ 1 with HiGHS; return (x, objective, dual bound, status).

    When the time limit stops HiGHS early the incumbent and its dual bound are returned with
    status ``time_limit``, so callers report the remaining gap.
    """
    options: dict[str, float | bool] = {"disp": False}
    if time_limit_s is not None:
        options["time_limit"] = time_limit_s
    res = milp(
        c,
        integrality=integrality,
        bounds=Bounds(0, 1),
        constraints=constraints,
        options=options,
    )
    if res.x is None:
        raise RuntimeError(f"HiGHS found no feasible solution: {res.message}")
    bound = getattr(res, "mip_dual_bound", None)
    objective = float(res.fun)
    status = "optimal" if res.status == 0 else "time_limit"
    return np.asarray(res.x), objective, float(bound) if bound is not None else objective, status


def reached(a: npt.NDArray[np.bool_], sites: list[int] | tuple[int, ...]) -> BoolArray:
    """reached[i] = OR_{j ∈ sites} a[i, j]."""
    return np.asarray(np.asarray(a[:, list(sites)], dtype=bool).any(axis=1), dtype=bool)


def to_geojson(
    result: SitingResult,
    candidate_lonlat: npt.ArrayLike,
    names: list[str] | None = None,
) -> dict[str, object]:
    """A map-ready GeoJSON FeatureCollection of the chosen sites (RFC 7946)."""
    pts = np.asarray(candidate_lonlat, dtype=float).reshape(-1, 2)
    features = []
    for rank, j in enumerate(result.sites):
        served = int(np.count_nonzero(result.assignment == j))
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [float(pts[j, 0]), float(pts[j, 1])]},
                "properties": {
                    "candidate": j,
                    "name": names[j] if names else f"site {rank + 1}",
                    "model": result.model.value,
                    "demand_points_served": served,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {
            "model": result.model.value,
            "method": result.method,
            "objective": result.objective,
            "bound": result.bound,
            "gap": result.gap,
        },
    }
