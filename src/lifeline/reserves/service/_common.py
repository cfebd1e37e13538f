"""Loading with authorisation, shared by the reserves use cases."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from lifeline.geo.travel import TRAVEL_TIMES
from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput, NotFound
from lifeline.kernel.geo import Point
from lifeline.reserves.gaps import FloatArray, haversine_m, travel_time_min
from lifeline.reserves.model import RESERVES, Depot, Lot, ReservesRepository
from lifeline.security.model import ORG_PATHS


def repo_of(ctx: HandlerContext) -> ReservesRepository:
    return ctx.uow.repo(RESERVES)


def org_path(ctx: HandlerContext, organisation_id: str, field: str = "organisation_id") -> str:
    path = ctx.uow.repo(ORG_PATHS).path_of(organisation_id)
    if path is None:
        raise InvalidInput(field, f"organisation {organisation_id!r} does not exist")
    return path


def load_depot(ctx: HandlerContext, depot_id: str, field: str | None = None) -> Depot:
    depot = repo_of(ctx).get_depot(depot_id)
    if depot is None:
        if field is not None:
            raise InvalidInput(field, f"depot {depot_id!r} does not exist")
        raise NotFound("depot", depot_id)
    ctx.authorize(target_kind="depot", target_id=depot.id, target_path=depot.path)
    return depot


def load_lot(ctx: HandlerContext, lot_id: str) -> Lot:
    lot = repo_of(ctx).get_lot(lot_id)
    if lot is None:
        raise NotFound("lot", lot_id)
    ctx.authorize(target_kind="lot", target_id=lot.id, target_path=lot.path)
    return lot


def authorize_collection(ctx: HandlerContext, kind: str) -> None:
    scope = ctx.scope_paths[0] if ctx.scope_paths else "/"
    ctx.authorize(target_kind=f"{kind}-collection", target_id="", target_path=scope)


def check_speed(speed_kmh: float | None) -> None:
    if speed_kmh is not None and not (math.isfinite(speed_kmh) and speed_kmh > 0):
        raise InvalidInput("speed_kmh", "must be a positive speed")


def travel_min(
    ctx: HandlerContext,
    origins: Sequence[Point],
    targets: Sequence[Point],
    speed_kmh: float | None,
) -> FloatArray:
    """Minutes from each origin (rows) to each target (columns).

    With ``speed_kmh``: great-circle distance at that speed (``d / (v · 1000/60)``). Without:
    the platform's travel times — the road network when one is loaded, else its great-circle
    fallback — in seconds / 60; ``inf`` where unreachable, including points off the network.
    """
    if not origins or not targets:
        return np.zeros((len(origins), len(targets)))
    if speed_kmh is not None:
        dist = haversine_m(
            np.array([p.lon for p in origins]),
            np.array([p.lat for p in origins]),
            np.array([p.lon for p in targets]),
            np.array([p.lat for p in targets]),
        )
        return travel_time_min(dist, speed_kmh)
    port = ctx.uow.repo(TRAVEL_TIMES)
    o = [(p.lon, p.lat) for p in origins]
    t = [(p.lon, p.lat) for p in targets]
    minutes: FloatArray = np.asarray(port.matrix_s(o, t), dtype=float) / 60.0
    return minutes


def travel_basis(ctx: HandlerContext, speed_kmh: float | None) -> str:
    """What the times rest on, shown with every result that uses them."""
    if speed_kmh is not None:
        return f"great-circle distance at {speed_kmh:g} km/h"
    return ctx.uow.repo(TRAVEL_TIMES).description
