"""Reserves domain: materials, depots, lots, the movement ledger, reserve standards.

Quantities are exact: every quantity is held as an integer number of *milli-units* of the
material's unit (``quantity_milli``), so a lot's stock equals the sum of its movements with no
rounding. Countable materials (tents, kits) only take whole units; divisible ones (litres of
water, kilograms of sand) take up to three decimals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.geo import Point
from lifeline.kernel.ports import RepoKey

if TYPE_CHECKING:
    from lifeline.reserves.personnel import Responder

MILLI = 1000


@dataclass(frozen=True, slots=True)
class MaterialClass:
    """A top-level class of GB/T 38565-2020 (e.g. ``01`` life support)."""

    code: str
    name: str
    name_en: str


@dataclass(frozen=True, slots=True)
class Material:
    """One catalogued material with its unit, shelf life, storage conditions, weight and volume.

    ``weight_kg`` and ``volume_m3`` are per unit; ``shelf_life_days`` is None for durable items.
    """

    code: str
    class_code: str
    name: str
    name_en: str
    unit: str
    countable: bool
    shelf_life_days: int | None
    storage: str
    weight_kg: float
    volume_m3: float


def to_milli(quantity: float, material: Material, field: str = "quantity") -> int:
    """Convert a positive quantity in the material's unit to milli-units, refusing bad input.

    Countable materials need a whole number; divisible ones at most three decimals.
    """
    if isinstance(quantity, bool) or not isinstance(quantity, int | float):
        raise InvalidInput(field, "must be a number")
    if not math.isfinite(quantity) or quantity <= 0:
        raise InvalidInput(field, "must be a positive number")
    if material.countable and quantity != int(quantity):
        raise InvalidInput(field, f"{material.code} is counted in whole {material.unit}")
    milli = round(quantity * MILLI)
    if abs(milli - quantity * MILLI) > 1e-6 * max(1.0, quantity * MILLI):
        raise InvalidInput(field, "at most three decimals")
    return milli


def from_milli(milli: int) -> float:
    return milli / MILLI


class DepotLevel(StrEnum):
    CITY = "city"
    DISTRICT = "district"
    STREET = "street"
    PARK = "park"
    ENTERPRISE = "enterprise"


@dataclass(frozen=True, slots=True)
class Depot:
    """A reserve depot (储备库) owned by an organisation; ``path`` is the owner's scope path."""

    id: str
    name: str
    organisation_id: str
    path: str
    level: DepotLevel
    location: Point
    capacity_volume_m3: float
    capacity_weight_kg: float
    operator: str
    created_at: datetime


class LotCondition(StrEnum):
    GOOD = "good"
    DAMAGED = "damaged"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Lot:
    """A quantity of one material in one depot with one expiry; ``reserved_milli`` is held for
    incidents and cannot be issued to anyone else. ``available_milli`` = quantity − reserved."""

    id: str
    depot_id: str
    organisation_id: str
    path: str
    material_code: str
    quantity_milli: int
    reserved_milli: int
    expires_on: date | None
    condition: LotCondition
    received_at: datetime

    @property
    def available_milli(self) -> int:
        return self.quantity_milli - self.reserved_milli


class MovementKind(StrEnum):
    RECEIVE = "receive"
    TRANSFER_OUT = "transfer_out"
    TRANSFER_IN = "transfer_in"
    ISSUE = "issue"
    RETURN = "return"
    WRITE_OFF = "write_off"
    ADJUST = "adjust"


@dataclass(frozen=True, slots=True)
class Movement:
    """One append-only ledger entry: ``delta_milli`` signed, positive adds to the lot."""

    id: str
    lot_id: str
    depot_id: str
    organisation_id: str
    material_code: str
    kind: MovementKind
    delta_milli: int
    at: datetime
    actor_id: str
    reason: str = ""
    incident_id: str | None = None
    related_lot_id: str | None = None


class Hazard(StrEnum):
    NONE = "none"
    SEISMIC = "seismic"
    FLOOD = "flood"
    TYPHOON = "typhoon"
    HAZMAT = "hazmat"


class RiskLevel(StrEnum):
    """The area's assessed risk level; a standard scales its requirement by its multiplier."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very_high"


# Default multipliers per risk level (a standard may set its own): a low-risk area holds the
# baseline, a very-high-risk one twice it.
DEFAULT_RISK_MULTIPLIERS: dict[RiskLevel, float] = {
    RiskLevel.LOW: 1.0,
    RiskLevel.MEDIUM: 1.25,
    RiskLevel.HIGH: 1.5,
    RiskLevel.VERY_HIGH: 2.0,
}


@dataclass(frozen=True, slots=True)
class StandardLine:
    """How much of one material an area must hold.

    required = per_1000_residents · population / 1000 + per_facility · facilities + fixed_quantity,
    all in the material's unit.
    """

    material_code: str
    per_1000_residents: float = 0.0
    per_facility: float = 0.0
    fixed_quantity: float = 0.0

    def required(self, population: int, facilities: int) -> float:
        return (
            self.per_1000_residents * population / 1000
            + self.per_facility * facilities
            + self.fixed_quantity
        )


@dataclass(frozen=True, slots=True)
class ReserveStandard:
    """A reserve standard for one area: its owner, centre, population, hazard and lines."""

    id: str
    name: str
    organisation_id: str
    path: str
    area_name: str
    center: Point
    population: int
    facilities: int
    hazard: Hazard
    lines: tuple[StandardLine, ...]
    created_at: datetime
    risk_level: RiskLevel = RiskLevel.LOW
    risk_multiplier: float = 1.0

    def required(self, line: StandardLine) -> float:
        """required = risk_multiplier · (per_1000_residents · population / 1000
        + per_facility · facilities + fixed_quantity)."""
        return self.risk_multiplier * line.required(self.population, self.facilities)


@dataclass(frozen=True, slots=True)
class SupplyAgreement:
    """Enterprise-held reserve: a company agrees to supply up to ``quantity_milli`` of one
    material on demand, ``lead_time_min`` after the call, from its warehouse at ``location``.

    It is *virtual* stock: nothing is in a depot until the company delivers, so it counts
    towards a gap only when lead time plus travel time fit within the time budget.
    """

    id: str
    organisation_id: str
    path: str
    supplier: str
    material_code: str
    quantity_milli: int
    lead_time_min: float
    location: Point
    valid_until: date | None
    created_at: datetime

    def valid_on(self, day: date) -> bool:
        return self.valid_until is None or self.valid_until >= day


class RequestStatus(StrEnum):
    """request → approved → committed → shipped → received; rejected or cancelled end it."""

    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    COMMITTED = "committed"
    SHIPPED = "shipped"
    RECEIVED = "received"
    CANCELLED = "cancelled"


REQUEST_TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.REQUESTED: frozenset(
        {RequestStatus.APPROVED, RequestStatus.REJECTED, RequestStatus.CANCELLED}
    ),
    RequestStatus.APPROVED: frozenset({RequestStatus.COMMITTED, RequestStatus.CANCELLED}),
    RequestStatus.COMMITTED: frozenset({RequestStatus.SHIPPED, RequestStatus.CANCELLED}),
    RequestStatus.SHIPPED: frozenset({RequestStatus.RECEIVED}),
    RequestStatus.REJECTED: frozenset(),
    RequestStatus.RECEIVED: frozenset(),
    RequestStatus.CANCELLED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class RequestLine:
    material_code: str
    quantity_milli: int


@dataclass(frozen=True, slots=True)
class Commitment:
    """Stock of one lot reserved for a request (and issued from that reservation on shipping)."""

    lot_id: str
    depot_id: str
    material_code: str
    quantity_milli: int


@dataclass(frozen=True, slots=True)
class MaterialRequest:
    """A request for materials for an incident, from a requesting organisation, to a place."""

    id: str
    organisation_id: str
    path: str
    incident_id: str
    destination: Point
    lines: tuple[RequestLine, ...]
    status: RequestStatus
    requested_by: str
    created_at: datetime
    updated_at: datetime
    commitments: tuple[Commitment, ...] = ()
    note: str = ""


class ReservesRepository(Protocol):
    """Port for depots, lots, movements and standards (implemented in ``store``)."""

    def add_depot(self, depot: Depot) -> None: ...

    def get_depot(self, depot_id: str) -> Depot | None: ...

    def list_depots(
        self, scope_paths: tuple[str, ...], limit: int, offset: int
    ) -> tuple[list[Depot], int]: ...

    def add_lot(self, lot: Lot) -> None: ...

    def get_lot(self, lot_id: str) -> Lot | None: ...

    def list_lots(
        self,
        scope_paths: tuple[str, ...],
        *,
        depot_id: str | None = None,
        material_code: str | None = None,
        expiring_before: date | None = None,
    ) -> list[Lot]: ...

    def take(self, lot_id: str, quantity_milli: int, *, from_reservation: bool = False) -> bool:
        """Atomically subtract from available (or reserved) stock; False if it would overdraw."""
        ...

    def put(self, lot_id: str, quantity_milli: int) -> None: ...

    def set_quantity(self, lot_id: str, expected_milli: int, counted_milli: int) -> bool: ...

    def set_condition(self, lot_id: str, condition: LotCondition) -> None: ...

    def reserve(self, lot_id: str, quantity_milli: int) -> bool: ...

    def release(self, lot_id: str, quantity_milli: int) -> bool: ...

    def add_movement(self, movement: Movement) -> None: ...

    def movements_of(self, lot_id: str) -> list[Movement]: ...

    def add_standard(self, standard: ReserveStandard) -> None: ...

    def get_standard(self, standard_id: str) -> ReserveStandard | None: ...

    def list_standards(self, scope_paths: tuple[str, ...]) -> list[ReserveStandard]: ...

    def add_request(self, request: MaterialRequest) -> None: ...

    def get_request(self, request_id: str) -> MaterialRequest | None: ...

    def update_request(self, request: MaterialRequest, expected: RequestStatus) -> bool:
        """Store ``request`` only if its stored status is still ``expected``."""
        ...

    def list_requests(self, scope_paths: tuple[str, ...]) -> list[MaterialRequest]: ...

    def add_responder(self, responder: Responder) -> None: ...

    def get_responder(self, responder_id: str) -> Responder | None: ...

    def update_responder(self, responder: Responder) -> None: ...

    def list_responders(self, scope_paths: tuple[str, ...]) -> list[Responder]: ...

    def add_agreement(self, agreement: SupplyAgreement) -> None: ...

    def list_agreements(self, scope_paths: tuple[str, ...]) -> list[SupplyAgreement]: ...


RESERVES: RepoKey[ReservesRepository] = RepoKey("reserves")
