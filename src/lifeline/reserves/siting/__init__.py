"""Depot and station siting on a cost matrix: p-median, maximal covering and set covering.

Every model is built from a plain cost matrix (``SitingProblem.from_cost_matrix``): ``cost_min``
is an (N, M) array of travel times in minutes from demand point i to candidate site j, ``weight``
an (N,) array of demand weights (residents). ``from_points`` is a thin wrapper that fills the
matrix with great-circle distance at a stated speed until the routing provider supplies times.

Exact solutions are mixed-integer programmes solved with HiGHS through
:func:`scipy.optimize.milp`; the heuristics are greedy construction followed by vertex
substitution (Teitz–Bart interchange). Every result reports the optimality gap against the best
bound it knows: HiGHS's dual bound for exact solves, and for heuristics a simple valid bound
(stated per function) or an exact objective passed in.
"""

from __future__ import annotations

from lifeline.reserves.siting.covering import (
    maximal_covering_exact,
    maximal_covering_heuristic,
    set_covering_exact,
    set_covering_heuristic,
)
from lifeline.reserves.siting.p_median import p_median_exact, p_median_heuristic
from lifeline.reserves.siting.problem import SitingModel, SitingProblem, SitingResult, to_geojson

__all__ = [
    "SitingModel",
    "SitingProblem",
    "SitingResult",
    "maximal_covering_exact",
    "maximal_covering_heuristic",
    "p_median_exact",
    "p_median_heuristic",
    "set_covering_exact",
    "set_covering_heuristic",
    "to_geojson",
]
