"""Stock by lot and its append-only movement ledger; stock never goes negative.

Every decrement is one conditional UPDATE in the store (``… WHERE quantity - reserved >= :q``),
so two commanders issuing the same lot at the same moment can never overdraw it: the second
sees zero rows changed and gets a ``Conflict``.
"""

from __future__ import annotations

from datetime import date, timedelta

from lifeline.kernel.bus import HandlerContext
from lifeline.kernel.errors import Conflict, InvalidInput
from lifeline.kernel.ids import new_id
from lifeline.reserves.catalogue import catalogue
from lifeline.reserves.events import ReservationReleased, StockMoved, StockReserved
from lifeline.reserves.messages import (
    AdjustStock,
    GetLot,
    IssueStock,
    ListLots,
    LotMovements,
    ReceiveStock,
    ReleaseReservation,
    ReserveStock,
    ReturnStock,
    TransferStock,
    WriteOffStock,
)
from lifeline.reserves.model import (
    MILLI,
    Depot,
    Lot,
    LotCondition,
    Material,
    Movement,
    MovementKind,
    from_milli,
    to_milli,
)
from lifeline.reserves.service._common import (
    authorize_collection,
    load_depot,
    load_lot,
    repo_of,
)


def _require(text: str | None, field: str) -> str:
    if text is None or not text.strip():
        raise InvalidInput(field, "is required")
    return text.strip()


def record_movement(
    ctx: HandlerContext,
    lot: Lot,
    kind: MovementKind,
    delta_milli: int,
    *,
    reason: str = "",
    incident_id: str | None = None,
    related_lot_id: str | None = None,
) -> Movement:
    """Append one movement and its event; the lot's row has already been changed."""
    repo = repo_of(ctx)
    movement = Movement(
        id=new_id(),
        lot_id=lot.id,
        depot_id=lot.depot_id,
        organisation_id=lot.organisation_id,
        material_code=lot.material_code,
        kind=kind,
        delta_milli=delta_milli,
        at=ctx.uow.clock.now(),
        actor_id=ctx.actor.ref,
        reason=reason,
        incident_id=incident_id,
        related_lot_id=related_lot_id,
    )
    repo.add_movement(movement)
    after = repo.get_lot(lot.id)
    assert after is not None
    ctx.uow.record(
        StockMoved(
            aggregate_id=lot.id,
            organisation_id=lot.organisation_id,
            movement_id=movement.id,
            kind=kind.value,
            depot_id=lot.depot_id,
            material_code=lot.material_code,
            delta_milli=delta_milli,
            quantity_milli_after=after.quantity_milli,
            reason=reason,
            incident_id=incident_id,
            related_lot_id=related_lot_id,
        )
    )
    return movement


def _check_capacity(ctx: HandlerContext, depot: Depot, material: Material, milli: int) -> None:
    """Refuse a receipt that would push the depot past its volume or weight capacity."""
    cat = catalogue()
    volume_m3 = weight_kg = 0.0
    for lot in repo_of(ctx).list_lots(("/",), depot_id=depot.id):
        m = cat.materials.get(lot.material_code)
        if m is not None:
            volume_m3 += m.volume_m3 * lot.quantity_milli / MILLI
            weight_kg += m.weight_kg * lot.quantity_milli / MILLI
    volume_m3 += material.volume_m3 * milli / MILLI
    weight_kg += material.weight_kg * milli / MILLI
    if volume_m3 > depot.capacity_volume_m3 + 1e-9:
        raise Conflict(
            f"depot {depot.name!r} would hold {volume_m3:.2f} m3, "
            f"over its capacity of {depot.capacity_volume_m3:.2f} m3"
        )
    if weight_kg > depot.capacity_weight_kg + 1e-9:
        raise Conflict(
            f"depot {depot.name!r} would hold {weight_kg:.1f} kg, "
            f"over its capacity of {depot.capacity_weight_kg:.1f} kg"
        )


def _new_lot(
    ctx: HandlerContext, depot: Depot, material: Material, milli: int, expires_on: date | None
) -> Lot:
    lot = Lot(
        id=new_id(),
        depot_id=depot.id,
        organisation_id=depot.organisation_id,
        path=depot.path,
        material_code=material.code,
        quantity_milli=milli,
        reserved_milli=0,
        expires_on=expires_on,
        condition=LotCondition.GOOD,
        received_at=ctx.uow.clock.now(),
    )
    repo_of(ctx).add_lot(lot)
    return lot


def receive_stock(cmd: ReceiveStock, ctx: HandlerContext) -> Lot:
    depot = load_depot(ctx, cmd.depot_id, field="depot_id")
    material = catalogue().material(cmd.material_code)
    milli = to_milli(cmd.quantity, material)
    today = ctx.uow.clock.now().date()
    expires_on = cmd.expires_on
    if expires_on is None and material.shelf_life_days is not None:
        expires_on = today + timedelta(days=material.shelf_life_days)
    if expires_on is not None and expires_on <= today:
        raise InvalidInput("expires_on", "an expired lot cannot be received")
    _check_capacity(ctx, depot, material, milli)
    lot = _new_lot(ctx, depot, material, 0, expires_on)
    repo_of(ctx).put(lot.id, milli)
    record_movement(ctx, lot, MovementKind.RECEIVE, milli, reason=cmd.reason.strip())
    return _reload(ctx, lot)


def _reload(ctx: HandlerContext, lot: Lot) -> Lot:
    fresh = repo_of(ctx).get_lot(lot.id)
    assert fresh is not None
    return fresh


def _take(ctx: HandlerContext, lot: Lot, milli: int, *, from_reservation: bool = False) -> None:
    if not repo_of(ctx).take(lot.id, milli, from_reservation=from_reservation):
        current = _reload(ctx, lot)
        have = current.reserved_milli if from_reservation else current.available_milli
        what = "reserved" if from_reservation else "available"
        raise Conflict(
            f"lot {lot.id} has only {from_milli(have):g} {what}; {from_milli(milli):g} requested"
        )


def _quantity(lot: Lot, quantity: float, field: str = "quantity") -> int:
    return to_milli(quantity, catalogue().material(lot.material_code), field)


def issue_stock(cmd: IssueStock, ctx: HandlerContext) -> Lot:
    lot = load_lot(ctx, cmd.lot_id)
    incident = _require(cmd.incident_id, "incident_id")
    milli = _quantity(lot, cmd.quantity)
    _take(ctx, lot, milli, from_reservation=cmd.from_reservation)
    record_movement(ctx, lot, MovementKind.ISSUE, -milli, incident_id=incident)
    return _reload(ctx, lot)


def return_stock(cmd: ReturnStock, ctx: HandlerContext) -> Lot:
    lot = load_lot(ctx, cmd.lot_id)
    milli = _quantity(lot, cmd.quantity)
    repo_of(ctx).put(lot.id, milli)
    record_movement(
        ctx, lot, MovementKind.RETURN, milli, reason=cmd.reason, incident_id=cmd.incident_id
    )
    return _reload(ctx, lot)


def transfer_stock(cmd: TransferStock, ctx: HandlerContext) -> Lot:
    lot = load_lot(ctx, cmd.lot_id)
    target = load_depot(ctx, cmd.to_depot_id, field="to_depot_id")
    if target.id == lot.depot_id:
        raise InvalidInput("to_depot_id", "is the lot's own depot")
    material = catalogue().material(lot.material_code)
    milli = to_milli(cmd.quantity, material)
    _check_capacity(ctx, target, material, milli)
    _take(ctx, lot, milli)
    new = _new_lot(ctx, target, material, 0, lot.expires_on)
    repo_of(ctx).put(new.id, milli)
    record_movement(ctx, lot, MovementKind.TRANSFER_OUT, -milli, related_lot_id=new.id)
    record_movement(ctx, new, MovementKind.TRANSFER_IN, milli, related_lot_id=lot.id)
    return _reload(ctx, new)


def write_off_stock(cmd: WriteOffStock, ctx: HandlerContext) -> Lot:
    lot = load_lot(ctx, cmd.lot_id)
    reason = _require(cmd.reason, "reason")
    milli = _quantity(lot, cmd.quantity)
    _take(ctx, lot, milli)
    record_movement(ctx, lot, MovementKind.WRITE_OFF, -milli, reason=reason)
    if "expired" in reason.lower():
        repo_of(ctx).set_condition(lot.id, LotCondition.EXPIRED)
    return _reload(ctx, lot)


def adjust_stock(cmd: AdjustStock, ctx: HandlerContext) -> Lot:
    lot = load_lot(ctx, cmd.lot_id)
    if cmd.counted_quantity == 0:
        counted = 0
    else:
        counted = _quantity(lot, cmd.counted_quantity, "counted_quantity")
    if counted < lot.reserved_milli:
        raise Conflict(
            f"counted {from_milli(counted):g} is less than the "
            f"{from_milli(lot.reserved_milli):g} reserved; release reservations first"
        )
    if not repo_of(ctx).set_quantity(lot.id, lot.quantity_milli, counted):
        raise Conflict("the lot changed during the stocktake; count again")
    record_movement(ctx, lot, MovementKind.ADJUST, counted - lot.quantity_milli, reason=cmd.reason)
    return _reload(ctx, lot)


def reserve_stock(cmd: ReserveStock, ctx: HandlerContext) -> Lot:
    lot = load_lot(ctx, cmd.lot_id)
    incident = _require(cmd.incident_id, "incident_id")
    milli = _quantity(lot, cmd.quantity)
    if not repo_of(ctx).reserve(lot.id, milli):
        current = _reload(ctx, lot)
        raise Conflict(
            f"lot {lot.id} has only {from_milli(current.available_milli):g} available to reserve"
        )
    ctx.uow.record(
        StockReserved(
            aggregate_id=lot.id,
            organisation_id=lot.organisation_id,
            incident_id=incident,
            quantity_milli=milli,
        )
    )
    return _reload(ctx, lot)


def release_reservation(cmd: ReleaseReservation, ctx: HandlerContext) -> Lot:
    lot = load_lot(ctx, cmd.lot_id)
    incident = _require(cmd.incident_id, "incident_id")
    milli = _quantity(lot, cmd.quantity)
    if not repo_of(ctx).release(lot.id, milli):
        raise Conflict(f"lot {lot.id} has only {from_milli(lot.reserved_milli):g} reserved")
    ctx.uow.record(
        ReservationReleased(
            aggregate_id=lot.id,
            organisation_id=lot.organisation_id,
            incident_id=incident,
            quantity_milli=milli,
        )
    )
    return _reload(ctx, lot)


def get_lot(query: GetLot, ctx: HandlerContext) -> Lot:
    return load_lot(ctx, query.lot_id)


def list_lots(query: ListLots, ctx: HandlerContext) -> list[Lot]:
    if query.depot_id is not None:
        load_depot(ctx, query.depot_id, field="depot_id")
    else:
        authorize_collection(ctx, "lot")
    if query.material_code is not None:
        catalogue().material(query.material_code)
    return repo_of(ctx).list_lots(
        ctx.scope_paths, depot_id=query.depot_id, material_code=query.material_code
    )


def lot_movements(query: LotMovements, ctx: HandlerContext) -> list[Movement]:
    lot = load_lot(ctx, query.lot_id)
    return repo_of(ctx).movements_of(lot.id)
