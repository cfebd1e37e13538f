"""Commands and queries of the reserves context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar

from lifeline.kernel.events import Command, Query
from lifeline.kernel.geo import Point
from lifeline.reserves.model import DepotLevel, Hazard, RiskLevel, StandardLine
from lifeline.reserves.personnel import (
    Certification,
    PersonnelKind,
    Roster,
    TrainingRecord,
)
from lifeline.reserves.siting import SitingModel
from lifeline.security.model import Permission

R, W, A = Permission.RESERVE_READ, Permission.RESERVE_WRITE, Permission.RESERVE_APPROVE


@dataclass(frozen=True, kw_only=True)
class ListMaterials(Query):
    permission: ClassVar[str] = R


@dataclass(frozen=True, kw_only=True)
class CreateDepot(Command):
    permission: ClassVar[str] = W
    name: str
    organisation_id: str
    level: DepotLevel
    location: Point
    capacity_volume_m3: float
    capacity_weight_kg: float
    operator: str = ""


@dataclass(frozen=True, kw_only=True)
class GetDepot(Query):
    permission: ClassVar[str] = R
    depot_id: str


@dataclass(frozen=True, kw_only=True)
class ListDepots(Query):
    permission: ClassVar[str] = R
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, kw_only=True)
class ReceiveStock(Command):
    """A new lot arrives at a depot (``expires_on`` defaults to today + shelf life)."""

    permission: ClassVar[str] = W
    depot_id: str
    material_code: str
    quantity: float
    expires_on: date | None = None
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class IssueStock(Command):
    """Issue from a lot to an incident."""

    permission: ClassVar[str] = W
    lot_id: str
    quantity: float
    incident_id: str
    from_reservation: bool = False  # consume this much of the lot's reservation


@dataclass(frozen=True, kw_only=True)
class ReturnStock(Command):
    permission: ClassVar[str] = W
    lot_id: str
    quantity: float
    incident_id: str | None = None
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class TransferStock(Command):
    """Move part of a lot to another depot; the target gets a new lot with the same expiry."""

    permission: ClassVar[str] = W
    lot_id: str
    to_depot_id: str
    quantity: float


@dataclass(frozen=True, kw_only=True)
class WriteOffStock(Command):
    permission: ClassVar[str] = W
    lot_id: str
    quantity: float
    reason: str  # "expired" or "damaged" and why


@dataclass(frozen=True, kw_only=True)
class AdjustStock(Command):
    """A stocktake: the counted quantity replaces the book quantity; the difference is recorded."""

    permission: ClassVar[str] = W
    lot_id: str
    counted_quantity: float
    reason: str = "stocktake"


@dataclass(frozen=True, kw_only=True)
class ReserveStock(Command):
    """Hold part of a lot for an incident (approving a request commits stock this way)."""

    permission: ClassVar[str] = A
    lot_id: str
    quantity: float
    incident_id: str


@dataclass(frozen=True, kw_only=True)
class ReleaseReservation(Command):
    permission: ClassVar[str] = A
    lot_id: str
    quantity: float
    incident_id: str


@dataclass(frozen=True, kw_only=True)
class GetLot(Query):
    permission: ClassVar[str] = R
    lot_id: str


@dataclass(frozen=True, kw_only=True)
class ListLots(Query):
    permission: ClassVar[str] = R
    depot_id: str | None = None
    material_code: str | None = None


@dataclass(frozen=True, kw_only=True)
class LotMovements(Query):
    permission: ClassVar[str] = R
    lot_id: str


@dataclass(frozen=True, kw_only=True)
class ShortageAlarms(Query):
    """Materials each standard in scope lacks within ``within_min`` (see ``GapReport``)."""

    permission: ClassVar[str] = R
    within_min: float = 30.0
    speed_kmh: float | None = None


@dataclass(frozen=True, kw_only=True)
class ExpiryAlarms(Query):
    """Lots expiring within ``within_days`` (or already expired), with rotation suggestions."""

    permission: ClassVar[str] = R
    within_days: int = 90


@dataclass(frozen=True, kw_only=True)
class CreateStandard(Command):
    permission: ClassVar[str] = W
    name: str
    organisation_id: str
    area_name: str
    center: Point
    population: int
    facilities: int = 0
    hazard: Hazard = Hazard.NONE
    lines: tuple[StandardLine, ...]
    risk_level: RiskLevel = RiskLevel.LOW
    risk_multiplier: float | None = None  # None: the default multiplier of the risk level


@dataclass(frozen=True, kw_only=True)
class ListStandards(Query):
    permission: ClassVar[str] = R


@dataclass(frozen=True, kw_only=True)
class GapReport(Query):
    """Required vs on hand (depots of the standard's organisation subtree) vs reachable (any
    visible depot within ``within_min`` minutes: road travel times, or great-circle at
    ``speed_kmh`` when given)."""

    permission: ClassVar[str] = R
    standard_id: str
    within_min: float = 30.0
    speed_kmh: float | None = None


@dataclass(frozen=True, kw_only=True)
class SiteDepots(Query):
    """Where to place ``p`` depots among candidates (or, for set covering, how few suffice).

    ``demand`` is ((lon, lat, weight), …), ``candidates`` ((lon, lat, name), …); travel time is
    the platform's road travel time, or great-circle distance at ``speed_kmh`` when given.
    ``exact`` solves the MIP with HiGHS (time-limited),
    otherwise the greedy + interchange heuristic.
    """

    permission: ClassVar[str] = R
    model: SitingModel
    demand: tuple[tuple[float, float, float], ...]
    candidates: tuple[tuple[float, float, str], ...]
    p: int = 1
    within_min: float = 15.0
    speed_kmh: float | None = None
    exact: bool = True


@dataclass(frozen=True, kw_only=True)
class IncidentNeed:
    """What one incident site needs: ``needs`` maps material code → quantity."""

    incident_id: str
    location: Point
    needs: tuple[tuple[str, float], ...]


@dataclass(frozen=True, kw_only=True)
class PlanAllocation(Query):
    """Propose which lots (visible to the caller, usable, unreserved) go to which incident,
    minimising quantity × travel time (road, or great-circle at ``speed_kmh`` when given), lots
    nearest expiry first.
    A proposal only: reserving or issuing the stock are separate commands."""

    permission: ClassVar[str] = R
    incidents: tuple[IncidentNeed, ...]
    speed_kmh: float | None = None
    max_time_min: float | None = None


@dataclass(frozen=True, kw_only=True)
class CreateRequest(Command):
    """Ask for materials for an incident, delivered to ``destination``."""

    permission: ClassVar[str] = W
    organisation_id: str
    incident_id: str
    destination: Point
    lines: tuple[tuple[str, float], ...]
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class ApproveRequest(Command):
    permission: ClassVar[str] = A
    request_id: str


@dataclass(frozen=True, kw_only=True)
class RejectRequest(Command):
    permission: ClassVar[str] = A
    request_id: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class CommitRequest(Command):
    """Reserve stock for an approved request: the given ``(lot_id, quantity)`` pairs, or, when
    none are given, the allocation model's proposal from the stock the caller can see."""

    permission: ClassVar[str] = A
    request_id: str
    commitments: tuple[tuple[str, float], ...] = ()
    speed_kmh: float | None = None


@dataclass(frozen=True, kw_only=True)
class ShipRequest(Command):
    """Issue the committed stock from its reservations to the request's incident."""

    permission: ClassVar[str] = W
    request_id: str


@dataclass(frozen=True, kw_only=True)
class ReceiveRequest(Command):
    permission: ClassVar[str] = W
    request_id: str
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class CancelRequest(Command):
    """Cancel before shipping; committed reservations are released."""

    permission: ClassVar[str] = A
    request_id: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class GetRequest(Query):
    permission: ClassVar[str] = R
    request_id: str


@dataclass(frozen=True, kw_only=True)
class ListRequests(Query):
    permission: ClassVar[str] = R


@dataclass(frozen=True, kw_only=True)
class RequestTimeline(Query):
    permission: ClassVar[str] = R
    request_id: str


@dataclass(frozen=True, kw_only=True)
class RegisterResponder(Command):
    permission: ClassVar[str] = W
    name: str
    organisation_id: str
    kind: PersonnelKind
    team: str
    home_base: Point
    skills: tuple[str, ...] = ()
    certifications: tuple[Certification, ...] = ()
    equipment: tuple[str, ...] = ()
    available: bool = True


@dataclass(frozen=True, kw_only=True)
class SetAvailability(Command):
    permission: ClassVar[str] = W
    responder_id: str
    available: bool


@dataclass(frozen=True, kw_only=True)
class RecordTraining(Command):
    permission: ClassVar[str] = W
    responder_id: str
    record: TrainingRecord


@dataclass(frozen=True, kw_only=True)
class ListResponders(Query):
    permission: ClassVar[str] = R


@dataclass(frozen=True, kw_only=True)
class FindResponders(Query):
    """Who can reach ``target`` within ``within_min`` with the filters (road travel times, or
    great-circle at ``speed_kmh`` when given)."""

    permission: ClassVar[str] = R
    target: Point
    within_min: float = 30.0
    speed_kmh: float | None = None
    certification: str | None = None
    skill: str | None = None
    at: datetime | None = None  # None: now


@dataclass(frozen=True, kw_only=True)
class SetRoster(Command):
    """Replace a responder's duty roster; ``roster=None`` removes it (on duty when available)."""

    permission: ClassVar[str] = W
    responder_id: str
    roster: Roster | None


@dataclass(frozen=True, kw_only=True)
class CertificationAlarms(Query):
    """Certifications expired or expiring within ``within_days``."""

    permission: ClassVar[str] = R
    within_days: int = 90


@dataclass(frozen=True, kw_only=True)
class RegisterAgreement(Command):
    """Record an enterprise's agreement to supply a material on demand (virtual stock)."""

    permission: ClassVar[str] = W
    organisation_id: str
    supplier: str
    material_code: str
    quantity: float
    lead_time_min: float
    location: Point
    valid_until: date | None = None


@dataclass(frozen=True, kw_only=True)
class ListAgreements(Query):
    permission: ClassVar[str] = R
