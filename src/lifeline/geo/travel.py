"""Travel times between WGS84 points: the port every context asks, and the great-circle fallback.

``TravelTimes`` is what dispatch, reserves and warning use; ``bootstrap`` picks the adapter —
the road network (:mod:`lifeline.geo.network`) when one is loaded, otherwise
:class:`GreatCircleTravelTimes`. Times are seconds; ``inf`` means unreachable. Points are
``(lon, lat)`` tuples in degrees.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from lifeline.kernel.errors import FieldProblem, InvalidInput
from lifeline.kernel.geo import EARTH_RADIUS_M
from lifeline.kernel.ports import RepoKey

FloatArray = npt.NDArray[np.float64]
LonLat = tuple[float, float]

DEFAULT_SPEED_KMH = 30.0
"""Mean urban emergency-vehicle speed of the fallback (km/h), applied to the detour distance."""

DEFAULT_DETOUR_FACTOR = 1.3
"""Road distance ÷ great-circle distance assumed by the fallback (typical of grid-like cities)."""


def haversine_m(
    lon1: npt.ArrayLike, lat1: npt.ArrayLike, lon2: npt.ArrayLike, lat2: npt.ArrayLike
) -> FloatArray:
    """Great-circle distance matrix in metres between points 1 (rows) and points 2 (columns).

    d = 2R·asin(√(sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2))), R = EARTH_RADIUS_M; inputs in degrees.
    """
    p1 = np.radians(np.asarray(lat1, dtype=float))[:, None]
    p2 = np.radians(np.asarray(lat2, dtype=float))[None, :]
    l1 = np.radians(np.asarray(lon1, dtype=float))[:, None]
    l2 = np.radians(np.asarray(lon2, dtype=float))[None, :]
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    out: FloatArray = 2 * EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return out


class OffNetwork(InvalidInput):
    """One or more points lie farther from the road network than the snapping limit."""

    title = "Point off the road network"


class TravelTimes(Protocol):
    """Road travel time in seconds from origins to targets (``inf`` when unreachable)."""

    @property
    def description(self) -> str:
        """What the times are based on, shown next to every ETA (e.g. the network's name)."""
        ...

    def matrix_s(self, origins: Sequence[LonLat], targets: Sequence[LonLat]) -> FloatArray:
        """``(len(origins), len(targets))`` seconds from each origin to each target."""
        ...

    def to_one_s(self, origins: Sequence[LonLat], target: LonLat) -> FloatArray:
        """``(len(origins),)`` seconds from each origin to one target (units → an incident)."""
        ...

    def from_one_s(self, origin: LonLat, targets: Sequence[LonLat]) -> FloatArray:
        """``(len(targets),)`` seconds from one origin to each target."""
        ...


@runtime_checkable
class RanksNearest(Protocol):
    """Travel times that can answer "the k fastest origins" more cheaply than all of them."""

    def nearest_to_one_s(self, origins: Sequence[LonLat], target: LonLat, k: int) -> FloatArray:
        """``(len(origins),)`` seconds, exact at least for the ``k`` fastest; others may be inf."""
        ...


def nearest_to_one_s(
    travel: TravelTimes, origins: Sequence[LonLat], target: LonLat, k: int
) -> FloatArray:
    """Seconds from each origin to ``target``, exact at least for the ``k`` fastest origins.

    What a recommendation needs (rank units, keep the best few): adapters that can stop early
    (the road network searches outward only until ``k`` origins are reached) do; any other
    :class:`TravelTimes` answers :meth:`TravelTimes.to_one_s` in full.
    """
    if isinstance(travel, RanksNearest):
        return travel.nearest_to_one_s(origins, target, k)
    return travel.to_one_s(origins, target)


@runtime_checkable
class FindsOffNetwork(Protocol):
    """Travel times on a network that some points lie too far from to be routed."""

    def off_network(
        self, points: Sequence[LonLat], field: str, *, single: bool = False
    ) -> list[FieldProblem]:
        """A problem naming ``field[i]`` (``field`` when ``single``) and the reason for every
        point that cannot be routed; empty when all can."""
        ...


def off_network(
    travel: TravelTimes, points: Sequence[LonLat], field: str, *, single: bool = False
) -> list[FieldProblem]:
    """Why ``travel`` reads ``inf`` for some of ``points`` whatever the other end: each point off
    the road network, named ``field[i]`` (``field`` when ``single``) with its distance from the
    nearest road. Adapters that reach every point (the great-circle fallback) return ``[]``."""
    if isinstance(travel, FindsOffNetwork):
        return travel.off_network(points, field, single=single)
    return []


@runtime_checkable
class KeepsTrees(Protocol):
    """Travel times that can precompute the searches from origins queried again and again."""

    def keep_trees(self, origins: Sequence[LonLat]) -> int:
        """Prepare for queries from ``origins``; return how many origins are prepared."""
        ...


def prepare_origins(travel: TravelTimes, origins: Sequence[LonLat]) -> int:
    """Let ``travel`` prepare for many queries from ``origins`` (units' home stations).

    The road network keeps each origin's search tree, so later queries whose origins are all
    prepared are look-ups; other adapters need nothing and return 0.
    """
    if isinstance(travel, KeepsTrees):
        return travel.keep_trees(origins)
    return 0


class GreatCircleTravelTimes:
    """t = detour · d_great-circle / v: the fallback when no road network is loaded.

    Symmetric, never ``inf``; a stated approximation, not a route. ``speed_kmh`` and
    ``detour_factor`` are the assumptions shown in :attr:`description`.
    """

    def __init__(
        self, speed_kmh: float = DEFAULT_SPEED_KMH, detour_factor: float = DEFAULT_DETOUR_FACTOR
    ) -> None:
        if speed_kmh <= 0 or detour_factor < 1:
            raise ValueError("speed_kmh must be positive and detour_factor at least 1")
        self.speed_kmh = speed_kmh
        self.detour_factor = detour_factor

    @property
    def description(self) -> str:
        return (
            f"great-circle distance × {self.detour_factor:g} at {self.speed_kmh:g} km/h "
            "(no road network loaded)"
        )

    def matrix_s(self, origins: Sequence[LonLat], targets: Sequence[LonLat]) -> FloatArray:
        o = np.asarray(origins, dtype=float).reshape(-1, 2)
        t = np.asarray(targets, dtype=float).reshape(-1, 2)
        metres = haversine_m(o[:, 0], o[:, 1], t[:, 0], t[:, 1]) * self.detour_factor
        out: FloatArray = metres / (self.speed_kmh / 3.6)
        return out

    def to_one_s(self, origins: Sequence[LonLat], target: LonLat) -> FloatArray:
        out: FloatArray = self.matrix_s(origins, [target])[:, 0]
        return out

    def from_one_s(self, origin: LonLat, targets: Sequence[LonLat]) -> FloatArray:
        out: FloatArray = self.matrix_s([origin], targets)[0]
        return out


TRAVEL_TIMES: RepoKey[TravelTimes] = RepoKey("travel_times")
"""The port as a unit-of-work repository: ``ctx.uow.repo(TRAVEL_TIMES)`` in any service."""
