"""Geo use cases: answer network, travel-time and route queries from the loaded travel times.

The travel times are the adapter ``bootstrap`` picked (the road network, or the great-circle
fallback); they hold no state to change, so this context records no events, only the access
decision of each read.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from lifeline.geo.messages import ComputeTravelTimes, DescribeNetwork, FindRoute
from lifeline.geo.road import RoadTravelTimes, Route
from lifeline.geo.travel import (
    FloatArray,
    GreatCircleTravelTimes,
    OffNetwork,
    TravelTimes,
    off_network,
)
from lifeline.kernel.bus import HandlerContext, MessageBus
from lifeline.kernel.errors import Conflict, InvalidInput
from lifeline.kernel.outbox import Subscription

MAX_POINTS = 5_000
MAX_CELLS = 250_000
"""Largest travel-time matrix one request may ask for (origins × targets)."""


class NoRoadNetwork(Conflict):
    """A route was asked for, but no road network is loaded (travel times are great-circle)."""

    title = "No road network loaded"


@dataclass(frozen=True, slots=True)
class TravelMatrix:
    seconds: FloatArray
    based_on: str


def register_handlers(bus: MessageBus, travel: TravelTimes | None = None) -> None:
    """Register the geo queries on ``bus``, answered from ``travel``."""
    times: TravelTimes = travel if travel is not None else GreatCircleTravelTimes()

    def describe(query: DescribeNetwork, ctx: HandlerContext) -> dict[str, Any]:
        _authorize(ctx, times)
        if isinstance(times, RoadTravelTimes):
            summary = dataclasses.asdict(times.summary())
            return {
                "kind": "road",
                "description": times.description,
                "horizon_s": times.horizon_s,
                "snap_max_m": times.snapper.max_m,
                "kept_trees": times.kept_trees,
                "tree_capacity": times.max_trees,
                "tree_bytes": times.tree_bytes,
                **summary,
            }
        return {"kind": "great-circle", "description": times.description}

    def travel_times(query: ComputeTravelTimes, ctx: HandlerContext) -> TravelMatrix:
        for field, points in (("origins", query.origins), ("targets", query.targets)):
            if not 1 <= len(points) <= MAX_POINTS:
                raise InvalidInput(field, f"between 1 and {MAX_POINTS} points")
        if len(query.origins) * len(query.targets) > MAX_CELLS:
            raise InvalidInput("targets", f"origins × targets must not exceed {MAX_CELLS:,}")
        _authorize(ctx, times)
        # asked for these very points: say which cannot be routed rather than answer inf
        problems = off_network(times, query.origins, "origins")
        problems += off_network(times, query.targets, "targets")
        if problems:
            raise OffNetwork(problems)
        return TravelMatrix(times.matrix_s(query.origins, query.targets), times.description)

    def route(query: FindRoute, ctx: HandlerContext) -> Route:
        _authorize(ctx, times)
        if not isinstance(times, RoadTravelTimes):
            raise NoRoadNetwork(
                "no road network is loaded (set LIFELINE_ROAD_NETWORK); travel times are "
                + times.description
            )
        return times.route(query.origin, query.target)

    bus.register(DescribeNetwork, describe)
    bus.register(ComputeTravelTimes, travel_times)
    bus.register(FindRoute, route)


def subscriptions() -> tuple[Subscription, ...]:
    """The geo context reacts to no other context's events."""
    return ()


def _authorize(ctx: HandlerContext, times: TravelTimes) -> None:
    name = times.network.name if isinstance(times, RoadTravelTimes) else "great-circle"
    ctx.authorize(target_kind="road-network", target_id=name, target_path=None)
