"""Bulk import from the data hub: canonical records → reserves commands (pure).

A department maps its own depot list, stock sheet or personnel roster onto the hub's standard
(facility, material, person records) with a mapping — configuration, not code — and the reserves
context turns the accepted canonical records into its own commands:

| import | hub record type | becomes |
|---|---|---|
| ``depots`` | facility with ``kind: depot`` | ``CreateDepot`` (capacity defaults when absent) |
| ``stock`` | material with ``material_code`` and ``depot`` (a depot's name) | ``ReceiveStock`` |
| ``responders`` | person with ``home_base`` | ``RegisterResponder`` |

Each converter raises ``InvalidInput`` naming the canonical field when a record cannot become a
command; the caller reports it against the hub record (which stays in the hub, nothing lost).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.geo import Point
from lifeline.reserves import messages as m
from lifeline.reserves.model import DepotLevel
from lifeline.reserves.personnel import Certification, PersonnelKind


class ImportKind(StrEnum):
    DEPOTS = "depots"
    STOCK = "stock"
    RESPONDERS = "responders"

    @property
    def record_type(self) -> str:
        return {"depots": "facility", "stock": "material", "responders": "person"}[self.value]


@dataclass(frozen=True, slots=True)
class DepotDefaults:
    level: DepotLevel = DepotLevel.DISTRICT
    capacity_volume_m3: float = 1_000.0
    capacity_weight_kg: float = 200_000.0


def _point(data: Mapping[str, Any], field: str) -> Point:
    value = data.get(field)
    if not isinstance(value, Mapping):
        raise InvalidInput(field, "is required to place it")
    return Point(float(value["lon"]), float(value["lat"]))


def _text(data: Mapping[str, Any], field: str) -> str:
    value = data.get(field)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(field, "is required")
    return value.strip()


def _names(value: Any) -> tuple[str, ...]:
    if not isinstance(value, str):
        return ()
    return tuple(p.strip() for p in value.replace("，", ",").split(",") if p.strip())


def depot_command(
    data: Mapping[str, Any], organisation_id: str, defaults: DepotDefaults
) -> m.CreateDepot:
    if data.get("kind") != "depot":
        raise InvalidInput("kind", f"is {data.get('kind')!r}, not a depot")
    volume = data.get("capacity_volume_m3")
    weight = data.get("capacity_weight_kg")
    return m.CreateDepot(
        name=_text(data, "name"),
        organisation_id=organisation_id,
        level=defaults.level,
        location=_point(data, "location"),
        capacity_volume_m3=float(volume) if volume is not None else defaults.capacity_volume_m3,
        capacity_weight_kg=float(weight) if weight is not None else defaults.capacity_weight_kg,
        operator=str(data.get("operator") or ""),
    )


def stock_command(
    data: Mapping[str, Any], depot_ids: Mapping[str, str], record_id: str
) -> m.ReceiveStock:
    depot = _text(data, "depot")
    depot_id = depot_ids.get(depot)
    if depot_id is None:
        raise InvalidInput("depot", f"no depot named {depot!r} in your scope")
    expires = data.get("expires_on")
    return m.ReceiveStock(
        depot_id=depot_id,
        material_code=_text(data, "material_code"),
        quantity=float(data.get("quantity") or 0),
        expires_on=date.fromisoformat(expires) if isinstance(expires, str) else None,
        reason=f"imported from data hub record {record_id}",
    )


def _certification(text: str, field: str) -> Certification:
    name, _, expiry = text.partition(":")
    try:
        return Certification(name.strip(), date.fromisoformat(expiry.strip()) if expiry else None)
    except ValueError as exc:
        raise InvalidInput(field, f"{text!r}: the expiry must be YYYY-MM-DD") from exc


def responder_command(data: Mapping[str, Any], organisation_id: str) -> m.RegisterResponder:
    kind = data.get("personnel_kind") or PersonnelKind.PROFESSIONAL.value
    try:
        personnel_kind = PersonnelKind(kind)
    except ValueError as exc:
        raise InvalidInput("personnel_kind", f"{kind!r} is not a kind of responder") from exc
    return m.RegisterResponder(
        name=_text(data, "name"),
        organisation_id=organisation_id,
        kind=personnel_kind,
        team=str(data.get("team") or data.get("organisation") or "").strip() or "unassigned",
        home_base=_point(data, "home_base"),
        skills=_names(data.get("skills")),
        certifications=tuple(
            _certification(c, "certifications") for c in _names(data.get("certifications"))
        ),
    )
