"""Siting: heuristic (greedy + interchange) against the exact MIP (HiGHS) — time and gap.

Random instances in a Shenzhen-sized box (113.75–114.62 °E, 22.45–22.86 °N): N demand points
with 100–5,000 residents each and 100 candidate sites near randomly chosen demand points; travel
time is great-circle distance at 30 km/h. For p-median (p = 10) and maximal covering (p = 10,
within 15 min) it prints the exact solve time, its own optimality gap (HiGHS dual bound), the
heuristic time and the heuristic's gap against the exact objective, and the ratio of the times.
Exact solves get a time limit (``--time-limit``, default 120 s); a solve that hits it reports
the gap to HiGHS's bound instead of 0.

Run: ``.venv/bin/python benchmarks/siting.py`` (``--quick`` for 100/200 points). Timing never
decides a test.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from functools import partial

import numpy as np

from lifeline.reserves.siting import (
    SitingProblem,
    SitingResult,
    maximal_covering_exact,
    maximal_covering_heuristic,
    p_median_exact,
    p_median_heuristic,
)

CANDIDATES = 100
P = 10
WITHIN_MIN = 15.0
SPEED_KMH = 30.0


def instance(n: int, seed: int) -> SitingProblem:
    rng = np.random.default_rng(seed)
    demand = np.column_stack([rng.uniform(113.75, 114.62, n), rng.uniform(22.45, 22.86, n)])
    picks = rng.choice(n, CANDIDATES, replace=False)
    candidates = demand[picks] + rng.normal(0.0, 0.005, (CANDIDATES, 2))
    weight = rng.integers(100, 5_000, n)
    return SitingProblem.from_points(demand, candidates, weight, SPEED_KMH)


def timed(fn: Callable[[], SitingResult]) -> tuple[SitingResult, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 and 200 demand points")
    parser.add_argument("--time-limit", type=float, default=120.0, help="exact solve limit, s")
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args(argv)
    sizes = (100, 200) if args.quick else (500, 2_000)
    print(f"Siting benchmark: {CANDIDATES} candidates, p = {P}, cover within {WITHIN_MIN:g} min")
    print(
        f"{'model':<17} {'N':>5} {'exact s':>9} {'exact gap':>10} {'heur s':>8} "
        f"{'heur gap':>9} {'exact/heur time':>16}"
    )
    for n in sizes:
        problem = instance(n, args.seed + n)
        exact, t_exact = timed(partial(p_median_exact, problem, P, time_limit_s=args.time_limit))
        heur, t_heur = timed(partial(p_median_heuristic, problem, P, reference=exact.bound))
        heur_vs_exact = (heur.objective - exact.objective) / heur.objective
        print(
            f"{'p-median':<17} {n:>5} {t_exact:>9.2f} {exact.gap:>10.2e} {t_heur:>8.3f} "
            f"{heur_vs_exact:>9.2%} {t_exact / t_heur:>16.1f}"
        )
        cover, t_cover = timed(
            partial(maximal_covering_exact, problem, P, WITHIN_MIN, time_limit_s=args.time_limit)
        )
        greedy, t_greedy = timed(
            partial(maximal_covering_heuristic, problem, P, WITHIN_MIN, reference=cover.bound)
        )
        greedy_vs_exact = (cover.objective - greedy.objective) / cover.objective
        print(
            f"{'maximal covering':<17} {n:>5} {t_cover:>9.2f} {cover.gap:>10.2e} "
            f"{t_greedy:>8.3f} {greedy_vs_exact:>9.2%} {t_cover / t_greedy:>16.1f}"
        )


if __name__ == "__main__":
    main()
