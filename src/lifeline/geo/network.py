"""The road network as a directed graph in compressed sparse row (CSR) arrays.

A :class:`RoadNetwork` holds node positions (WGS84 degrees) and directed edges with their
length (metres) and free-flow travel time (seconds). It is built from plain edge arrays by
:meth:`RoadNetwork.from_edges`, which validates them, merges parallel edges (keeping the
fastest), drops self-loops and keeps only the largest strongly connected component, so every
kept node can reach every other: a point snapped anywhere on the network is reachable from
anywhere else. The OSM loader (:mod:`lifeline.geo._osm`) and the synthetic generator
(:mod:`lifeline.geo.synthetic`) are thin wrappers over ``from_edges``.

Errors::

    ConfigurationError
    └── RoadNetworkError          the network cannot be used
        ├── MalformedNetwork      arrays of wrong shape, out-of-range ids, bad numbers, no edges
        └── DisconnectedNetwork   the largest strongly connected part keeps too little of it
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from lifeline.kernel.errors import ConfigurationError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

MIN_EDGE_TIME_S = 0.01
"""Shortest edge time kept: a zero weight would read as a missing edge in a sparse matrix."""

DEFAULT_MIN_KEPT_FRACTION = 0.5
"""A network whose largest strongly connected part holds less than this share is refused."""


class RoadNetworkError(ConfigurationError):
    """The road network cannot be used; the message says why."""


class MalformedNetwork(RoadNetworkError):
    """The input arrays are inconsistent (shapes, ids, numbers) or hold no usable edge."""


class DisconnectedNetwork(RoadNetworkError):
    """The network falls apart: its largest strongly connected part is too small a share."""


@dataclass(frozen=True, slots=True)
class NetworkSummary:
    """What was loaded and what was dropped on the way."""

    name: str
    nodes: int
    edges: int
    length_km: float
    bbox: tuple[float, float, float, float]  # (min lon, min lat, max lon, max lat)
    dropped_nodes: int
    dropped_edges: int
    one_way_edges: int


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """Directed road graph: edge ``e`` of node ``u`` is ``indptr[u] <= e < indptr[u + 1]``.

    ``head[e]`` is the node it leads to, ``length_m[e]`` its length and ``time_s[e]`` its
    free-flow travel time. Use :meth:`from_edges` rather than the constructor.
    """

    name: str
    lon: FloatArray
    lat: FloatArray
    indptr: IntArray
    head: IntArray
    length_m: FloatArray
    time_s: FloatArray
    dropped_nodes: int = 0
    dropped_edges: int = 0

    @property
    def node_count(self) -> int:
        return int(self.lon.shape[0])

    @property
    def edge_count(self) -> int:
        return int(self.head.shape[0])

    @cached_property
    def tail(self) -> IntArray:
        """The node each edge leaves from (the CSR row of every edge)."""
        out: IntArray = np.repeat(
            np.arange(self.node_count, dtype=np.int64), np.diff(self.indptr)
        ).astype(np.int64)
        return out

    @cached_property
    def forward(self) -> csr_matrix:
        """Travel times as an ``n × n`` sparse matrix: row = from, column = to."""
        return csr_matrix(
            (self.time_s.copy(), self.head.copy(), self.indptr.copy()),
            shape=(self.node_count, self.node_count),
        )

    @cached_property
    def backward(self) -> csr_matrix:
        """The transpose of :attr:`forward`: searching it from a node finds times *to* that node."""
        return self.forward.transpose().tocsr()

    def summary(self) -> NetworkSummary:
        """Sizes, extent and what was dropped (computed once)."""
        return self._summary

    @cached_property
    def _summary(self) -> NetworkSummary:
        n = self.node_count
        key = self.tail * n + self.head
        one_way = int(np.count_nonzero(~np.isin(self.head * n + self.tail, key)))
        return NetworkSummary(
            name=self.name,
            nodes=self.node_count,
            edges=self.edge_count,
            length_km=round(float(self.length_m.sum()) / 1000.0, 3),
            bbox=(
                float(self.lon.min()),
                float(self.lat.min()),
                float(self.lon.max()),
                float(self.lat.max()),
            ),
            dropped_nodes=self.dropped_nodes,
            dropped_edges=self.dropped_edges,
            one_way_edges=one_way,
        )

    @classmethod
    def from_edges(
        cls,
        name: str,
        lon: npt.ArrayLike,
        lat: npt.ArrayLike,
        tail: npt.ArrayLike,
        head: npt.ArrayLike,
        length_m: npt.ArrayLike,
        speed_kmh: npt.ArrayLike,
        *,
        min_kept_fraction: float = DEFAULT_MIN_KEPT_FRACTION,
    ) -> RoadNetwork:
        """Validate directed edges ``tail → head`` and build the network of their largest
        strongly connected component.

        Edge time t = length_m / (speed_kmh / 3.6), at least :data:`MIN_EDGE_TIME_S`. Parallel
        edges keep the fastest; self-loops are dropped. Nodes outside the largest strongly
        connected component, and their edges, are dropped and counted in
        :attr:`dropped_nodes` / :attr:`dropped_edges`.
        """
        x = np.asarray(lon, dtype=np.float64).ravel()
        y = np.asarray(lat, dtype=np.float64).ravel()
        u = np.asarray(tail).ravel()
        v = np.asarray(head).ravel()
        length = np.asarray(length_m, dtype=np.float64).ravel()
        speed = np.broadcast_to(np.asarray(speed_kmh, dtype=np.float64), length.shape).ravel()
        n = x.shape[0]
        _validate(name, x, y, u, v, length, speed)
        u = u.astype(np.int64)
        v = v.astype(np.int64)
        time = np.maximum(length / (speed / 3.6), MIN_EDGE_TIME_S)

        keep = u != v
        u, v, length, time = u[keep], v[keep], length[keep], time[keep]
        if u.size == 0:
            raise MalformedNetwork(f"road network {name!r} has no edge between distinct nodes")
        order = np.lexsort((time, v, u))  # by tail, then head, fastest first
        u, v, length, time = u[order], v[order], length[order], time[order]
        first = np.ones(u.shape[0], dtype=bool)
        first[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
        u, v, length, time = u[first], v[first], length[first], time[first]
        edges_in = int(u.shape[0])

        graph = csr_matrix((np.ones_like(time), (u, v)), shape=(n, n))
        _, labels = connected_components(graph, directed=True, connection="strong")
        counts = np.bincount(labels)
        biggest = int(np.argmax(counts))
        kept = labels == biggest
        kept_count = int(counts[biggest])
        if kept_count < 2 or kept_count < min_kept_fraction * n:
            raise DisconnectedNetwork(
                f"road network {name!r} is disconnected: its largest strongly connected part "
                f"has {kept_count} of {n} nodes ({kept_count / n:.1%}), below the "
                f"{min_kept_fraction:.0%} required; is the extract clipped or are one-way "
                "streets wrong?"
            )
        new_id = np.full(n, -1, dtype=np.int64)
        new_id[kept] = np.arange(kept_count, dtype=np.int64)
        edge_kept = kept[u] & kept[v]
        u, v = new_id[u[edge_kept]], new_id[v[edge_kept]]
        length, time = length[edge_kept], time[edge_kept]
        indptr = np.zeros(kept_count + 1, dtype=np.int64)
        np.cumsum(np.bincount(u, minlength=kept_count), out=indptr[1:])
        return cls(
            name=name,
            lon=x[kept].copy(),
            lat=y[kept].copy(),
            indptr=indptr,
            head=v,
            length_m=length,
            time_s=time,
            dropped_nodes=n - kept_count,
            dropped_edges=edges_in - int(u.shape[0]),
        )


def _validate(
    name: str,
    x: FloatArray,
    y: FloatArray,
    u: npt.NDArray[np.generic],
    v: npt.NDArray[np.generic],
    length: FloatArray,
    speed: FloatArray,
) -> None:
    n = x.shape[0]
    problems: list[str] = []
    if y.shape[0] != n:
        problems.append(f"{n} longitudes but {y.shape[0]} latitudes")
    if not (u.shape == v.shape == length.shape == speed.shape):
        problems.append("tail, head, length_m and speed_kmh differ in length")
    if n < 2:
        problems.append(f"{n} nodes (at least 2 needed)")
    if problems:
        raise MalformedNetwork(f"road network {name!r}: " + "; ".join(problems))
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        problems.append("a node position is not a finite number")
    elif np.any(np.abs(x) > 180) or np.any(np.abs(y) > 90):
        problems.append("a node position is outside lon [-180, 180] / lat [-90, 90]")
    if not (np.issubdtype(u.dtype, np.integer) and np.issubdtype(v.dtype, np.integer)):
        problems.append("tail and head must be integer node indices")
    elif u.size and (min(u.min(), v.min()) < 0 or max(u.max(), v.max()) >= n):
        problems.append(f"an edge names a node outside 0..{n - 1}")
    if not np.all(np.isfinite(length)) or np.any(length < 0):
        problems.append("an edge length is negative or not finite")
    if not np.all(np.isfinite(speed)) or np.any(speed <= 0):
        problems.append("an edge speed is not a positive number")
    if problems:
        raise MalformedNetwork(f"road network {name!r}: " + "; ".join(problems))
