"""Plan events (past tense). ``PlanActivated`` is read by dispatch (its run card: the unit types
and materials the plan requires at the activated level): keep its fields stable and add new ones
only with defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from lifeline.kernel.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class RequiredUnits:
    """``count`` units of ``unit_type`` (``engine``, ``ladder``, ``hazmat``, ``ambulance``,
    ``police_car``, ``rescue_team``, ``drone``, ``robot`` …)."""

    unit_type: str
    count: int


@dataclass(frozen=True, kw_only=True)
class RequiredMaterial:
    """``quantity`` of the catalogue material ``material_code`` (reserves context codes)."""

    material_code: str
    quantity: float


@dataclass(frozen=True, kw_only=True)
class PlanActivated(DomainEvent):
    """A plan version was activated for an incident; ``aggregate_id`` is the activation id.

    ``automatic`` when the incident's grade triggered it, otherwise activated by a commander.
    """

    aggregate_type: ClassVar[str] = "plan_activation"
    plan_id: str
    plan_code: str
    plan_version: int
    incident_id: str
    level: str
    automatic: bool
    required_units: tuple[RequiredUnits, ...] = ()
    required_materials: tuple[RequiredMaterial, ...] = ()
    exercise: bool = False
