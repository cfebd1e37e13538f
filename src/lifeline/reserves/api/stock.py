"""HTTP routes for lots, their movement ledger, reservations and expiry alarms."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from lifeline.api.deps import BusDep, CurrentActor
from lifeline.reserves import messages as m
from lifeline.reserves.api._common import Strict
from lifeline.reserves.model import (
    MILLI,
    Lot,
    Movement,
)
from lifeline.reserves.service import ExpiryAlarm

router = APIRouter()


# --- lots and movements ---------------------------------------------------------------------
class LotOut(BaseModel):
    id: str
    depot_id: str
    organisation_id: str
    material_code: str
    quantity: float
    reserved: float
    available: float
    expires_on: date | None
    condition: str
    received_at: datetime

    @classmethod
    def of(cls, lot: Lot) -> LotOut:
        return cls(
            id=lot.id, depot_id=lot.depot_id, organisation_id=lot.organisation_id,
            material_code=lot.material_code, quantity=lot.quantity_milli / MILLI,
            reserved=lot.reserved_milli / MILLI, available=lot.available_milli / MILLI,
            expires_on=lot.expires_on, condition=lot.condition.value,
            received_at=lot.received_at,
        )  # fmt: skip


class MovementOut(BaseModel):
    id: str
    lot_id: str
    kind: str
    delta: float
    at: datetime
    actor_id: str
    reason: str
    incident_id: str | None
    related_lot_id: str | None

    @classmethod
    def of(cls, mv: Movement) -> MovementOut:
        return cls(
            id=mv.id, lot_id=mv.lot_id, kind=mv.kind.value, delta=mv.delta_milli / MILLI,
            at=mv.at, actor_id=mv.actor_id, reason=mv.reason, incident_id=mv.incident_id,
            related_lot_id=mv.related_lot_id,
        )  # fmt: skip


class ReceiveIn(Strict):
    depot_id: str = Field(min_length=1, max_length=36)
    material_code: str = Field(min_length=1, max_length=20)
    quantity: float
    expires_on: date | None = Field(None, description="Defaults to today + shelf life")
    reason: str = Field("", max_length=500)


class QuantityIn(Strict):
    quantity: float


class IssueIn(QuantityIn):
    incident_id: str = Field(min_length=1, max_length=64)
    from_reservation: bool = False


class ReturnIn(QuantityIn):
    incident_id: str | None = Field(None, max_length=64)
    reason: str = Field("", max_length=500)


class TransferIn(QuantityIn):
    to_depot_id: str = Field(min_length=1, max_length=36)


class WriteOffIn(QuantityIn):
    reason: str = Field(min_length=1, max_length=500)


class AdjustIn(Strict):
    counted_quantity: float = Field(ge=0)
    reason: str = Field("stocktake", max_length=500)


class ReserveIn(QuantityIn):
    incident_id: str = Field(min_length=1, max_length=64)


@router.post("/lots", status_code=status.HTTP_201_CREATED, summary="Receive a new lot")
def receive(body: ReceiveIn, bus: BusDep, actor: CurrentActor) -> LotOut:
    lot = bus.handle(
        m.ReceiveStock(
            depot_id=body.depot_id,
            material_code=body.material_code,
            quantity=body.quantity,
            expires_on=body.expires_on,
            reason=body.reason,
        ),
        actor,
    )
    return LotOut.of(lot)


@router.get("/lots", summary="Lots in your scope, nearest expiry first")
def list_lots(
    bus: BusDep,
    actor: CurrentActor,
    depot_id: Annotated[str | None, Query(max_length=36)] = None,
    material_code: Annotated[str | None, Query(max_length=20)] = None,
) -> list[LotOut]:
    lots = bus.handle(m.ListLots(depot_id=depot_id, material_code=material_code), actor)
    return [LotOut.of(lot) for lot in lots]


@router.get("/lots/{lot_id}", summary="One lot")
def get_lot(lot_id: str, bus: BusDep, actor: CurrentActor) -> LotOut:
    return LotOut.of(bus.handle(m.GetLot(lot_id=lot_id), actor))


@router.get("/lots/{lot_id}/movements", summary="The lot's movement ledger, oldest first")
def lot_movements(lot_id: str, bus: BusDep, actor: CurrentActor) -> list[MovementOut]:
    return [MovementOut.of(mv) for mv in bus.handle(m.LotMovements(lot_id=lot_id), actor)]


@router.post("/lots/{lot_id}/issue", summary="Issue to an incident")
def issue(lot_id: str, body: IssueIn, bus: BusDep, actor: CurrentActor) -> LotOut:
    msg = m.IssueStock(
        lot_id=lot_id,
        quantity=body.quantity,
        incident_id=body.incident_id,
        from_reservation=body.from_reservation,
    )
    return LotOut.of(bus.handle(msg, actor))


@router.post("/lots/{lot_id}/return", summary="Return to the lot")
def return_(lot_id: str, body: ReturnIn, bus: BusDep, actor: CurrentActor) -> LotOut:
    msg = m.ReturnStock(
        lot_id=lot_id, quantity=body.quantity, incident_id=body.incident_id, reason=body.reason
    )
    return LotOut.of(bus.handle(msg, actor))


@router.post("/lots/{lot_id}/transfer", summary="Transfer to another depot (returns the new lot)")
def transfer(lot_id: str, body: TransferIn, bus: BusDep, actor: CurrentActor) -> LotOut:
    msg = m.TransferStock(lot_id=lot_id, quantity=body.quantity, to_depot_id=body.to_depot_id)
    return LotOut.of(bus.handle(msg, actor))


@router.post("/lots/{lot_id}/write-off", summary="Write off expired or damaged stock")
def write_off(lot_id: str, body: WriteOffIn, bus: BusDep, actor: CurrentActor) -> LotOut:
    msg = m.WriteOffStock(lot_id=lot_id, quantity=body.quantity, reason=body.reason)
    return LotOut.of(bus.handle(msg, actor))


@router.post("/lots/{lot_id}/adjust", summary="Stocktake adjustment to the counted quantity")
def adjust(lot_id: str, body: AdjustIn, bus: BusDep, actor: CurrentActor) -> LotOut:
    msg = m.AdjustStock(lot_id=lot_id, counted_quantity=body.counted_quantity, reason=body.reason)
    return LotOut.of(bus.handle(msg, actor))


@router.post("/lots/{lot_id}/reserve", summary="Reserve stock for an incident")
def reserve(lot_id: str, body: ReserveIn, bus: BusDep, actor: CurrentActor) -> LotOut:
    msg = m.ReserveStock(lot_id=lot_id, quantity=body.quantity, incident_id=body.incident_id)
    return LotOut.of(bus.handle(msg, actor))


@router.post("/lots/{lot_id}/release", summary="Release a reservation")
def release(lot_id: str, body: ReserveIn, bus: BusDep, actor: CurrentActor) -> LotOut:
    msg = m.ReleaseReservation(lot_id=lot_id, quantity=body.quantity, incident_id=body.incident_id)
    return LotOut.of(bus.handle(msg, actor))


class ExpiryAlarmOut(BaseModel):
    lot_id: str
    depot_id: str
    material_code: str
    quantity: float
    expires_on: date
    days_left: int
    severity: str
    suggestion: str


@router.get("/alarms/expiry", summary="Lots expired or expiring soon, with rotation suggestions")
def expiry_alarms(
    bus: BusDep,
    actor: CurrentActor,
    within_days: Annotated[int, Query(ge=0, le=3650)] = 90,
) -> list[ExpiryAlarmOut]:
    alarms: list[ExpiryAlarm] = bus.handle(m.ExpiryAlarms(within_days=within_days), actor)
    return [ExpiryAlarmOut.model_validate(a, from_attributes=True) for a in alarms]
