"""Siting on request: build the cost matrix (road travel times, or great-circle at a given
speed) and solve the chosen model."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.geo import Point
from lifeline.reserves import siting
from lifeline.reserves.messages import SiteDepots
from lifeline.reserves.service._common import (
    authorize_collection,
    check_speed,
    travel_basis,
    travel_min,
)

MAX_DEMAND = 5_000
MAX_CANDIDATES = 500
EXACT_TIME_LIMIT_S = 30.0
UNREACHABLE_MIN = 100_000.0


def site_depots(query: SiteDepots, ctx: HandlerContext) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the chosen sites with objective, bound and gap."""
    authorize_collection(ctx, "siting")
    if not 1 <= len(query.demand) <= MAX_DEMAND:
        raise InvalidInput("demand", f"between 1 and {MAX_DEMAND} points")
    if not 1 <= len(query.candidates) <= MAX_CANDIDATES:
        raise InvalidInput("candidates", f"between 1 and {MAX_CANDIDATES} points")
    for i, (lon, lat, weight) in enumerate(query.demand):
        Point(lon, lat)
        if not math.isfinite(weight) or weight < 0:
            raise InvalidInput(f"demand[{i}].weight", "must be a non-negative number")
    for lon, lat, _ in query.candidates:
        Point(lon, lat)
    if query.model is not siting.SitingModel.SET_COVERING and not (
        1 <= query.p <= len(query.candidates)
    ):
        raise InvalidInput("p", "must be between 1 and the number of candidates")
    check_speed(query.speed_kmh)
    if not (math.isfinite(query.within_min) and query.within_min > 0):
        raise InvalidInput("within_min", "must be a positive number of minutes")
    cand = [(lon, lat) for lon, lat, _ in query.candidates]
    cost = travel_min(
        ctx,
        [Point(lon, lat) for lon, lat, _ in query.demand],
        [Point(lon, lat) for lon, lat in cand],
        query.speed_kmh,
    )
    # a pair the road network cannot join costs a prohibitive time instead of infinity
    cost = np.where(np.isfinite(cost), cost, UNREACHABLE_MIN)
    problem = siting.SitingProblem.from_cost_matrix(cost, [w for _, _, w in query.demand])
    limit = EXACT_TIME_LIMIT_S
    if query.model is siting.SitingModel.P_MEDIAN:
        result = (
            siting.p_median_exact(problem, query.p, time_limit_s=limit)
            if query.exact
            else siting.p_median_heuristic(problem, query.p)
        )
    elif query.model is siting.SitingModel.MAXIMAL_COVERING:
        result = (
            siting.maximal_covering_exact(problem, query.p, query.within_min, time_limit_s=limit)
            if query.exact
            else siting.maximal_covering_heuristic(problem, query.p, query.within_min)
        )
    else:
        if not problem.coverage(query.within_min).any():
            raise InvalidInput("within_min", "no demand point is within reach of any candidate")
        result = (
            siting.set_covering_exact(problem, query.within_min, time_limit_s=limit)
            if query.exact
            else siting.set_covering_heuristic(problem, query.within_min)
        )
    geo = siting.to_geojson(result, cand, [name for _, _, name in query.candidates])
    props = geo["properties"]
    assert isinstance(props, dict)
    props.update(
        status=result.status,
        speed_kmh=query.speed_kmh,
        travel_basis=travel_basis(ctx, query.speed_kmh),
        within_min=query.within_min,
        demand_weight_covered=(
            float(problem.weight @ result.covered) if result.covered.size else None
        ),
        demand_weight_total=float(problem.weight.sum()),
    )
    return geo
