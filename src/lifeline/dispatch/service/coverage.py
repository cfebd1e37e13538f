"""Coverage of the response standard by idle units, move-up recommendations and relocations."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lifeline.dispatch.coverage import CoverageReport, assess, move_up
from lifeline.dispatch.events import UnitRelocated
from lifeline.dispatch.messages import AssessCoverage, DemandPoint, RecommendMoveUp, RelocateUnit
from lifeline.dispatch.model import TRAVEL, Unit, UnitStatus, UnitType
from lifeline.dispatch.service._common import authorize_collection, load_unit, repo_of
from lifeline.dispatch.service.recommendation import MAX_UNITS, lonlat
from lifeline.dispatch.service.units import load_station
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, InvalidInput
from lifeline.kernel.geo import Point

MAX_DEMAND = 20_000
MAX_MOVES = 50


@dataclass(frozen=True, slots=True)
class Station:
    id: str
    name: str
    location: Point


@dataclass(frozen=True, slots=True)
class CoverageView:
    unit_type: UnitType
    standard_s: float
    demand: tuple[DemandPoint, ...]
    report: CoverageReport
    idle_units: int
    travel_basis: str


@dataclass(frozen=True, slots=True)
class Move:
    unit: Unit
    to_station: Station
    drive_s: float


@dataclass(frozen=True, slots=True)
class MoveUpView:
    unit_type: UnitType
    standard_s: float
    demand: tuple[DemandPoint, ...]
    moves: tuple[Move, ...]
    before: CoverageReport
    after: CoverageReport
    optimal: bool
    solver_status: str
    travel_basis: str


def _check(standard_s: float, demand: tuple[DemandPoint, ...]) -> None:
    if not (math.isfinite(standard_s) and 0 < standard_s <= 7200):
        raise InvalidInput("standard_s", "must be within (0, 7200] seconds")
    if len(demand) > MAX_DEMAND:
        raise InvalidInput("demand_points", f"at most {MAX_DEMAND} demand points")
    for i, point in enumerate(demand):
        if not (math.isfinite(point.weight) and point.weight >= 0):
            raise InvalidInput(f"demand_points[{i}].weight", "must be a non-negative number")


def _situation(
    ctx: HandlerContext, unit_type: UnitType, demand: tuple[DemandPoint, ...]
) -> tuple[list[Unit], list[Station], tuple[DemandPoint, ...]]:
    """Idle units of the type, the stations such units are based at, and the demand points
    (default: one per station, weight 1)."""
    authorize_collection(ctx, "unit")
    units, _ = repo_of(ctx).list_units(ctx.scope_paths, unit_type=unit_type.value, limit=MAX_UNITS)
    stations = {
        u.station_id: Station(u.station_id, u.station_name, u.station_location) for u in units
    }
    ordered = sorted(stations.values(), key=lambda s: (s.name, s.id))
    if not demand:
        demand = tuple(DemandPoint(location=s.location, name=s.name) for s in ordered)
    idle = [u for u in units if u.status is UnitStatus.AVAILABLE]
    return idle, ordered, demand


def _points(demand: tuple[DemandPoint, ...]) -> list[tuple[float, float]]:
    return [(d.location.lon, d.location.lat) for d in demand]


def assess_coverage(query: AssessCoverage, ctx: HandlerContext) -> CoverageView:
    _check(query.standard_s, query.demand)
    idle, _, demand = _situation(ctx, query.unit_type, query.demand)
    travel = ctx.uow.repo(TRAVEL)
    times = (
        travel.matrix_s(lonlat(idle), _points(demand)).reshape(len(idle), len(demand))
        if idle and demand
        else np.zeros((len(idle), len(demand)))
    )
    return CoverageView(
        unit_type=query.unit_type,
        standard_s=query.standard_s,
        demand=demand,
        report=assess(times, [d.weight for d in demand], query.standard_s),
        idle_units=len(idle),
        travel_basis=travel.description,
    )


def recommend_move_up(query: RecommendMoveUp, ctx: HandlerContext) -> MoveUpView:
    _check(query.standard_s, query.demand)
    if not 0 <= query.max_moves <= MAX_MOVES:
        raise InvalidInput("max_moves", f"must be within 0..{MAX_MOVES}")
    idle, stations, demand = _situation(ctx, query.unit_type, query.demand)
    travel = ctx.uow.repo(TRAVEL)
    points = _points(demand)
    sites = [(s.location.lon, s.location.lat) for s in stations]
    n_u, n_d, n_s = len(idle), len(demand), len(stations)
    c = (
        travel.matrix_s(lonlat(idle), points).reshape(n_u, n_d)
        if n_u and n_d
        else np.zeros((n_u, n_d))
    )
    a = travel.matrix_s(sites, points).reshape(n_s, n_d) if n_s and n_d else np.zeros((n_s, n_d))
    r = (
        travel.matrix_s(lonlat(idle), sites).reshape(n_u, n_s)
        if n_u and n_s
        else np.zeros((n_u, n_s))
    )
    for u, unit in enumerate(idle):  # staying is not a move
        for s, station in enumerate(stations):
            if station.id == unit.station_id:
                r[u, s] = math.inf
    result = move_up(
        c, a, r, [d.weight for d in demand], query.standard_s, max_moves=query.max_moves
    )
    return MoveUpView(
        unit_type=query.unit_type,
        standard_s=query.standard_s,
        demand=demand,
        moves=tuple(Move(idle[u], stations[s], float(r[u, s])) for u, s in result.moves),
        before=result.before,
        after=result.after,
        optimal=result.optimal,
        solver_status=result.status,
        travel_basis=travel.description,
    )


def relocate_unit(cmd: RelocateUnit, ctx: HandlerContext) -> Unit:
    unit = load_unit(ctx, cmd.unit_id, for_update=True)
    if unit.status is not UnitStatus.AVAILABLE:
        raise Conflict(f"unit {unit.call_sign!r} is {unit.status.value}; only idle units move up")
    station = load_station(ctx, cmd.station_id)
    if station.id == unit.station_id:
        raise InvalidInput("station_id", "the unit is already based there")
    repo_of(ctx).relocate(unit.id, station.id, station.name, station.location)
    ctx.uow.record(
        UnitRelocated(
            aggregate_id=unit.id,
            organisation_id=unit.organisation_id,
            from_station_id=unit.station_id,
            to_station_id=station.id,
            lon=station.location.lon,
            lat=station.location.lat,
        )
    )
    moved = repo_of(ctx).get_unit(unit.id)
    assert moved is not None
    return moved
