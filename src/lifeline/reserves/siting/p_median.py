"""p-median: p sites minimising population-weighted travel time."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import LinearConstraint

from lifeline.reserves.siting.problem import (
    SitingModel,
    SitingProblem,
    SitingResult,
    check_p,
    nearest_assignment,
    p_median_objective,
    relative_gap,
    solve_milp,
)


def p_median_exact(
    problem: SitingProblem, p: int, *, time_limit_s: float | None = None
) -> SitingResult:
    """Choose p sites minimising total weighted travel time (exact MIP, HiGHS).

    min Σ_i Σ_j w_i c_ij x_ij  s.t.  Σ_j x_ij = 1 ∀i;  x_ij ≤ y_j ∀i,j;  Σ_j y_j = p;
    y_j ∈ {0, 1}, 0 ≤ x_ij ≤ 1 (x is integral at an optimum for integral y).
    Units: minutes × residents. Variables: N·M + M; constraints N + N·M + 1.
    """
    check_p(problem, p)
    n, m = problem.shape
    nx = n * m
    c = np.concatenate([(problem.weight[:, None] * problem.cost_min).ravel(), np.zeros(m)])
    integrality = np.concatenate([np.zeros(nx, dtype=int), np.ones(m, dtype=int)])
    rows = np.repeat(np.arange(n), m)
    assign = sp.csr_matrix((np.ones(nx), (rows, np.arange(nx))), shape=(n, nx + m))
    link = sp.hstack(
        [sp.identity(nx, format="csr"), -sp.kron(np.ones((n, 1)), sp.identity(m), format="csr")],
        format="csr",
    )
    count = sp.csr_matrix(np.concatenate([np.zeros(nx), np.ones(m)])[None, :])
    x, objective, bound, status = solve_milp(
        c,
        integrality,
        [
            LinearConstraint(assign, 1, 1),
            LinearConstraint(link, -np.inf, 0),
            LinearConstraint(count, p, p),
        ],
        time_limit_s,
    )
    sites = tuple(int(j) for j in np.flatnonzero(x[nx:] > 0.5))
    objective = p_median_objective(problem, list(sites))
    return SitingResult(
        model=SitingModel.P_MEDIAN,
        method="highs",
        sites=sites,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        assignment=nearest_assignment(problem, sites),
        status=status,
    )


def p_median_heuristic(
    problem: SitingProblem, p: int, *, reference: float | None = None
) -> SitingResult:
    """Greedy addition then vertex substitution (Teitz–Bart) for the p-median.

    Greedy: start empty, repeatedly open the site that lowers Σ_i w_i min_{j∈S} c_ij most.
    Interchange: try every (open j, closed k) swap; take the best improving swap; repeat until
    none improves (a local optimum). Bound: ``reference`` (e.g. an exact objective) when given,
    else the valid lower bound Σ_i w_i min_j c_ij (every demand at its nearest candidate).
    """
    check_p(problem, p)
    cost, w = problem.cost_min, problem.weight
    _, m = problem.shape
    sites: list[int] = []
    best = np.full(problem.shape[0], np.inf)
    for _ in range(p):
        candidates = [j for j in range(m) if j not in sites]
        totals = [float(w @ np.minimum(best, cost[:, j])) for j in candidates]
        pick = candidates[int(np.argmin(totals))]
        sites.append(pick)
        best = np.minimum(best, cost[:, pick])
    objective = float(w @ best)
    improved = True
    while improved:
        improved = False
        best_swap: tuple[float, int, int] | None = None
        for pos in range(len(sites)):
            others = sites[:pos] + sites[pos + 1 :]
            base = cost[:, others].min(axis=1) if others else np.full(cost.shape[0], np.inf)
            closed = np.array([k for k in range(m) if k not in sites], dtype=np.int64)
            if closed.size == 0:
                continue
            totals = w @ np.minimum(base[:, None], cost[:, closed])
            k = int(np.argmin(totals))
            if totals[k] < objective - 1e-9 and (best_swap is None or totals[k] < best_swap[0]):
                best_swap = (float(totals[k]), pos, int(closed[k]))
        if best_swap is not None:
            objective, pos, k = best_swap
            sites[pos] = k
            improved = True
    bound = reference if reference is not None else float(w @ cost.min(axis=1))
    chosen = tuple(sorted(sites))
    return SitingResult(
        model=SitingModel.P_MEDIAN,
        method="heuristic",
        sites=chosen,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        assignment=nearest_assignment(problem, chosen),
        status="local_optimum",
    )
