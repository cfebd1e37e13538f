"""Reserves events (past tense): depots created, stock moved, reservations, standards."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from lifeline.kernel.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class DepotCreated(DomainEvent):
    aggregate_type: ClassVar[str] = "depot"
    name: str
    level: str
    lon: float
    lat: float


@dataclass(frozen=True, kw_only=True)
class StockMoved(DomainEvent):
    """One movement of the ledger; ``aggregate_id`` is the lot."""

    aggregate_type: ClassVar[str] = "lot"
    movement_id: str
    kind: str
    depot_id: str
    material_code: str
    delta_milli: int
    quantity_milli_after: int
    reason: str
    incident_id: str | None
    related_lot_id: str | None


@dataclass(frozen=True, kw_only=True)
class StockReserved(DomainEvent):
    aggregate_type: ClassVar[str] = "lot"
    incident_id: str
    quantity_milli: int


@dataclass(frozen=True, kw_only=True)
class ReservationReleased(DomainEvent):
    aggregate_type: ClassVar[str] = "lot"
    incident_id: str
    quantity_milli: int


@dataclass(frozen=True, kw_only=True)
class StandardCreated(DomainEvent):
    aggregate_type: ClassVar[str] = "reserve_standard"
    name: str
    area_name: str
    lines: int


@dataclass(frozen=True, kw_only=True)
class MaterialRequested(DomainEvent):
    aggregate_type: ClassVar[str] = "material_request"
    incident_id: str
    lines: tuple[tuple[str, int], ...]


@dataclass(frozen=True, kw_only=True)
class RequestStatusChanged(DomainEvent):
    """One step of request → approved → committed → shipped → received (or rejected/cancelled)."""

    aggregate_type: ClassVar[str] = "material_request"
    incident_id: str
    from_status: str
    to_status: str
    reason: str = ""
    commitments: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, kw_only=True)
class ResponderRegistered(DomainEvent):
    aggregate_type: ClassVar[str] = "responder"
    name: str
    kind: str
    team: str
    certifications: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class ResponderAvailabilityChanged(DomainEvent):
    aggregate_type: ClassVar[str] = "responder"
    available: bool


@dataclass(frozen=True, kw_only=True)
class TrainingRecorded(DomainEvent):
    aggregate_type: ClassVar[str] = "responder"
    on: str
    title: str
    hours: float
    drill: bool


@dataclass(frozen=True, kw_only=True)
class RosterSet(DomainEvent):
    aggregate_type: ClassVar[str] = "responder"
    shifts: int
    hours_per_week: float
    leave_periods: int


@dataclass(frozen=True, kw_only=True)
class AgreementRegistered(DomainEvent):
    aggregate_type: ClassVar[str] = "supply_agreement"
    supplier: str
    material_code: str
    quantity_milli: int
    lead_time_min: float
