"""Loading with authorisation, shared by the reserves use cases."""

from __future__ import annotations

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import InvalidInput, NotFound
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
