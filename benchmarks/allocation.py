"""Allocation: 100 incidents × 200 depots × 50 materials through the transportation LP (HiGHS).

Each depot holds one lot of every material (0–40 units, expiring in 10–1,000 days); each
incident needs 10 random materials (1–30 units each); travel time is great-circle distance at
30 km/h inside a Shenzhen-sized box. Prints the solve time, shipments, units sent and unmet, and
the time per incident. Run: ``.venv/bin/python benchmarks/allocation.py`` (``--quick`` for a
10 × 20 × 5 smoke run). Timing never decides a test.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from lifeline.reserves.allocation import allocate
from lifeline.reserves.gaps import haversine_m, travel_time_min


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 incidents, 20 depots, 5 materials")
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args(argv)
    n_inc, n_dep, n_mat = (10, 20, 5) if args.quick else (100, 200, 50)
    rng = np.random.default_rng(args.seed)
    inc = np.column_stack([rng.uniform(113.75, 114.62, n_inc), rng.uniform(22.45, 22.86, n_inc)])
    dep = np.column_stack([rng.uniform(113.75, 114.62, n_dep), rng.uniform(22.45, 22.86, n_dep)])
    times = travel_time_min(haversine_m(dep[:, 0], dep[:, 1], inc[:, 0], inc[:, 1]), 30.0)
    demand = np.zeros((n_inc, n_mat))
    for i in range(n_inc):
        needs = rng.choice(n_mat, min(10, n_mat), replace=False)
        demand[i, needs] = rng.integers(1, 31, needs.size)
    lot_depot = np.repeat(np.arange(n_dep), n_mat)
    lot_material = np.tile(np.arange(n_mat), n_dep)
    stock = rng.integers(0, 41, lot_depot.size).astype(float)
    days = rng.uniform(10, 1_000, lot_depot.size)
    start = time.perf_counter()
    result = allocate(demand, times, lot_depot, lot_material, stock, days)
    elapsed = time.perf_counter() - start
    sent = sum(s.quantity for s in result.shipments)
    print(f"Allocation benchmark: {n_inc} incidents x {n_dep} depots x {n_mat} materials")
    print(f"{'solve s':>8} {'shipments':>10} {'units sent':>11} {'unmet':>7} {'ms/incident':>12}")
    print(
        f"{elapsed:>8.2f} {len(result.shipments):>10} {sent:>11.0f} "
        f"{result.unmet.sum():>7.0f} {1000 * elapsed / n_inc:>12.1f}"
    )
    print(f"mean travel time per unit sent: {result.cost / max(sent, 1):.1f} min")


if __name__ == "__main__":
    main()
