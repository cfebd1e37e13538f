"""Turn the ``road_network`` setting into travel times: a ``.osm.pbf`` path or ``synthetic:N``.

``synthetic:N`` (optionally ``synthetic:N:SEED`` or ``synthetic:N:SEED:SPACING_M``, the grid
spacing in metres, 120 by default) generates the seeded grid of
:mod:`lifeline.geo.synthetic`; anything else is the path of an OpenStreetMap extract read by
:mod:`lifeline.geo._osm`. Networks are cached per process by spec (and file modification time),
so every platform built in one process shares one copy.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lifeline.geo._osm import load_pbf
from lifeline.geo.network import MalformedNetwork, RoadNetwork
from lifeline.geo.road import DEFAULT_TREE_BUDGET_BYTES, RoadTravelTimes
from lifeline.geo.synthetic import synthetic_network

SYNTHETIC_PREFIX = "synthetic:"
DEFAULT_SPACING_M = 120.0


def load_network(spec: str) -> RoadNetwork:
    """The network named by ``spec`` (raises a :class:`~lifeline.geo.network.RoadNetworkError`)."""
    spec = spec.strip()
    if spec.startswith(SYNTHETIC_PREFIX):
        nodes, seed, spacing_m = _parse_synthetic(spec)
        return _synthetic(nodes, seed, spacing_m)
    path = Path(spec).expanduser()
    mtime = path.stat().st_mtime_ns if path.is_file() else 0
    return _pbf(str(path.resolve()), mtime)


def road_travel_times(
    spec: str,
    *,
    horizon_s: float,
    snap_max_m: float,
    access_kmh: float,
    tree_budget_bytes: int = DEFAULT_TREE_BUDGET_BYTES,
) -> RoadTravelTimes:
    """:class:`RoadTravelTimes` on the network named by ``spec``, shared within the process."""
    return _travel(load_network(spec), horizon_s, snap_max_m, access_kmh, tree_budget_bytes)


def _parse_synthetic(spec: str) -> tuple[int, int, float]:
    parts = spec[len(SYNTHETIC_PREFIX) :].split(":")
    try:
        if len(parts) > 3:
            raise ValueError
        nodes = int(parts[0].replace("_", ""))
        seed = int(parts[1]) if len(parts) >= 2 else 0
        spacing_m = float(parts[2]) if len(parts) == 3 else DEFAULT_SPACING_M
        if not 10.0 <= spacing_m <= 5_000.0:
            raise ValueError
    except ValueError:
        raise MalformedNetwork(
            f"{spec!r} is not a synthetic network: write synthetic:NODES, synthetic:NODES:SEED "
            "or synthetic:NODES:SEED:SPACING_M (10 to 5,000 m)"
        ) from None
    return nodes, seed, spacing_m


@lru_cache(maxsize=4)
def _synthetic(nodes: int, seed: int, spacing_m: float) -> RoadNetwork:
    return synthetic_network(nodes, seed=seed, spacing_m=spacing_m)


@lru_cache(maxsize=4)
def _pbf(path: str, mtime_ns: int) -> RoadNetwork:
    del mtime_ns  # part of the cache key only: a changed file is read again
    return load_pbf(path)


@lru_cache(maxsize=4)
def _travel(
    network: RoadNetwork,
    horizon_s: float,
    snap_max_m: float,
    access_kmh: float,
    tree_budget_bytes: int,
) -> RoadTravelTimes:
    return RoadTravelTimes(
        network,
        horizon_s=horizon_s,
        snap_max_m=snap_max_m,
        access_kmh=access_kmh,
        tree_budget_bytes=tree_budget_bytes,
    )
