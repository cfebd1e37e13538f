"""A seeded synthetic road network: a jittered street grid with arterials and one-way streets.

Used by tests, benchmarks and the demo when no OpenStreetMap extract is at hand. The grid is
centred on Shenzhen (Futian) by default. Every ``arterial_every``-th row and column is a two-way
arterial at ``arterial_kmh``; the other streets run at ``local_kmh``; every fourth local row and
column is one-way, alternating direction; a seeded share of local street segments is removed
so the grid is not perfectly regular. The same arguments always give the same network.
"""

from __future__ import annotations

import math

import numpy as np

from lifeline.geo.network import MalformedNetwork, RoadNetwork
from lifeline.kernel.geo import EARTH_RADIUS_M

SHENZHEN_CENTRE = (114.0579, 22.5431)
"""(lon, lat) of Futian, Shenzhen's civic centre."""

MAX_SYNTHETIC_NODES = 5_000_000


def synthetic_network(
    nodes: int,
    *,
    seed: int = 0,
    centre: tuple[float, float] = SHENZHEN_CENTRE,
    spacing_m: float = 120.0,
    jitter: float = 0.25,
    arterial_every: int = 8,
    arterial_kmh: float = 60.0,
    local_kmh: float = 30.0,
    removed_share: float = 0.03,
) -> RoadNetwork:
    """About ``nodes`` junctions (exactly ``nodes`` before the strongly connected part is kept)
    on a square grid of ``spacing_m`` with each junction moved by up to ``jitter`` × spacing.

    Edge lengths are the straight distances between the moved junctions (metres, local
    equirectangular projection); times follow from the street's speed.
    """
    if not 4 <= nodes <= MAX_SYNTHETIC_NODES:
        raise MalformedNetwork(
            f"a synthetic network needs between 4 and {MAX_SYNTHETIC_NODES} nodes, not {nodes}"
        )
    rng = np.random.default_rng(seed)
    cols = math.ceil(math.sqrt(nodes))
    idx = np.arange(nodes, dtype=np.int64)
    row, col = idx // cols, idx % cols
    rows = int(row.max()) + 1
    x_m = (col - (cols - 1) / 2) * spacing_m + rng.uniform(-jitter, jitter, nodes) * spacing_m
    y_m = (row - (rows - 1) / 2) * spacing_m + rng.uniform(-jitter, jitter, nodes) * spacing_m
    lon0, lat0 = centre
    lat = lat0 + np.degrees(y_m / EARTH_RADIUS_M)
    lon = lon0 + np.degrees(x_m / (EARTH_RADIUS_M * math.cos(math.radians(lat0))))

    # segments along rows (west → east) and along columns (south → north)
    east = idx[(col + 1 < cols) & (idx + 1 < nodes)]
    north = idx[idx + cols < nodes]
    seg_a = np.concatenate([east, north])
    seg_b = np.concatenate([east + 1, north + cols])
    line = np.concatenate([row[east], col[north]])  # the row or column the segment lies on
    arterial = line % arterial_every == 0
    one_way = ~arterial & (line % 4 == 2)
    reverse = one_way & ((line // 4) % 2 == 1)  # alternate directions street by street
    removed = ~arterial & (rng.random(seg_a.shape[0]) < removed_share)
    seg_a, seg_b = seg_a[~removed], seg_b[~removed]
    arterial, one_way, reverse = arterial[~removed], one_way[~removed], reverse[~removed]

    src = np.where(reverse, seg_b, seg_a)
    dst = np.where(reverse, seg_a, seg_b)
    two = ~one_way
    tail = np.concatenate([src, dst[two]])
    head = np.concatenate([dst, src[two]])
    speed = np.where(np.concatenate([arterial, arterial[two]]), arterial_kmh, local_kmh)
    length = np.hypot(x_m[tail] - x_m[head], y_m[tail] - y_m[head])
    return RoadNetwork.from_edges(
        f"synthetic:{nodes} (seed {seed})", lon, lat, tail, head, length, speed
    )
