"""Maximal covering (p sites, most residents within T) and set covering (fewest sites)."""

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
    reached,
    relative_gap,
    solve_milp,
)


def maximal_covering_exact(
    problem: SitingProblem, p: int, within_min: float, *, time_limit_s: float | None = None
) -> SitingResult:
    """Choose p sites maximising the weight reached within ``within_min`` minutes (HiGHS).

    max Σ_i w_i z_i  s.t.  z_i ≤ Σ_j a_ij y_j ∀i;  Σ_j y_j = p;  y_j ∈ {0,1}, 0 ≤ z_i ≤ 1,
    with a_ij = [c_ij ≤ within_min]. The objective is residents covered.
    """
    check_p(problem, p)
    n, m = problem.shape
    a = problem.coverage(within_min)
    c = np.concatenate([np.zeros(m), -problem.weight])  # milp minimises
    integrality = np.concatenate([np.ones(m, dtype=int), np.zeros(n, dtype=int)])
    cover = sp.hstack([-sp.csr_matrix(a.astype(float)), sp.identity(n)], format="csr")
    count = sp.csr_matrix(np.concatenate([np.ones(m), np.zeros(n)])[None, :])
    x, _objective, bound, status = solve_milp(
        c,
        integrality,
        [LinearConstraint(cover, -np.inf, 0), LinearConstraint(count, p, p)],
        time_limit_s,
    )
    sites = tuple(int(j) for j in np.flatnonzero(x[:m] > 0.5))
    covered = reached(a, sites)
    value = float(problem.weight @ covered)
    return SitingResult(
        model=SitingModel.MAXIMAL_COVERING,
        method="highs",
        sites=sites,
        objective=value,
        bound=-bound,
        gap=relative_gap(value, -bound),
        assignment=nearest_assignment(problem, sites),
        covered=covered,
        status=status,
    )


def maximal_covering_heuristic(
    problem: SitingProblem, p: int, within_min: float, *, reference: float | None = None
) -> SitingResult:
    """Greedy (open the site adding most uncovered weight) then best-improvement interchange.

    Bound: ``reference`` when given, else the valid upper bound Σ w_i over demands that any
    candidate reaches. Greedy alone is within a factor (1 − 1/e) of optimal.
    """
    check_p(problem, p)
    _, _m = problem.shape
    a = problem.coverage(within_min)
    w = problem.weight
    sites: list[int] = []
    covered = np.zeros(problem.shape[0], dtype=bool)
    for _ in range(p):
        gains = w @ (a & ~covered[:, None])
        gains[sites] = -1.0
        pick = int(np.argmax(gains))
        sites.append(pick)
        covered = covered | reached(a, [pick])
    value = float(w @ covered)
    improved = True
    while improved:
        improved = False
        for pos in range(len(sites)):
            others = sites[:pos] + sites[pos + 1 :]
            base = reached(a, others)
            gains = w @ (a & ~base[:, None]) + float(w @ base)
            gains[sites] = -1.0
            k = int(np.argmax(gains))
            if gains[k] > value + 1e-9:
                sites[pos] = k
                value = float(gains[k])
                improved = True
    bound = reference if reference is not None else float(w @ a.any(axis=1))
    chosen = tuple(sorted(sites))
    cov = reached(a, chosen)
    return SitingResult(
        model=SitingModel.MAXIMAL_COVERING,
        method="heuristic",
        sites=chosen,
        objective=value,
        bound=bound,
        gap=relative_gap(value, bound),
        assignment=nearest_assignment(problem, chosen),
        covered=cov,
        status="local_optimum",
    )


def set_covering_exact(
    problem: SitingProblem, within_min: float, *, time_limit_s: float | None = None
) -> SitingResult:
    """Fewest sites so that every coverable demand is reached within ``within_min`` (HiGHS).

    min Σ_j y_j  s.t.  Σ_j a_ij y_j ≥ 1 for every demand i some candidate reaches; y ∈ {0,1}.
    Demands no candidate reaches are reported as not covered rather than making it infeasible.
    """
    _n, m = problem.shape
    a = problem.coverage(within_min)
    reachable = a.any(axis=1)
    if not reachable.any():
        raise ValueError("no demand point is within reach of any candidate")
    x, _objective, bound, status = solve_milp(
        np.ones(m),
        np.ones(m, dtype=int),
        [LinearConstraint(sp.csr_matrix(a[reachable].astype(float)), 1, np.inf)],
        time_limit_s,
    )
    sites = tuple(int(j) for j in np.flatnonzero(x > 0.5))
    return SitingResult(
        model=SitingModel.SET_COVERING,
        method="highs",
        sites=sites,
        objective=float(len(sites)),
        bound=float(np.ceil(bound - 1e-9)),
        gap=relative_gap(float(len(sites)), float(np.ceil(bound - 1e-9))),
        assignment=nearest_assignment(problem, sites),
        covered=reached(a, sites),
        status=status,
    )


def set_covering_heuristic(
    problem: SitingProblem, within_min: float, *, reference: float | None = None
) -> SitingResult:
    """Chvátal's greedy: open the site covering most still-uncovered demands until all coverable
    demands are covered (at most H(max column size) ≈ ln N times the optimum), then drop sites
    that became redundant. Bound: ``reference`` when given, else 1."""
    a = problem.coverage(within_min)
    todo = a.any(axis=1)
    if not todo.any():
        raise ValueError("no demand point is within reach of any candidate")
    sites: list[int] = []
    while todo.any():
        pick = int(np.argmax(a[todo].sum(axis=0)))
        sites.append(pick)
        todo &= ~a[:, pick]
    need = a.any(axis=1)
    for j in list(sites):
        rest = [k for k in sites if k != j]
        if rest and bool(np.all(reached(a, rest)[need])):
            sites = rest
    bound = reference if reference is not None else 1.0
    chosen = tuple(sorted(sites))
    return SitingResult(
        model=SitingModel.SET_COVERING,
        method="heuristic",
        sites=chosen,
        objective=float(len(chosen)),
        bound=bound,
        gap=relative_gap(float(len(chosen)), bound),
        assignment=nearest_assignment(problem, chosen),
        covered=reached(a, chosen),
        status="heuristic",
    )
