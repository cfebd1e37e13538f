"""Snapping WGS84 points to the nearest road-network node, refusing points too far from any road.

Nodes are projected to a local equirectangular plane (x = R·cos φ0·λ, y = R·φ, φ0 the mean
latitude of the network) and indexed in a k-d tree (scipy ``cKDTree``); the reported distance is
the great-circle distance from the point to the chosen node, in metres. A point farther than
``max_m`` from every node (at sea, outside the extract) is *off the network*: :meth:`Snapper.snap`
refuses it with :class:`OffNetwork` naming the field of every such point (a route needs both
ends on the network), while :meth:`Snapper.locate` and :meth:`Snapper.problems` let travel-time
matrices answer ``inf`` for it and say why.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.spatial import cKDTree

from lifeline.geo.travel import OffNetwork
from lifeline.kernel.errors import FieldProblem, InvalidInput
from lifeline.kernel.geo import EARTH_RADIUS_M

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

DEFAULT_SNAP_MAX_M = 500.0
"""Farthest a point may lie from the nearest road node and still be routed (metres)."""


@dataclass(frozen=True, slots=True)
class Snapped:
    """For each point: the nearest node and the great-circle distance to it (metres)."""

    node: IntArray
    distance_m: FloatArray


def as_points(points: Sequence[tuple[float, float]] | FloatArray, field: str) -> FloatArray:
    """``points`` as a ``(k, 2)`` float array of (lon, lat), refusing bad coordinates by field."""
    try:
        arr = np.asarray(points, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidInput(field, "must be a list of [lon, lat] pairs") from None
    if arr.size == 0:
        return np.zeros((0, 2))
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise InvalidInput(field, "must be a list of [lon, lat] pairs")
    lon_ok = np.isfinite(arr[:, 0]) & (np.abs(arr[:, 0]) <= 180.0)
    if (lon_ok & np.isfinite(arr[:, 1]) & (np.abs(arr[:, 1]) <= 90.0)).all():
        return arr
    problems = []
    for i, (lon, lat) in enumerate(arr):
        if not (math.isfinite(lon) and math.isfinite(lat)):
            problems.append(FieldProblem(f"{field}[{i}]", "must be finite numbers"))
        elif not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            problems.append(
                FieldProblem(f"{field}[{i}]", "is outside lon [-180, 180] / lat [-90, 90]")
            )
    if problems:
        raise InvalidInput(problems)
    return arr


class Snapper:
    """Nearest-node lookup over a network's node positions."""

    def __init__(self, lon: FloatArray, lat: FloatArray, *, max_m: float = DEFAULT_SNAP_MAX_M):
        if not max_m > 0:
            raise ValueError("max_m must be positive")
        self.max_m = max_m
        self._lon = lon
        self._lat = lat
        self._cos0 = math.cos(math.radians(float(np.mean(lat))))
        self._tree = cKDTree(self._project(lon, lat))

    def _project(self, lon: FloatArray, lat: FloatArray) -> FloatArray:
        xy: FloatArray = np.column_stack(
            (EARTH_RADIUS_M * self._cos0 * np.radians(lon), EARTH_RADIUS_M * np.radians(lat))
        )
        return xy

    def locate(self, points: FloatArray) -> Snapped:
        """Nearest node and distance of every ``(k, 2)`` point, however far (no refusal)."""
        if points.shape[0] == 0:
            return Snapped(np.zeros(0, dtype=np.int64), np.zeros(0))
        _, node = self._tree.query(self._project(points[:, 0], points[:, 1]))
        node = np.asarray(node, dtype=np.int64)
        distance = haversine_pairs_m(points[:, 0], points[:, 1], self._lon[node], self._lat[node])
        return Snapped(node, distance)

    def problems(
        self, points: FloatArray, located: Snapped, field: str, *, single: bool = False
    ) -> list[FieldProblem]:
        """One problem naming ``field[i]`` (``field`` when ``single``) per point beyond
        :attr:`max_m`, with its distance from the nearest road; empty when all are on it."""
        far = np.flatnonzero(located.distance_m > self.max_m)
        return [
            FieldProblem(
                field if single else f"{field}[{i}]",
                f"({points[i, 0]:.5f}, {points[i, 1]:.5f}) is {located.distance_m[i]:,.0f} m "
                f"from the nearest road (limit {self.max_m:,.0f} m): at sea or outside the "
                "road network",
            )
            for i in far.tolist()
        ]

    def snap(self, points: FloatArray, field: str, *, single: bool = False) -> Snapped:
        """Snap ``(k, 2)`` points; raise :class:`OffNetwork` naming ``field[i]`` (``field`` when
        ``single``) of each point beyond :attr:`max_m`."""
        located = self.locate(points)
        problems = self.problems(points, located, field, single=single)
        if problems:
            raise OffNetwork(problems)
        return located


def haversine_pairs_m(
    lon1: FloatArray, lat1: FloatArray, lon2: FloatArray, lat2: FloatArray
) -> FloatArray:
    """Element-wise great-circle distance in metres (degrees in)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    h = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    )
    out: FloatArray = 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return out
