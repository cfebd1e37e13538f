"""Dispatch events (past tense). ``UnitDispatched`` is the order that goes to a unit and its
department (read by review and the dashboard): keep its fields stable and add new ones only with
defaults. ``aggregate_id`` is the unit id for unit events, the plan id for plan events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from lifeline.kernel.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class UnitRegistered(DomainEvent):
    aggregate_type: ClassVar[str] = "unit"
    call_sign: str
    unit_type: str
    capabilities: tuple[str, ...]
    station_id: str
    lon: float
    lat: float


@dataclass(frozen=True, kw_only=True)
class UnitDispatched(DomainEvent):
    """An order: the unit goes to ``incident_id``; ``plan_id`` when it came from a dispatch plan.
    ``eta_s`` is the travel-time estimate when ordered (``travel_basis`` says on what)."""

    aggregate_type: ClassVar[str] = "unit"
    incident_id: str
    unit_type: str
    call_sign: str
    eta_s: float | None
    plan_id: str | None = None
    travel_basis: str = ""


@dataclass(frozen=True, kw_only=True)
class UnitStatusChanged(DomainEvent):
    """A step of the unit's status machine (``on_scene`` is the arrival)."""

    aggregate_type: ClassVar[str] = "unit"
    status: str
    previous_status: str
    incident_id: str | None
    note: str = ""


@dataclass(frozen=True, kw_only=True)
class UnitArrived(DomainEvent):
    """The unit reached the incident; ``response_s`` from its dispatch order to arrival."""

    aggregate_type: ClassVar[str] = "unit"
    incident_id: str
    response_s: float | None


@dataclass(frozen=True, kw_only=True)
class UnitRelocated(DomainEvent):
    """A move-up: an idle unit was ordered to stand by at another station."""

    aggregate_type: ClassVar[str] = "unit"
    from_station_id: str
    to_station_id: str
    lon: float
    lat: float


@dataclass(frozen=True, kw_only=True)
class DispatchPlanProposed(DomainEvent):
    aggregate_type: ClassVar[str] = "dispatch_plan"
    method: str
    incident_ids: tuple[str, ...]
    assignments: int
    objective_s: float
    greedy_objective_s: float


@dataclass(frozen=True, kw_only=True)
class DispatchPlanDecided(DomainEvent):
    """The commander approved (possibly edited) or rejected a plan."""

    aggregate_type: ClassVar[str] = "dispatch_plan"
    status: str
    edited: bool
    assignments: int
    note: str = ""
