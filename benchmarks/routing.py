"""Road routing: one-to-many query p50/p99 and a many-to-many matrix, against plain Dijkstra.

Networks: the Helsinki OpenStreetMap extract shipped with the tests, and a generated street
grid of 500,000 nodes centred on Shenzhen (``--quick``: 20,000). For each:

- **one-to-many** — what a recommendation asks: 200 units at random points and one incident,
  p50 and p99 over many incidents, as ``nearest-10`` (``nearest_to_one_s``: the 10 fastest
  units ranked, searching outward only as far as they need), ``bounded`` (``to_one_s``: every
  unit's time, one backward search bounded by the horizon), and two baselines in the same
  run: ``unbounded`` (scipy's Dijkstra over the whole network) and ``networkx`` (a plain
  Dijkstra in Python, ``single_source_dijkstra_path_length`` on the reversed graph, unbounded,
  fewer queries); and ``kept-trees``: the units' forward search trees kept beforehand
  (``keep_trees``, units standing at their stations), so the query is a look-up — the warm-up
  time and memory are printed;
- **horizon** — the bounded query's p50/p99 at 10, 30 and 60 minutes on the largest network;
- **many-to-many** — a 1,000 × 5,000 matrix (``--quick``: 50 × 200) on the largest network,
  bounded against unbounded: time and peak traced memory (tracemalloc; numpy reports its
  arrays to it).

Ratios are baseline time ÷ bounded time, measured in this run. Run:
``.venv/bin/python benchmarks/routing.py`` (several minutes; ``--quick`` for seconds). Timing
never decides a test.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path

import networkx as nx
import numpy as np

from lifeline.geo._osm import load_pbf
from lifeline.geo.network import RoadNetwork
from lifeline.geo.road import RoadTravelTimes
from lifeline.geo.synthetic import synthetic_network
from lifeline.geo.travel import FloatArray

HELSINKI = Path(__file__).resolve().parents[1] / "tests" / "data" / "roads" / "helsinki.osm.pbf"
UNITS = 200
NEAREST = 10
HORIZON_S = 1800.0


def random_points(net: RoadNetwork, k: int, rng: np.random.Generator) -> list[tuple[float, float]]:
    """``k`` points within about 30 m of random nodes (so each snaps with a short access leg)."""
    nodes = rng.integers(0, net.node_count, k)
    jitter = rng.uniform(-0.0002, 0.0002, (k, 2))
    return [
        (float(net.lon[n] + dx), float(net.lat[n] + dy))
        for n, (dx, dy) in zip(nodes.tolist(), jitter, strict=True)
    ]


def percentiles_ms(samples: list[float]) -> tuple[float, float]:
    arr = np.asarray(samples) * 1000.0
    return float(np.percentile(arr, 50)), float(np.percentile(arr, 99))


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def one_to_many(
    travel: RoadTravelTimes,
    queries: int,
    rng: np.random.Generator,
    nearest: int = 0,
    keep: bool = False,
) -> list[float]:
    """Seconds per query: all units' times (``to_one_s``), or the ``nearest`` fastest ranked;
    with ``keep``, the units' search trees are kept first (units at their stations)."""
    units = random_points(travel.network, UNITS, rng)
    incidents = random_points(travel.network, queries, rng)
    if keep:
        tracemalloc.start()
        warm_s = timed(partial(travel.keep_trees, units))
        peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"  (kept {UNITS} trees in {warm_s:.2f} s, peak traced memory {peak_mib:.0f} MiB)")
    if nearest:
        return [
            timed(partial(travel.nearest_to_one_s, units, incident, nearest))
            for incident in incidents
        ]
    return [timed(partial(travel.to_one_s, units, incident)) for incident in incidents]


def networkx_baseline(net: RoadNetwork, queries: int, rng: np.random.Generator) -> list[float]:
    reverse = nx.DiGraph()
    reverse.add_weighted_edges_from(
        zip(net.head.tolist(), net.tail.tolist(), net.time_s.tolist(), strict=True)
    )
    sources = rng.integers(0, net.node_count, queries).tolist()
    return [
        timed(partial(nx.single_source_dijkstra_path_length, reverse, source, weight="weight"))
        for source in sources
    ]


def matrix_run(
    travel: RoadTravelTimes, origins: list[tuple[float, float]], targets: list[tuple[float, float]]
) -> tuple[float, float, FloatArray]:
    tracemalloc.start()
    start = time.perf_counter()
    out = travel.matrix_s(origins, targets)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, peak / 2**20, out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000-node grid, few queries")
    parser.add_argument("--seed", type=int, default=20261207)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    grid_nodes = 20_000 if args.quick else 500_000
    queries, nx_queries = (20, 3) if args.quick else (200, 5)
    m_origins, m_targets = (50, 200) if args.quick else (1_000, 5_000)

    print(f"Routing benchmark: {UNITS} units -> one incident, horizon {HORIZON_S:g} s")
    print(f"{'network':<28} {'nodes':>9} {'edges':>10} {'build s':>8}")
    networks: list[RoadNetwork] = []
    builders: list[Callable[[], RoadNetwork]] = [
        partial(load_pbf, HELSINKI),
        partial(synthetic_network, grid_nodes, seed=1),
    ]
    for build in builders:
        start = time.perf_counter()
        net = build()
        RoadTravelTimes(net, horizon_s=HORIZON_S)  # build time includes the snapping index
        elapsed = time.perf_counter() - start
        networks.append(net)
        print(f"{net.name:<28} {net.node_count:>9,} {net.edge_count:>10,} {elapsed:>8.2f}")

    print()
    print("One-to-many latency: 200 units -> one incident")
    print(f"{'network':<28} {'method':<10} {'queries':>7} {'p50 ms':>9} {'p99 ms':>9}")
    for net in networks:
        bounded = RoadTravelTimes(net, horizon_s=HORIZON_S)
        unbounded = RoadTravelTimes(net, horizon_s=np.inf)
        stations = RoadTravelTimes(net, horizon_s=HORIZON_S, tree_budget_bytes=2**30)
        rows = {
            "kept-trees": (queries, one_to_many(stations, queries, rng, keep=True)),
            f"nearest-{NEAREST}": (queries, one_to_many(bounded, queries, rng, NEAREST)),
            "bounded": (queries, one_to_many(bounded, queries, rng)),
            "unbounded": (queries, one_to_many(unbounded, queries, rng)),
            "networkx": (nx_queries, networkx_baseline(net, nx_queries, rng)),
        }
        p50 = {}
        for method, (count, samples) in rows.items():
            p50[method], p99 = percentiles_ms(samples)
            print(f"{net.name:<28} {method:<10} {count:>7} {p50[method]:>9.2f} {p99:>9.2f}")
        for method in ("unbounded", "networkx"):
            print(f"ratio {method}/bounded p50 {net.name}: {p50[method] / p50['bounded']:.2f}")
        for method in ("bounded", "unbounded", "networkx"):
            ratio = p50[method] / p50[f"nearest-{NEAREST}"]
            print(f"ratio {method}/nearest-{NEAREST} p50 {net.name}: {ratio:.2f}")
        for method in ("bounded", "unbounded", "networkx"):
            print(
                f"ratio {method}/kept-trees p50 {net.name}: {p50[method] / p50['kept-trees']:.2f}"
            )

    biggest = networks[-1]
    print()
    print(f"Horizon of the bounded query on {biggest.name}")
    print(f"{'horizon s':>9} {'p50 ms':>9} {'p99 ms':>9}")
    for horizon in (600.0, 1800.0, 3600.0):
        p50_h, p99_h = percentiles_ms(
            one_to_many(RoadTravelTimes(biggest, horizon_s=horizon), queries, rng)
        )
        print(f"{horizon:>9.0f} {p50_h:>9.2f} {p99_h:>9.2f}")

    print()
    print(f"Many-to-many {m_origins:,} x {m_targets:,} on {biggest.name}")
    print(f"{'method':<10} {'seconds':>9} {'peak MiB':>9} {'reachable':>10}")
    origins = random_points(biggest, m_origins, rng)
    targets = random_points(biggest, m_targets, rng)
    seconds = {}
    for method, horizon in (("bounded", HORIZON_S), ("unbounded", np.inf)):
        elapsed, peak_mib, out = matrix_run(
            RoadTravelTimes(biggest, horizon_s=horizon), origins, targets
        )
        seconds[method] = elapsed
        share = float(np.isfinite(out).mean())
        print(f"{method:<10} {elapsed:>9.2f} {peak_mib:>9.1f} {share:>10.1%}")
    print(f"ratio unbounded/bounded many-to-many: {seconds['unbounded'] / seconds['bounded']:.2f}")


if __name__ == "__main__":
    main()
