"""Allocation proposals: the caller's usable stock → incident needs, via the pure LP."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput
from lifeline.reserves.allocation import allocate
from lifeline.reserves.catalogue import catalogue
from lifeline.reserves.messages import PlanAllocation
from lifeline.reserves.model import MILLI, LotCondition, to_milli
from lifeline.reserves.service._common import (
    authorize_collection,
    check_speed,
    repo_of,
    travel_min,
)

MAX_INCIDENTS = 500


@dataclass(frozen=True, slots=True)
class ProposedShipment:
    incident_id: str
    lot_id: str
    depot_id: str
    material_code: str
    quantity: float
    time_min: float


@dataclass(frozen=True, slots=True)
class Unmet:
    incident_id: str
    material_code: str
    quantity: float


@dataclass(frozen=True, slots=True)
class AllocationPlan:
    shipments: tuple[ProposedShipment, ...]
    unmet: tuple[Unmet, ...]


def plan_allocation(query: PlanAllocation, ctx: HandlerContext) -> AllocationPlan:
    if not 1 <= len(query.incidents) <= MAX_INCIDENTS:
        raise InvalidInput("incidents", f"between 1 and {MAX_INCIDENTS} incidents")
    check_speed(query.speed_kmh)
    cat = catalogue()
    codes: list[str] = []
    for i, inc in enumerate(query.incidents):
        if not inc.needs:
            raise InvalidInput(f"incidents[{i}].needs", "must name at least one material")
        for code, quantity in inc.needs:
            material = cat.material(code, f"incidents[{i}].needs.{code}")
            to_milli(quantity, material, f"incidents[{i}].needs.{code}")
            if code not in codes:
                codes.append(code)
    authorize_collection(ctx, "lot")
    repo = repo_of(ctx)
    today = ctx.uow.clock.now().date()
    depots, _ = repo.list_depots(ctx.scope_paths, 100_000, 0)
    depot_index = {d.id: i for i, d in enumerate(depots)}
    lots = [
        lot
        for lot in repo.list_lots(ctx.scope_paths)
        if lot.material_code in codes
        and lot.condition is LotCondition.GOOD
        and (lot.expires_on is None or lot.expires_on > today)
        and lot.available_milli > 0
        and lot.depot_id in depot_index
    ]
    demand = np.zeros((len(query.incidents), len(codes)))
    for i, inc in enumerate(query.incidents):
        for code, quantity in inc.needs:
            demand[i, codes.index(code)] += quantity
    times = travel_min(
        ctx,
        [d.location for d in depots],
        [inc.location for inc in query.incidents],
        query.speed_kmh,
    )
    result = allocate(
        demand,
        times,
        [depot_index[lot.depot_id] for lot in lots],
        [codes.index(lot.material_code) for lot in lots],
        [lot.available_milli / MILLI for lot in lots],
        [(lot.expires_on - today).days if lot.expires_on else math.inf for lot in lots],
        max_time_min=query.max_time_min if query.max_time_min is not None else math.inf,
    )
    shipments = tuple(
        ProposedShipment(
            incident_id=query.incidents[s.incident].incident_id,
            lot_id=lots[s.lot].id,
            depot_id=lots[s.lot].depot_id,
            material_code=codes[s.material],
            quantity=round(s.quantity, 3),
            time_min=round(s.time_min, 2),
        )
        for s in result.shipments
    )
    unmet = tuple(
        Unmet(query.incidents[i].incident_id, codes[k], round(float(result.unmet[i, k]), 3))
        for i, k in zip(*np.nonzero(result.unmet > 1e-9), strict=True)
    )
    return AllocationPlan(shipments=shipments, unmet=unmet)
