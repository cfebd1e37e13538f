"""Queries of the geo context: the loaded network, travel-time matrices and routes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from lifeline.kernel.events import Query
from lifeline.security.model import Permission

R = Permission.ROUTE_READ


@dataclass(frozen=True, kw_only=True)
class DescribeNetwork(Query):
    """What travel times are based on: the road network's summary, or the fallback's speed."""

    permission: ClassVar[str] = R


@dataclass(frozen=True, kw_only=True)
class ComputeTravelTimes(Query):
    """Seconds from each origin to each target; ``origins``/``targets`` are (lon, lat) pairs."""

    permission: ClassVar[str] = R
    origins: tuple[tuple[float, float], ...]
    targets: tuple[tuple[float, float], ...]


@dataclass(frozen=True, kw_only=True)
class FindRoute(Query):
    """The fastest route on the road network from ``origin`` to ``target`` ((lon, lat))."""

    permission: ClassVar[str] = R
    origin: tuple[float, float]
    target: tuple[float, float]
