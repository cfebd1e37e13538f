"""Coverage of demand points by idle units, and the move-up that restores it (a maximal-covering
MILP solved by HiGHS through ``scipy.optimize.milp``).

A demand point d (weight w_d, e.g. population) is *covered* when some idle unit can reach it
within the response standard T seconds (China's urban fire service: first unit within 5 min,
T = 300 s; NFPA 1710: 240 s travel for the first engine).

Move-up: idle units u may stay where they are or relocate to a candidate station s::

    max  Σ_d w_d · y_d  −  ε · Σ_(u,s) r_us · x_us
    s.t. z_u + Σ_s x_us = 1                            every unit stays or moves once
         y_d ≤ Σ_u [c_ud ≤ T] · z_u + Σ_(u,s) [a_sd ≤ T] · x_us     d covered only if reached
         Σ_(u,s) x_us ≤ M                             at most M relocations
         Σ_u x_us ≤ 1                                 at most one unit moves into a station
         x, z ∈ {0, 1};  0 ≤ y ≤ 1

c_ud is the time from unit u where it stands to d, a_sd from station s to d, r_us the time to
drive from u to s. ε is small enough (ε · M · max r < min w) that relocation time only breaks ties
between equally covering solutions, so coverage comes first. y may be continuous: at an optimum
y_d = min(1, number of units reaching d), which is integral.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.optimize import Bounds, LinearConstraint, milp

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """``first_s[d]`` the first-unit time at each demand point (``inf`` when none can reach);
    ``covered[d]`` whether it meets the standard; ``covered_weight`` Σ w_d over covered d."""

    first_s: FloatArray
    covered: BoolArray
    covered_weight: float
    total_weight: float

    @property
    def fraction(self) -> float:
        return self.covered_weight / self.total_weight if self.total_weight > 0 else 1.0


def assess(
    unit_to_demand_s: npt.ArrayLike, weights: npt.ArrayLike, standard_s: float
) -> CoverageReport:
    """Coverage of demand points by units; ``unit_to_demand_s`` is (U, D) seconds."""
    t = np.asarray(unit_to_demand_s, dtype=float)
    w = np.asarray(weights, dtype=float)
    if t.ndim != 2 or t.shape[1] != w.size:
        raise ValueError("unit_to_demand_s must be (units, demand points)")
    if np.any(w < 0) or not np.all(np.isfinite(w)):
        raise ValueError("weights must be finite and non-negative")
    first = t.min(axis=0) if t.shape[0] else np.full(w.size, np.inf)
    covered = first <= standard_s
    return CoverageReport(
        first_s=first,
        covered=covered,
        covered_weight=float(w[covered].sum()),
        total_weight=float(w.sum()),
    )


@dataclass(frozen=True, slots=True)
class MoveUpResult:
    """``moves`` (unit index, station index) pairs; coverage before and after; ``status`` the
    solver's message and ``optimal`` whether HiGHS proved optimality."""

    moves: tuple[tuple[int, int], ...]
    before: CoverageReport
    after: CoverageReport
    relocation_s: float
    optimal: bool
    status: str


def move_up(
    unit_to_demand_s: npt.ArrayLike,
    station_to_demand_s: npt.ArrayLike,
    unit_to_station_s: npt.ArrayLike,
    weights: npt.ArrayLike,
    standard_s: float,
    *,
    max_moves: int,
    time_limit_s: float = 20.0,
) -> MoveUpResult:
    """Solve the move-up MILP of the module docstring.

    Shapes: ``unit_to_demand_s`` (U, D), ``station_to_demand_s`` (S, D), ``unit_to_station_s``
    (U, S); ``weights`` (D,). A unit standing at a station already is simply a unit whose stay
    column equals that station's row.
    """
    c = np.asarray(unit_to_demand_s, dtype=float)
    a = np.asarray(station_to_demand_s, dtype=float)
    r = np.asarray(unit_to_station_s, dtype=float)
    w = np.asarray(weights, dtype=float)
    n_units, n_demand = c.shape
    n_sites = a.shape[0]
    if a.shape != (n_sites, n_demand) or r.shape != (n_units, n_sites):
        raise ValueError("inconsistent shapes of the time matrices")
    if max_moves < 0:
        raise ValueError("max_moves must not be negative")
    before = assess(c, w, standard_s)
    if n_units == 0 or n_demand == 0 or max_moves == 0 or n_sites == 0:
        return MoveUpResult((), before, before, 0.0, True, "nothing to move")
    reach_stay: BoolArray = np.asarray(c <= standard_s)  # (U, D)
    reach_site: BoolArray = np.asarray(a <= standard_s)  # (S, D)
    useful_site: BoolArray = np.asarray(reach_site.any(axis=1))
    # candidate moves: finite drive, and the station reaches some demand point
    mu, ms = np.nonzero(np.isfinite(r) & useful_site[None, :])
    n_x = mu.size
    n_vars = n_units + n_x + n_demand  # z, x, y
    finite_r = r[mu, ms]
    epsilon = (
        0.5 * float(w[w > 0].min()) / (max_moves * float(finite_r.max()) + 1.0)
        if n_x and np.any(w > 0)
        else 0.0
    )
    cost = np.concatenate([np.zeros(n_units), epsilon * finite_r, -w])
    constraint = _constraints(reach_stay, reach_site, mu, ms, max_moves)
    integrality = np.concatenate([np.ones(n_units + n_x), np.zeros(n_demand)])
    res = milp(
        cost,
        constraints=constraint,
        integrality=integrality,
        bounds=Bounds(np.zeros(n_vars), np.ones(n_vars)),
        options={"time_limit": time_limit_s, "disp": False},
    )  # fmt: skip
    if res.x is None:
        return MoveUpResult((), before, before, 0.0, False, str(res.message))
    x = np.asarray(res.x)[n_units : n_units + n_x] > 0.5
    moves = tuple(sorted((int(mu[k]), int(ms[k])) for k in np.flatnonzero(x)))
    after_t = c.copy()
    for u, s in moves:
        after_t[u] = a[s]
    after = assess(after_t, w, standard_s)
    if after.covered_weight <= before.covered_weight:  # moving gains nothing: stay put
        return MoveUpResult((), before, before, 0.0, res.status == 0, str(res.message))
    return MoveUpResult(
        moves=moves,
        before=before,
        after=after,
        relocation_s=float(sum(r[u, s] for u, s in moves)),
        optimal=res.status == 0,
        status=str(res.message),
    )


def _constraints(
    reach_stay: BoolArray,
    reach_site: BoolArray,
    mu: npt.NDArray[np.intp],
    ms: npt.NDArray[np.intp],
    max_moves: int,
) -> LinearConstraint:
    """The rows of the move-up MILP over the variables (z_u, x_k for candidate moves k, y_d)."""
    n_units, n_demand = reach_stay.shape
    n_sites = reach_site.shape[0]
    n_x = mu.size
    rows: list[sp.csr_matrix] = []
    lower: list[FloatArray] = []
    upper: list[FloatArray] = []
    # each unit stays or moves once
    assign = sp.hstack(
        [
            sp.identity(n_units, format="csr"),
            sp.csr_matrix((np.ones(n_x), (mu, np.arange(n_x))), shape=(n_units, n_x)),
            sp.csr_matrix((n_units, n_demand)),
        ]
    )
    rows.append(assign.tocsr())
    lower.append(np.ones(n_units))
    upper.append(np.ones(n_units))
    # y_d − Σ reach · z − Σ reach · x ≤ 0
    cover_x = reach_site[ms].T.astype(float)  # (D, n_x)
    cover = sp.hstack(
        [
            sp.csr_matrix(-reach_stay.T.astype(float)),
            sp.csr_matrix(-cover_x),
            sp.identity(n_demand, format="csr"),
        ]
    )
    rows.append(cover.tocsr())
    lower.append(np.full(n_demand, -np.inf))
    upper.append(np.zeros(n_demand))
    # at most max_moves relocations; at most one unit into each station
    budget = sp.hstack(
        [sp.csr_matrix((1, n_units)), sp.csr_matrix(np.ones((1, n_x))),
         sp.csr_matrix((1, n_demand))]
    )  # fmt: skip
    rows.append(budget.tocsr())
    lower.append(np.array([-np.inf]))
    upper.append(np.array([float(max_moves)]))
    into = sp.hstack(
        [
            sp.csr_matrix((n_sites, n_units)),
            sp.csr_matrix((np.ones(n_x), (ms, np.arange(n_x))), shape=(n_sites, n_x)),
            sp.csr_matrix((n_sites, n_demand)),
        ]
    )
    rows.append(into.tocsr())
    lower.append(np.full(n_sites, -np.inf))
    upper.append(np.ones(n_sites))
    return LinearConstraint(sp.vstack(rows).tocsr(), np.concatenate(lower), np.concatenate(upper))
