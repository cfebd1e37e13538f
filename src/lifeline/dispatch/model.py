"""Dispatch domain types: response units, their status machine, the incident view, dispatch plans.

A unit's status follows::

    available ──► dispatched ──► en_route ──► on_scene ──► returning ──► available
        ▲  │           │             │                        │
        │  └──► out_of_service ◄─────┴────────────────────────┘
        └──────────────┘  (back in service; a dispatch may be cancelled back to available)

Any other step is refused (:class:`IllegalTransition`, a ``Conflict``). A returning unit may be
dispatched again. Dispatch keeps its own view of incidents (where, how grave, what the plans
require), built from the incidents' and plans' events; it never reads their tables.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from lifeline.geo.travel import TravelTimes
from lifeline.kernel.errors import Conflict
from lifeline.kernel.geo import Point
from lifeline.kernel.ports import RepoKey


class UnitType(StrEnum):
    """Kinds of response unit; the run cards of plans name these."""

    ENGINE = "fire_engine"  # fire engine (pumper)
    LADDER = "ladder"  # aerial ladder / platform
    HAZMAT = "hazmat"  # hazardous-materials unit
    AMBULANCE = "ambulance"
    POLICE_CAR = "police_car"
    RESCUE_TEAM = "rescue_team"
    DRONE = "drone"
    ROBOT = "robot"  # fire-fighting robot


class UnitStatus(StrEnum):
    AVAILABLE = "available"
    DISPATCHED = "dispatched"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    RETURNING = "returning"
    OUT_OF_SERVICE = "out_of_service"


S = UnitStatus
TRANSITIONS: Mapping[UnitStatus, frozenset[UnitStatus]] = {
    S.AVAILABLE: frozenset({S.DISPATCHED, S.OUT_OF_SERVICE}),
    S.DISPATCHED: frozenset({S.EN_ROUTE, S.AVAILABLE, S.OUT_OF_SERVICE}),
    S.EN_ROUTE: frozenset({S.ON_SCENE, S.RETURNING, S.OUT_OF_SERVICE}),
    S.ON_SCENE: frozenset({S.RETURNING}),
    S.RETURNING: frozenset({S.AVAILABLE, S.DISPATCHED, S.OUT_OF_SERVICE}),
    S.OUT_OF_SERVICE: frozenset({S.AVAILABLE}),
}
"""Allowed next statuses from each status (the diagram in the module docstring)."""

DISPATCHABLE: frozenset[UnitStatus] = frozenset({S.AVAILABLE, S.RETURNING})
"""Statuses from which a unit may be sent to an incident."""

ASSIGNED: frozenset[UnitStatus] = frozenset({S.DISPATCHED, S.EN_ROUTE, S.ON_SCENE})
"""Statuses in which a unit is bound to an incident."""


class IllegalTransition(Conflict):
    """A status change the state machine does not allow (409)."""

    def __init__(self, unit_id: str, current: UnitStatus, target: UnitStatus) -> None:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none"
        super().__init__(
            f"unit {unit_id!r} cannot go from {current.value!r} to {target.value!r} "
            f"(allowed: {allowed})"
        )
        self.current = current
        self.target = target


def check_transition(unit_id: str, current: UnitStatus, target: UnitStatus) -> None:
    """Raise :class:`IllegalTransition` unless ``current → target`` is in :data:`TRANSITIONS`."""
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(unit_id, current, target)


GRADE_WEIGHT: Mapping[str, float] = {"I": 8.0, "II": 4.0, "III": 2.0, "IV": 1.0}
"""Weight of a second of response time by incident grade (I particularly serious … IV general);
an ungraded incident weighs as grade IV."""


def grade_weight(grade: str | None) -> float:
    return GRADE_WEIGHT.get(grade or "", GRADE_WEIGHT["IV"])


@dataclass(frozen=True, slots=True, kw_only=True)
class Unit:
    """A response unit. ``station_location`` is its home station (a registry facility);
    ``position`` the last AVL fix (or the station until the first fix)."""

    id: str
    call_sign: str
    unit_type: UnitType
    capabilities: tuple[str, ...]
    organisation_id: str
    path: str
    station_id: str
    station_name: str
    station_location: Point
    position: Point
    position_at: datetime | None
    status: UnitStatus
    incident_id: str | None
    created_at: datetime
    updated_at: datetime
    dispatched_at: datetime | None = None
    version: int = 1

    def moved(self, status: UnitStatus, incident_id: str | None, at: datetime) -> Unit:
        dispatched_at = at if status is UnitStatus.DISPATCHED else self.dispatched_at
        if incident_id is None:
            dispatched_at = None
        return replace(
            self,
            status=status,
            incident_id=incident_id,
            dispatched_at=dispatched_at,
            updated_at=at,
            version=self.version + 1,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class PositionFix:
    """One AVL report: where a unit was at ``at`` (``speed_kmh``/``heading_deg`` optional)."""

    unit_id: str
    position: Point
    at: datetime
    speed_kmh: float | None = None
    heading_deg: float | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RejectedFix:
    """An AVL record refused on ingest, kept for inspection and replay."""

    id: str
    source: str  # "http" or "mqtt"
    unit_ref: str
    raw: str
    reason: str
    received_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class RunCard:
    """What one activated plan asks of dispatch for an incident."""

    incident_id: str
    plan_code: str
    activation_id: str
    level: str
    units: Mapping[str, int]  # unit type → count
    materials: Mapping[str, float]  # material code → quantity
    activated_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class IncidentView:
    """Dispatch's projection of an incident (from ``IncidentOpened/Graded/StatusChanged``) and
    the run cards of its activated plans (from ``PlanActivated``)."""

    id: str
    organisation_id: str | None
    path: str
    title: str
    category: str
    incident_type: str
    location: Point
    grade: str | None
    status: str
    exercise: bool
    updated_at: datetime
    run_cards: tuple[RunCard, ...] = ()

    @property
    def open(self) -> bool:
        return self.status not in ("closed", "reviewed")

    def required_units(self) -> dict[str, int]:
        """Unit type → count over every activated plan (the largest ask per type: two plans
        asking for engines do not double the engines)."""
        out: dict[str, int] = {}
        for card in self.run_cards:
            for unit_type, count in card.units.items():
                out[unit_type] = max(out.get(unit_type, 0), count)
        return out

    def required_materials(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for card in self.run_cards:
            for code, quantity in card.materials.items():
                out[code] = max(out.get(code, 0.0), quantity)
        return out


class PlanStatus(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True, kw_only=True)
class Assignment:
    """Send ``unit_id`` to ``incident_id``; ``eta_s`` as estimated when proposed."""

    unit_id: str
    incident_id: str
    unit_type: str
    eta_s: float


@dataclass(frozen=True, slots=True, kw_only=True)
class MaterialShipment:
    """A reserves allocation line carried by a dispatch plan."""

    incident_id: str
    lot_id: str
    depot_id: str
    material_code: str
    quantity: float
    time_min: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Shortfall:
    """Units of ``unit_type`` an incident needs that no unit could fill."""

    incident_id: str
    unit_type: str
    missing: int


@dataclass(frozen=True, slots=True, kw_only=True)
class DispatchPlan:
    """A proposal of unit assignments (and material shipments) for competing incidents, which a
    commander approves (possibly edited) or rejects. ``objective_s`` is the grade-weighted sum of
    ETAs; ``greedy_objective_s`` the same for the greedy nearest-unit baseline."""

    id: str
    organisation_id: str
    path: str
    status: PlanStatus
    method: str
    incident_ids: tuple[str, ...]
    assignments: tuple[Assignment, ...]
    shortfalls: tuple[Shortfall, ...]
    materials: tuple[MaterialShipment, ...]
    objective_s: float
    greedy_objective_s: float
    proposed_by: str
    created_at: datetime
    decided_by: str | None = None
    decided_at: datetime | None = None
    note: str = ""
    travel_basis: str = ""
    version: int = 1
    unmet_materials: tuple[tuple[str, str, float], ...] = field(default=())


class DispatchRepository(Protocol):
    """Port for units, positions, the incident view and dispatch plans (implemented in store)."""

    def add_unit(self, unit: Unit) -> None: ...

    def get_unit(self, unit_id: str, *, for_update: bool = False) -> Unit | None: ...

    def unit_by_call_sign(self, call_sign: str) -> Unit | None: ...

    def list_units(
        self,
        scope_paths: Sequence[str],
        *,
        unit_type: str | None = None,
        status: str | None = None,
        limit: int = 1000,
        offset: int = 0,
    ) -> tuple[list[Unit], int]: ...

    def units_with(
        self,
        scope_paths: Sequence[str],
        *,
        statuses: Collection[UnitStatus],
        unit_types: Collection[str] | None = None,
    ) -> list[Unit]:
        """Every unit in scope with one of ``statuses`` (and of ``unit_types``), by call sign:
        the candidates of a recommendation, without counting or paging."""
        ...

    def change_status(
        self,
        unit: Unit,
        *,
        expected: frozenset[UnitStatus],
        status: UnitStatus,
        incident_id: str | None,
        at: datetime,
    ) -> bool:
        """Conditional update: only when the stored status is in ``expected`` (row count)."""
        ...

    def relocate(self, unit_id: str, station_id: str, name: str, at_station: Point) -> None: ...

    def record_fixes(self, fixes: Sequence[PositionFix], received_at: datetime) -> None: ...

    def track(self, unit_id: str, limit: int) -> list[PositionFix]: ...

    def quarantine(self, rejected: Sequence[RejectedFix]) -> None: ...

    def list_quarantine(self, limit: int, offset: int) -> tuple[list[RejectedFix], int]: ...

    def get_incident(self, incident_id: str) -> IncidentView | None: ...

    def save_incident(self, incident: IncidentView) -> None: ...

    def list_incidents(
        self, scope_paths: Sequence[str], *, open_only: bool
    ) -> list[IncidentView]: ...

    def save_run_card(self, card: RunCard) -> None: ...

    def remove_run_card(self, activation_id: str) -> None: ...

    def add_plan(self, plan: DispatchPlan) -> None: ...

    def get_plan(self, plan_id: str) -> DispatchPlan | None: ...

    def list_plans(
        self, scope_paths: Sequence[str], limit: int, offset: int
    ) -> tuple[list[DispatchPlan], int]: ...

    def decide_plan(self, plan: DispatchPlan) -> bool:
        """Store the decision only if the plan is still proposed (row count)."""
        ...


DISPATCH: RepoKey[DispatchRepository] = RepoKey("dispatch")
TRAVEL: RepoKey[TravelTimes] = RepoKey("travel_times")
"""The travel-time port, reached through the unit of work (``bootstrap`` wires the platform's)."""
