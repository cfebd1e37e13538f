"""Commands and queries of the dispatch context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from lifeline.dispatch.model import Assignment, MaterialShipment, UnitStatus, UnitType
from lifeline.kernel.events import Command, Query
from lifeline.kernel.geo import Point
from lifeline.security.model import Permission

R, W, C = Permission.UNIT_READ, Permission.UNIT_WRITE, Permission.DISPATCH_COMMAND


@dataclass(frozen=True, kw_only=True)
class RegisterUnit(Command):
    """A unit based at the registry facility ``station_id`` (a station of its organisation)."""

    permission: ClassVar[str] = W
    call_sign: str
    unit_type: UnitType
    station_id: str
    capabilities: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class GetUnit(Query):
    permission: ClassVar[str] = R
    unit_id: str


@dataclass(frozen=True, kw_only=True)
class ListUnits(Query):
    permission: ClassVar[str] = R
    unit_type: UnitType | None = None
    status: UnitStatus | None = None
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True, kw_only=True)
class ChangeUnitStatus(Command):
    """A step reported by the unit or its department (en route, on scene, returning …).
    Dispatching to an incident is :class:`DispatchUnit`."""

    permission: ClassVar[str] = W
    unit_id: str
    status: UnitStatus
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class DispatchUnit(Command):
    """Order one unit to an incident (the unit must be available or returning)."""

    permission: ClassVar[str] = C
    unit_id: str
    incident_id: str


@dataclass(frozen=True, kw_only=True)
class AvlFix:
    """One raw AVL report as received (``unit`` is the unit id or call sign; ``at`` an aware
    datetime or ISO 8601 text). Nothing is trusted: the service validates every field."""

    unit: object
    lon: object
    lat: object
    at: object = None
    speed_kmh: object = None
    heading_deg: object = None
    raw: str = ""
    problem: str = ""  # set by a reader that could not parse the record at all


@dataclass(frozen=True, kw_only=True)
class ReportPositions(Command):
    """A batch of AVL fixes; bad ones are quarantined with the reason, good ones stored."""

    permission: ClassVar[str] = W
    fixes: tuple[AvlFix, ...]
    source: str = "http"


@dataclass(frozen=True, kw_only=True)
class UnitTrack(Query):
    permission: ClassVar[str] = R
    unit_id: str
    limit: int = 100


@dataclass(frozen=True, kw_only=True)
class ListAvlQuarantine(Query):
    permission: ClassVar[str] = R
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True, kw_only=True)
class ListIncidentViews(Query):
    """Open incidents as dispatch sees them, with their run cards."""

    permission: ClassVar[str] = R
    open_only: bool = True


@dataclass(frozen=True, kw_only=True)
class RecommendUnits(Query):
    """Rank available units for one incident. ``requirement`` overrides the run card of its
    activated plans (unit type → count)."""

    permission: ClassVar[str] = R
    incident_id: str
    requirement: tuple[tuple[UnitType, int], ...] | None = None
    coverage_weight: float = 0.5
    limit: int = 50


@dataclass(frozen=True, kw_only=True)
class ProposeDispatchPlan(Command):
    """Assign units to the competing ``incident_ids`` (``optimal`` or ``greedy``); materials
    proposed by the reserve system's allocation ride along."""

    permission: ClassVar[str] = C
    organisation_id: str
    incident_ids: tuple[str, ...]
    method: str = "optimal"
    materials: tuple[MaterialShipment, ...] = ()
    unmet_materials: tuple[tuple[str, str, float], ...] = ()


@dataclass(frozen=True, kw_only=True)
class GetDispatchPlan(Query):
    permission: ClassVar[str] = R
    plan_id: str


@dataclass(frozen=True, kw_only=True)
class ListDispatchPlans(Query):
    permission: ClassVar[str] = R
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, kw_only=True)
class ApproveDispatchPlan(Command):
    """Approve a proposed plan; ``assignments`` replaces the proposal's when the commander edited
    it. Every unit is dispatched in one transaction: one unit no longer free → 409, nothing sent."""

    permission: ClassVar[str] = C
    plan_id: str
    assignments: tuple[Assignment, ...] | None = None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class RejectDispatchPlan(Command):
    permission: ClassVar[str] = C
    plan_id: str
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class DemandPoint:
    """A place whose response standard is checked, weighted (e.g. by population)."""

    location: Point
    weight: float = 1.0
    name: str = ""


@dataclass(frozen=True, kw_only=True)
class AssessCoverage(Query):
    """First-unit travel time at each demand point from the available units of ``unit_type``
    (default demand points: every home station of such units)."""

    permission: ClassVar[str] = R
    unit_type: UnitType = UnitType.ENGINE
    standard_s: float = 300.0
    demand: tuple[DemandPoint, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RecommendMoveUp(Query):
    """Maximal-covering relocation of idle units among the stations (at most ``max_moves``)."""

    permission: ClassVar[str] = R
    unit_type: UnitType = UnitType.ENGINE
    standard_s: float = 300.0
    max_moves: int = 3
    demand: tuple[DemandPoint, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RelocateUnit(Command):
    """Carry out a move-up: the idle unit stands by at the station ``station_id``."""

    permission: ClassVar[str] = C
    unit_id: str
    station_id: str
