"""Depots (储备库) at every level and the material catalogue."""

from __future__ import annotations

import math

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.ids import new_id
from lifeline.reserves.catalogue import catalogue
from lifeline.reserves.events import DepotCreated
from lifeline.reserves.messages import CreateDepot, GetDepot, ListDepots, ListMaterials
from lifeline.reserves.model import Depot, Material
from lifeline.reserves.service._common import (
    authorize_collection,
    load_depot,
    org_path,
    repo_of,
)


def list_materials(query: ListMaterials, ctx: HandlerContext) -> list[Material]:
    authorize_collection(ctx, "material")
    return sorted(catalogue().materials.values(), key=lambda m: m.code)


def create_depot(cmd: CreateDepot, ctx: HandlerContext) -> Depot:
    if not cmd.name.strip():
        raise InvalidInput("name", "must not be blank")
    for field, value in (
        ("capacity_volume_m3", cmd.capacity_volume_m3),
        ("capacity_weight_kg", cmd.capacity_weight_kg),
    ):
        if not math.isfinite(value) or value <= 0:
            raise InvalidInput(field, "must be a positive number")
    path = org_path(ctx, cmd.organisation_id)
    ctx.authorize(target_kind="organisation", target_id=cmd.organisation_id, target_path=path)
    depot = Depot(
        id=new_id(),
        name=cmd.name.strip(),
        organisation_id=cmd.organisation_id,
        path=path,
        level=cmd.level,
        location=cmd.location,
        capacity_volume_m3=cmd.capacity_volume_m3,
        capacity_weight_kg=cmd.capacity_weight_kg,
        operator=cmd.operator.strip(),
        created_at=ctx.uow.clock.now(),
    )
    repo_of(ctx).add_depot(depot)
    ctx.uow.record(
        DepotCreated(
            aggregate_id=depot.id,
            organisation_id=depot.organisation_id,
            name=depot.name,
            level=depot.level.value,
            lon=depot.location.lon,
            lat=depot.location.lat,
        )
    )
    return depot


def get_depot(query: GetDepot, ctx: HandlerContext) -> Depot:
    return load_depot(ctx, query.depot_id)


def list_depots(query: ListDepots, ctx: HandlerContext) -> tuple[list[Depot], int]:
    authorize_collection(ctx, "depot")
    return repo_of(ctx).list_depots(ctx.scope_paths, query.limit, query.offset)
