"""Facilities: located hospitals, stations, shelters, depots and hazard sources; their messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from lifeline.kernel.coords import CoordinateSystem
from lifeline.kernel.events import Command, DomainEvent, Query
from lifeline.kernel.geo import Point
from lifeline.registry.model._common import UNSET, Unset
from lifeline.security.model import Permission


class FacilityKind(StrEnum):
    HOSPITAL = "hospital"
    FIRE_STATION = "fire_station"
    POLICE_STATION = "police_station"
    SHELTER = "shelter"
    DEPOT = "depot"
    HAZARD_SOURCE = "hazard_source"


class CapacityUnit(StrEnum):
    BEDS = "beds"
    PERSONS = "persons"
    VEHICLES = "vehicles"
    M3 = "m3"
    TONNES = "tonnes"
    M2 = "m2"


DEFAULT_CAPACITY_UNIT: Mapping[FacilityKind, CapacityUnit] = {
    FacilityKind.HOSPITAL: CapacityUnit.BEDS,
    FacilityKind.FIRE_STATION: CapacityUnit.VEHICLES,
    FacilityKind.POLICE_STATION: CapacityUnit.PERSONS,
    FacilityKind.SHELTER: CapacityUnit.PERSONS,
    FacilityKind.DEPOT: CapacityUnit.M3,
    FacilityKind.HAZARD_SOURCE: CapacityUnit.TONNES,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class Facility:
    """A located facility owned by an organisation. ``location`` is WGS84; ``source_crs`` is the
    system the location arrived in (converted at the edge)."""

    id: str
    name: str
    kind: FacilityKind
    location: Point
    capacity: int | None
    capacity_unit: CapacityUnit | None
    organisation_id: str
    path: str
    address: str | None
    contact_name: str | None  # personal
    contact_phone: str | None  # personal
    source_crs: CoordinateSystem
    attributes: Mapping[str, Any]
    created_at: datetime
    updated_at: datetime
    version: int = 1


# --- events --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class FacilityRegistered(DomainEvent):
    aggregate_type: ClassVar[str] = "facility"

    name: str
    kind: FacilityKind
    location: Point
    source_crs: CoordinateSystem
    capacity: int | None
    capacity_unit: CapacityUnit | None
    owner_id: str
    address: str | None
    attributes: Mapping[str, Any]
    personal_fields_set: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class FacilityUpdated(DomainEvent):
    aggregate_type: ClassVar[str] = "facility"

    changes: Mapping[str, Any]
    personal_fields_changed: tuple[str, ...] = ()
    version: int


@dataclass(frozen=True, kw_only=True)
class FacilityRemoved(DomainEvent):
    aggregate_type: ClassVar[str] = "facility"

    name: str


# --- commands and queries --------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class RegisterFacility(Command):
    """``location`` is already WGS84; ``source_crs`` records the system it arrived in."""

    permission: ClassVar[str] = Permission.FACILITY_WRITE

    name: str
    kind: FacilityKind
    location: Point
    organisation_id: str
    source_crs: CoordinateSystem = CoordinateSystem.WGS84
    capacity: int | None = None
    capacity_unit: CapacityUnit | None = None
    address: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class UpdateFacility(Command):
    permission: ClassVar[str] = Permission.FACILITY_WRITE

    facility_id: str
    expected_version: int | None = None
    name: str | Unset = UNSET
    kind: FacilityKind | Unset = UNSET
    location: Point | Unset = UNSET
    source_crs: CoordinateSystem | Unset = UNSET
    capacity: int | Unset | None = UNSET
    capacity_unit: CapacityUnit | Unset | None = UNSET
    address: str | Unset | None = UNSET
    contact_name: str | Unset | None = UNSET
    contact_phone: str | Unset | None = UNSET
    attributes: Mapping[str, Any] | Unset = UNSET


@dataclass(frozen=True, kw_only=True)
class RemoveFacility(Command):
    permission: ClassVar[str] = Permission.FACILITY_WRITE

    facility_id: str
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class GetFacility(Query):
    permission: ClassVar[str] = Permission.ORG_READ

    facility_id: str


@dataclass(frozen=True, kw_only=True)
class ListFacilities(Query):
    """``near`` + ``radius_m``: facilities within that great-circle distance, nearest first."""

    permission: ClassVar[str] = Permission.ORG_READ

    kind: FacilityKind | None = None
    organisation_id: str | None = None
    name: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    near: Point | None = None
    radius_m: float | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, slots=True)
class FacilityFilter:
    """What the repository's ``list_facilities`` matches (``scope_paths``: the caller's)."""

    scope_paths: tuple[str, ...]
    kind: FacilityKind | None = None
    organisation_id: str | None = None
    name: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    near: Point | None = None
    radius_m: float | None = None
