"""``RoadTravelTimes``: the :class:`~lifeline.geo.travel.TravelTimes` port on a road network.

A query point is snapped to its nearest node and the time from point a to point b is

    t(a, b) = d_a / v_access + T(node_a, node_b) + d_b / v_access

where d is the snapping distance (metres), v_access the speed of that first and last stretch
and T the network's shortest travel time (seconds). Searches are bounded by ``horizon_s``:
any time beyond it reads ``inf`` (unreachable in time). A point farther than the snapping limit
from every road (:mod:`lifeline.geo.snapping`: at sea, outside the extract) is unreachable too:
its rows or columns read ``inf`` and :meth:`RoadTravelTimes.off_network` says why; only a
route, which needs both ends on the network, refuses it. Matrices search from whichever side
has fewer distinct nodes (forward from the origins, or backward from the targets), unless every
origin has a search tree kept by :meth:`RoadTravelTimes.keep_trees` (units at their stations):
then the times are looked up.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from lifeline.geo.network import FloatArray, IntArray, NetworkSummary, RoadNetwork
from lifeline.geo.routing import shortest_path, times_between
from lifeline.geo.snapping import DEFAULT_SNAP_MAX_M, Snapped, Snapper, as_points
from lifeline.geo.travel import LonLat
from lifeline.kernel.errors import FieldProblem

DEFAULT_HORIZON_S = 1800.0
"""Longest travel time searched for (seconds); anything farther is ``inf``."""

DEFAULT_ACCESS_KMH = 20.0
"""Speed between a point and its snapped node (km/h): the slow first and last metres."""

DEFAULT_TREE_BUDGET_BYTES = 256 * 1024 * 1024
"""Memory for kept search trees (:meth:`RoadTravelTimes.keep_trees`), bytes."""

TREE_CHUNK = 16
"""Trees searched per call to the search routine while warming (the lock is free between)."""


@dataclass(frozen=True, slots=True)
class TreeWarmth:
    """What :meth:`RoadTravelTimes.warm_trees` did: distinct origin nodes wanted, trees kept
    after it, searched and dropped by it, nodes left without a tree for the budget, and the
    memory the trees hold (bytes)."""

    wanted: int
    kept: int
    searched: int
    dropped: int
    beyond_budget: int
    bytes: int


@dataclass(frozen=True, slots=True)
class Route:
    """A fastest route: its polyline (lon, lat) from origin to target, time and length."""

    coordinates: tuple[LonLat, ...]
    eta_s: float
    distance_m: float
    origin_snap_m: float
    target_snap_m: float
    nodes: int

    def to_geojson(self) -> dict[str, object]:
        """A GeoJSON Feature with a LineString geometry and the route's figures."""
        return {
            "type": "Feature",
            "geometry": {
                "type": "LineString",
                "coordinates": [[lon, lat] for lon, lat in self.coordinates],
            },
            "properties": {
                "eta_s": round(self.eta_s, 1),
                "distance_m": round(self.distance_m, 1),
                "origin_snap_m": round(self.origin_snap_m, 1),
                "target_snap_m": round(self.target_snap_m, 1),
                "nodes": self.nodes,
            },
        }


class RoadTravelTimes:
    """Travel times and routes on an in-memory road network (one copy per worker process)."""

    def __init__(
        self,
        network: RoadNetwork,
        *,
        horizon_s: float = DEFAULT_HORIZON_S,
        snap_max_m: float = DEFAULT_SNAP_MAX_M,
        access_kmh: float = DEFAULT_ACCESS_KMH,
        tree_budget_bytes: int = DEFAULT_TREE_BUDGET_BYTES,
    ) -> None:
        if not (horizon_s > 0 and snap_max_m > 0 and access_kmh > 0):
            raise ValueError("horizon_s, snap_max_m and access_kmh must be positive")
        self.network = network
        self.horizon_s = horizon_s
        self.access_mps = access_kmh / 3.6
        self.snapper = Snapper(network.lon, network.lat, max_m=snap_max_m)
        self.max_trees = max(0, tree_budget_bytes // (4 * network.node_count))
        self._tree_slot: OrderedDict[int, int] = OrderedDict()  # node → row of _tree_rows
        self._tree_rows: npt.NDArray[np.float32] = np.zeros((0, network.node_count), np.float32)
        self._free: list[int] = []  # rows of _tree_rows holding no tree
        self._trees_lock = threading.Lock()
        network.forward.sort_indices()
        network.backward.sort_indices()

    @property
    def description(self) -> str:
        net = self.network
        return (
            f"road network {net.name} ({net.node_count:,} nodes, {net.edge_count:,} edges); "
            f"points snapped within {self.snapper.max_m:g} m; times beyond "
            f"{self.horizon_s:g} s read as unreachable"
        )

    def summary(self) -> NetworkSummary:
        return self.network.summary()

    def snap(self, points: Sequence[LonLat], field: str = "points") -> Snapped:
        """Snap points to nodes; :class:`~lifeline.geo.snapping.OffNetwork` names any too far."""
        return self.snapper.snap(as_points(points, field), field)

    def off_network(
        self, points: Sequence[LonLat], field: str, *, single: bool = False
    ) -> list[FieldProblem]:
        """Why each point farther than the snapping limit from every road cannot be routed
        (``field[i]``, or ``field`` when ``single``); empty when every point is on the network."""
        arr = as_points(points, field)
        return self.snapper.problems(arr, self.snapper.locate(arr), field, single=single)

    def _locate(self, points: Sequence[LonLat], field: str) -> Snapped:
        return self.snapper.locate(as_points(points, field))

    def matrix_s(self, origins: Sequence[LonLat], targets: Sequence[LonLat]) -> FloatArray:
        return self._matrix(self._locate(origins, "origins"), self._locate(targets, "targets"))

    def to_one_s(self, origins: Sequence[LonLat], target: LonLat) -> FloatArray:
        o = self._locate(origins, "origins")
        out: FloatArray = self._matrix(o, self._locate([target], "target"))[:, 0]
        return out

    def from_one_s(self, origin: LonLat, targets: Sequence[LonLat]) -> FloatArray:
        t = self._locate(targets, "targets")
        out: FloatArray = self._matrix(self._locate([origin], "origin"), t)[0]
        return out

    def nearest_to_one_s(
        self, origins: Sequence[LonLat], target: LonLat, k: int, *, start_s: float = 300.0
    ) -> FloatArray:
        """Like :meth:`to_one_s`, but searching only as far as the ``k`` fastest origins need.

        One backward search from the target with limit L = ``start_s``, doubled (up to the
        horizon) until at least ``k`` origins (or all of them) arrive within L. Every origin
        whose network time is ≤ L is exact; the others read ``inf``. Since any origin left out
        has network time, hence total time, above L, and k origins arrive within L, the ``k``
        fastest are always exact: ranking them needs no more. The search costs the isochrone of
        the k-th fastest origin (at most about twice, from the doubling), not the horizon's.
        Origins off the network read ``inf``, and all of them when the target is off it.
        """
        if k < 1:
            raise ValueError("k must be at least 1")
        located = self._locate(origins, "origins")
        t = self._locate([target], "target")
        out: FloatArray = np.full(located.node.shape[0], np.inf)
        on = located.distance_m <= self.snapper.max_m
        if not on.any() or t.distance_m[0] > self.snapper.max_m:
            return out
        o = Snapped(located.node[on], located.distance_m[on])
        o_nodes, o_inv = np.unique(o.node, return_inverse=True)
        if self._kept_rows(o_nodes, t.node) is not None:  # all exact from kept trees
            out[on] = self._matrix(o, t)[:, 0]
            return out
        backward = self.network.backward
        access_t = float(t.distance_m[0]) / self.access_mps
        limit = min(start_s, self.horizon_s)
        while True:
            core = times_between(backward, t.node, o_nodes, limit_s=limit)[0][o_inv.ravel()]
            times: FloatArray = core + o.distance_m / self.access_mps + access_t
            times[times > self.horizon_s] = np.inf
            if (
                np.count_nonzero(times <= limit) >= min(k, times.shape[0])
                or limit >= self.horizon_s
            ):
                out[on] = times
                return out
            limit = min(2.0 * limit, self.horizon_s)

    def keep_trees(self, origins: Sequence[LonLat]) -> int:
        """Search forward once from each origin's node and keep every node's time from it, so
        later queries whose origins all have a kept tree (units at their home stations) are
        look-ups instead of searches. Returns how many trees are kept. Origins off the network
        have no tree (they are unreachable) and are skipped.

        Trees are float32 seconds (``inf`` beyond the horizon), one per node: 4 bytes × nodes
        each, at most :attr:`max_trees` of them (``tree_budget_bytes``); the least recently used
        is dropped first.
        """
        nodes = self._origin_nodes(origins)
        with self._trees_lock:
            missing = [n for n in nodes if n not in self._tree_slot]
            self._reserve(min(self.max_trees, len(self._tree_slot) + len(missing)))
        self._search_and_store(missing)
        with self._trees_lock:
            return len(self._tree_slot)

    def warm_trees(self, origins: Sequence[LonLat]) -> TreeWarmth:
        """Keep exactly the trees of ``origins``, in priority order: the first :attr:`max_trees`
        distinct on-network nodes among them (earlier origins first — home stations before
        units out on the road). Trees of other nodes are dropped, missing ones searched (in
        chunks, so queries keep being answered meanwhile). Idempotent: calling it again with
        the same origins searches nothing.
        """
        nodes = self._origin_nodes(origins)
        wanted = nodes[: self.max_trees]
        keep = set(wanted)
        with self._trees_lock:
            dropped = [n for n in self._tree_slot if n not in keep]
            for n in dropped:
                self._free.append(self._tree_slot.pop(n))
            missing = [n for n in wanted if n not in self._tree_slot]
            self._reserve(len(wanted))
        self._search_and_store(missing)
        with self._trees_lock:
            kept = len(self._tree_slot)
        return TreeWarmth(
            wanted=len(nodes),
            kept=kept,
            searched=len(missing),
            dropped=len(dropped),
            beyond_budget=len(nodes) - len(wanted),
            bytes=self.tree_bytes,
        )

    @property
    def kept_trees(self) -> int:
        """How many search trees are kept now."""
        with self._trees_lock:
            return len(self._tree_slot)

    @property
    def tree_bytes(self) -> int:
        """Memory held for kept trees (bytes), at most ``tree_budget_bytes``."""
        return int(self._tree_rows.nbytes)

    def _origin_nodes(self, origins: Sequence[LonLat]) -> list[int]:
        """Distinct nodes of the on-network origins, in the order first met."""
        located = self._locate(origins, "origins")
        on = located.node[located.distance_m <= self.snapper.max_m]
        return list(dict.fromkeys(on.tolist()))

    def _search_and_store(self, missing: list[int]) -> None:
        every = np.arange(self.network.node_count, dtype=np.int64)
        for start in range(0, len(missing), TREE_CHUNK):
            chunk = np.asarray(missing[start : start + TREE_CHUNK], dtype=np.int64)
            rows = times_between(self.network.forward, chunk, every, limit_s=self.horizon_s)
            with self._trees_lock:
                for node, row in zip(chunk.tolist(), rows, strict=True):
                    self._store_tree(node, row)

    def _store_tree(self, node: int, row: FloatArray) -> None:
        if self.max_trees == 0:
            return
        if node in self._tree_slot:
            slot = self._tree_slot[node]
        elif self._free:
            slot = self._free.pop()
        elif self._tree_rows.shape[0] < self.max_trees:
            slot = self._tree_rows.shape[0]
            self._reserve(slot + 1)
        else:  # reuse the least recently used tree's row
            _, slot = self._tree_slot.popitem(last=False)
        self._tree_rows[slot] = row
        self._tree_slot[node] = slot
        self._tree_slot.move_to_end(node)

    def _reserve(self, rows: int) -> None:
        """Make room for ``rows`` trees (growing once, not tree by tree); new rows are free."""
        have = self._tree_rows.shape[0]
        rows = min(rows, self.max_trees)
        if rows > have:
            grown = np.empty((rows, self.network.node_count), np.float32)
            grown[:have] = self._tree_rows
            self._tree_rows = grown
            self._free.extend(range(rows - 1, have - 1, -1))

    def _kept_rows(self, o_nodes: IntArray, t_nodes: IntArray) -> FloatArray | None:
        """Times from every origin node to the target nodes from kept trees, or ``None``."""
        with self._trees_lock:
            slot = self._tree_slot
            if not slot or any(n not in slot for n in o_nodes.tolist()):
                return None
            for n in o_nodes.tolist():
                slot.move_to_end(n)
            rows = np.fromiter((slot[n] for n in o_nodes.tolist()), np.int64, o_nodes.shape[0])
            out: FloatArray = self._tree_rows[np.ix_(rows, t_nodes)].astype(np.float64)
        return out

    def _matrix(self, o: Snapped, t: Snapped) -> FloatArray:
        """Times between located points; rows and columns of points off the network are inf."""
        max_m = self.snapper.max_m
        on_o, on_t = o.distance_m <= max_m, t.distance_m <= max_m
        if on_o.all() and on_t.all():
            return self._on_network(o, t)
        out: FloatArray = np.full((o.node.shape[0], t.node.shape[0]), np.inf)
        if on_o.any() and on_t.any():
            out[np.ix_(on_o, on_t)] = self._on_network(
                Snapped(o.node[on_o], o.distance_m[on_o]), Snapped(t.node[on_t], t.distance_m[on_t])
            )
        return out

    def _on_network(self, o: Snapped, t: Snapped) -> FloatArray:
        o_nodes, o_inv = np.unique(o.node, return_inverse=True)
        t_nodes, t_inv = np.unique(t.node, return_inverse=True)
        net = self.network
        kept = self._kept_rows(o_nodes, t_nodes)
        if kept is not None:
            core = kept
        elif o_nodes.shape[0] <= t_nodes.shape[0]:
            core = times_between(net.forward, o_nodes, t_nodes, limit_s=self.horizon_s)
        else:
            core = times_between(net.backward, t_nodes, o_nodes, limit_s=self.horizon_s).T
        times: FloatArray = (
            core[np.ix_(o_inv.ravel(), t_inv.ravel())]
            + (o.distance_m / self.access_mps)[:, None]
            + (t.distance_m / self.access_mps)[None, :]
        )
        times[times > self.horizon_s] = np.inf
        return times

    def route(self, origin: LonLat, target: LonLat) -> Route:
        """The fastest route from ``origin`` to ``target`` (not bounded by the horizon)."""
        o = self.snapper.snap(as_points([origin], "origin"), "origin", single=True)
        t = self.snapper.snap(as_points([target], "target"), "target", single=True)
        net = self.network
        source, dest = int(o.node[0]), int(t.node[0])
        # search as far as the horizon first; farther targets need the whole network
        path = shortest_path(net.forward, source, dest, limit_s=self.horizon_s)
        path = path or shortest_path(net.forward, source, dest)
        if path is None:  # pragma: no cover - the network is strongly connected
            raise AssertionError("a strongly connected network always has a path")
        nodes: IntArray = np.asarray(path, dtype=np.int64)
        edges = _edges_along(net, nodes)
        coords = [(float(origin[0]), float(origin[1]))]
        coords += [(float(net.lon[n]), float(net.lat[n])) for n in nodes.tolist()]
        coords.append((float(target[0]), float(target[1])))
        d_o, d_t = float(o.distance_m[0]), float(t.distance_m[0])
        return Route(
            coordinates=tuple(coords),
            eta_s=float(net.time_s[edges].sum()) + (d_o + d_t) / self.access_mps,
            distance_m=float(net.length_m[edges].sum()) + d_o + d_t,
            origin_snap_m=d_o,
            target_snap_m=d_t,
            nodes=int(nodes.shape[0]),
        )


def _edges_along(net: RoadNetwork, nodes: IntArray) -> IntArray:
    """Index of the (fastest, hence only) edge between each consecutive pair of ``nodes``."""
    out = np.empty(max(0, nodes.shape[0] - 1), dtype=np.int64)
    for k in range(out.shape[0]):
        lo, hi = int(net.indptr[nodes[k]]), int(net.indptr[nodes[k] + 1])
        out[k] = lo + int(np.flatnonzero(net.head[lo:hi] == nodes[k + 1])[0])
    return out
