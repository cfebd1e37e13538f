"""HTTP routes for the road network summary, travel-time matrices and routes."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.geo import messages as m
from lifeline.geo.road import Route
from lifeline.geo.service import MAX_POINTS, TravelMatrix
from lifeline.kernel.errors import InvalidInput

router = APIRouter()

LonLatIn = Annotated[
    tuple[Annotated[float, Field(ge=-180, le=180)], Annotated[float, Field(ge=-90, le=90)]],
    Field(description="[lon, lat] in WGS84 degrees"),
]


class TravelTimesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    origins: list[LonLatIn] = Field(min_length=1, max_length=MAX_POINTS)
    targets: list[LonLatIn] = Field(min_length=1, max_length=MAX_POINTS)


class TravelTimesOut(BaseModel):
    seconds: list[list[float | None]] = Field(
        description="seconds[i][j] from origins[i] to targets[j]; null when unreachable within "
        "the horizon"
    )
    unreachable: int
    based_on: str


@router.get("/network", summary="What travel times are based on: the road network's summary")
def network(bus: BusDep, actor: CurrentActor) -> dict[str, Any]:
    summary: dict[str, Any] = bus.handle(m.DescribeNetwork(), actor)
    return summary


@router.post("/travel-times", summary="Travel-time matrix in seconds, origins × targets")
def travel_times(body: TravelTimesIn, bus: BusDep, actor: CurrentActor) -> TravelTimesOut:
    result: TravelMatrix = bus.handle(
        m.ComputeTravelTimes(origins=tuple(body.origins), targets=tuple(body.targets)), actor
    )
    rows = [
        [round(float(t), 1) if math.isfinite(t) else None for t in row]
        for row in result.seconds.tolist()
    ]
    unreachable = sum(1 for row in rows for t in row if t is None)
    return TravelTimesOut(seconds=rows, unreachable=unreachable, based_on=result.based_on)


@router.get("/route", summary="Fastest route on the road network as a GeoJSON LineString Feature")
def route(
    bus: BusDep,
    actor: CurrentActor,
    origin: Annotated[str, Query(description="lon,lat of the start (WGS84)")],
    target: Annotated[str, Query(description="lon,lat of the destination (WGS84)")],
) -> dict[str, Any]:
    found: Route = bus.handle(
        m.FindRoute(origin=_lonlat(origin, "origin"), target=_lonlat(target, "target")), actor
    )
    return found.to_geojson()


def _lonlat(text: str, field: str) -> tuple[float, float]:
    parts = text.split(",")
    try:
        lon, lat = (float(p) for p in parts)
    except ValueError:
        raise InvalidInput(field, "must be 'lon,lat' in degrees") from None
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise InvalidInput(field, "must be finite numbers")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise InvalidInput(field, "is outside lon [-180, 180] / lat [-90, 90]")
    return lon, lat
