"""Recommendation of units for one incident, and the incident view as dispatch sees it."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from lifeline.dispatch.messages import ListIncidentViews, RecommendUnits
from lifeline.dispatch.model import (
    DISPATCH,
    DISPATCHABLE,
    TRAVEL,
    IncidentView,
    Unit,
    UnitType,
)
from lifeline.dispatch.recommend import coverage_loss_s, recommend
from lifeline.dispatch.service._common import authorize_collection, load_incident, repo_of
from lifeline.geo.travel import FloatArray, LonLat, OffNetwork, TravelTimes, off_network
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.uow import UnitOfWork

MAX_UNITS = 100_000


@dataclass(frozen=True, slots=True)
class RankedUnit:
    unit: Unit
    eta_s: float
    coverage_loss_s: float
    score_s: float
    selected: bool
    unreachable: str | None = None
    """Why the unit cannot reach the incident (``eta_s`` is ``inf``), else ``None``."""


@dataclass(frozen=True, slots=True)
class RecommendationView:
    incident: IncidentView
    requirement: dict[str, int]
    from_run_card: bool
    ranked: tuple[RankedUnit, ...]
    shortfall: dict[str, int]
    travel_basis: str
    coverage_weight: float


def lonlat(points: Sequence[Unit]) -> list[LonLat]:
    return [(u.position.lon, u.position.lat) for u in points]


def dispatchable_units(
    ctx: HandlerContext, unit_types: Collection[str] | None = None
) -> list[Unit]:
    """Units in the caller's scope that can be sent now (of ``unit_types`` when given)."""
    return repo_of(ctx).units_with(ctx.scope_paths, statuses=DISPATCHABLE, unit_types=unit_types)


def coverage_losses(travel: TravelTimes, units: Sequence[Unit]) -> FloatArray:
    """Per unit, the coverage loss (seconds) at the home stations of its own type if it left."""
    loss = np.zeros(len(units))
    by_type: dict[UnitType, list[int]] = {}
    for i, unit in enumerate(units):
        by_type.setdefault(unit.unit_type, []).append(i)
    for members in by_type.values():
        stations = sorted({(units[i].station_location.lon, units[i].station_location.lat)
                           for i in members})  # fmt: skip
        cover = travel.matrix_s(lonlat([units[i] for i in members]), stations)
        loss[members] = coverage_loss_s(cover)
    return loss


def unreachable_reasons(
    travel: TravelTimes, units: Sequence[Unit], eta_s: FloatArray
) -> dict[int, str]:
    """Unit index → why it cannot reach the target, for every unit whose ETA is ``inf``."""
    if np.isfinite(eta_s).all():
        return {}
    off = {
        int(p.field.removeprefix("units[").removesuffix("]")): p.reason
        for p in off_network(travel, lonlat(units), "units")
    }
    return {
        i: off.get(i, "no route within the travel-time horizon")
        for i in np.flatnonzero(~np.isfinite(eta_s)).tolist()
    }


def recommend_units(query: RecommendUnits, ctx: HandlerContext) -> RecommendationView:
    if not 0 <= query.coverage_weight <= 10:
        raise InvalidInput("coverage_weight", "must be within [0, 10]")
    incident = load_incident(ctx, query.incident_id)
    if query.requirement is not None:
        requirement: dict[str, int] = {}
        for i, (unit_type, count) in enumerate(query.requirement):
            if not 0 < count <= 100:
                raise InvalidInput(f"requirement[{i}].count", "must be within 1..100")
            requirement[unit_type.value] = requirement.get(unit_type.value, 0) + count
        from_card = False
    else:
        requirement = incident.required_units()
        from_card = bool(requirement)
    travel = ctx.uow.repo(TRAVEL)
    target = (incident.location.lon, incident.location.lat)
    problems = off_network(travel, [target], "incident.location", single=True)
    if problems:
        raise OffNetwork(problems)
    units = dispatchable_units(ctx, list(requirement) if requirement else None)
    eta = travel.to_one_s(lonlat(units), target) if units else np.zeros(0)
    why = unreachable_reasons(travel, units, eta)
    loss = coverage_losses(travel, units)
    result = recommend(
        eta,
        [u.unit_type.value for u in units],
        requirement,
        loss,
        coverage_weight=query.coverage_weight,
    )
    limit = max(1, min(query.limit, 1000))
    ranked = [c for c in result.candidates if c.selected]
    ranked += [c for c in result.candidates if not c.selected][: max(0, limit - len(ranked))]
    return RecommendationView(
        incident=incident,
        requirement=requirement,
        from_run_card=from_card,
        ranked=tuple(
            RankedUnit(
                unit=units[c.index],
                eta_s=c.eta_s,
                coverage_loss_s=c.coverage_loss_s,
                score_s=c.score_s,
                selected=c.selected,
                unreachable=why.get(c.index),
            )
            for c in ranked
        ),
        shortfall=dict(result.shortfall),
        travel_basis=travel.description,
        coverage_weight=query.coverage_weight,
    )


def list_incident_views(query: ListIncidentViews, ctx: HandlerContext) -> list[IncidentView]:
    authorize_collection(ctx, "incident")
    return repo_of(ctx).list_incidents(ctx.scope_paths, open_only=query.open_only)


def route_origins(uow: UnitOfWork) -> list[LonLat]:
    """Where travel times are asked from, most important first: every unit's home station,
    then the current position of every unit that can be dispatched (newest fix first).

    Read as the system (no actor's scope) by the warmer of the road network's search trees.
    """
    units, _ = uow.repo(DISPATCH).list_units(("/",), limit=MAX_UNITS)
    stations = [(u.station_location.lon, u.station_location.lat) for u in units]
    moving = sorted(
        (u for u in units if u.status in DISPATCHABLE and u.position_at is not None),
        key=lambda u: u.position_at or u.updated_at,
        reverse=True,
    )
    return list(dict.fromkeys(stations + lonlat(moving)))
