"""Registry domain: organisations, administrative areas, facilities, their events and messages.

Personal fields (``contact_name``, ``contact_phone``) are kept on the records but never written
into events: the event log is append-only, so it only names *which* personal fields changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from lifeline.kernel.coords import CoordinateSystem
from lifeline.kernel.events import Command, DomainEvent, Query
from lifeline.kernel.geo import Area, Point
from lifeline.kernel.ports import RepoKey
from lifeline.security.masking import mask_name, mask_phone
from lifeline.security.model import Permission

PERSONAL_FIELDS: tuple[str, ...] = ("contact_name", "contact_phone")
MAX_NAME_LENGTH = 200


class OrgKind(StrEnum):
    CITY = "city"
    DISTRICT = "district"
    STREET = "street"  # 街道 (sub-district)
    PARK = "park"  # industrial or e-commerce park
    DEPARTMENT = "department"
    ENTERPRISE = "enterprise"
    SOCIAL_ORGANISATION = "social_organisation"


class DepartmentType(StrEnum):
    EMERGENCY_MANAGEMENT = "emergency_management"
    FIRE = "fire"
    POLICE = "police"
    HEALTH = "health"
    TRANSPORT = "transport"
    WATER = "water"
    GAS = "gas"
    POWER = "power"
    HOUSING = "housing"


class AreaLevel(StrEnum):
    CITY = "city"
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"  # 社区
    PARK = "park"
    ZONE = "zone"  # any other operational zone (evacuation zone, hazard buffer …)


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
class Organisation:
    """A node of the organisation tree; ``path`` is ``/<root id>/…/<own id>/``."""

    id: str
    name: str
    name_en: str | None
    kind: OrgKind
    department_type: DepartmentType | None
    parent_id: str | None
    path: str
    admin_code: str | None
    contact_name: str | None  # personal
    contact_phone: str | None  # personal
    created_at: datetime
    updated_at: datetime
    version: int = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class AdministrativeArea:
    """A named area with a boundary, owned by an organisation (``path`` is the owner's path)."""

    id: str
    name: str
    level: AreaLevel
    admin_code: str | None
    organisation_id: str
    path: str
    boundary: Area
    population: int | None
    attributes: Mapping[str, Any]
    created_at: datetime
    updated_at: datetime
    version: int = 1


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


# --- masking -------------------------------------------------------------------------------


R = TypeVar("R", Organisation, Facility)
T = TypeVar("T")


def masked(record: R) -> R:
    """The record with its personal fields masked."""
    return dataclasses.replace(
        record,
        contact_name=mask_name(record.contact_name),
        contact_phone=mask_phone(record.contact_phone),
    )


# --- events --------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class OrganisationRegistered(DomainEvent):
    aggregate_type: ClassVar[str] = "organisation"

    name: str
    name_en: str | None
    kind: OrgKind
    department_type: DepartmentType | None
    parent_id: str | None
    path: str
    admin_code: str | None
    personal_fields_set: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class OrganisationUpdated(DomainEvent):
    """``changes`` holds new values of non-personal fields; personal ones are only named."""

    aggregate_type: ClassVar[str] = "organisation"

    changes: Mapping[str, Any]
    personal_fields_changed: tuple[str, ...] = ()
    version: int


@dataclass(frozen=True, kw_only=True)
class OrganisationRemoved(DomainEvent):
    aggregate_type: ClassVar[str] = "organisation"

    name: str
    path: str


@dataclass(frozen=True, kw_only=True)
class AreaDefined(DomainEvent):
    aggregate_type: ClassVar[str] = "area"

    name: str
    level: AreaLevel
    admin_code: str | None
    owner_id: str
    boundary: Mapping[str, Any]
    population: int | None


@dataclass(frozen=True, kw_only=True)
class AreaUpdated(DomainEvent):
    aggregate_type: ClassVar[str] = "area"

    changes: Mapping[str, Any]
    version: int


@dataclass(frozen=True, kw_only=True)
class AreaRemoved(DomainEvent):
    aggregate_type: ClassVar[str] = "area"

    name: str


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


class Unset(Enum):
    """Marks a field an update leaves alone (``None`` means "clear it")."""

    UNSET = "UNSET"


UNSET = Unset.UNSET


@dataclass(frozen=True, kw_only=True)
class RegisterOrganisation(Command):
    permission: ClassVar[str] = Permission.ORG_WRITE

    name: str
    kind: OrgKind
    parent_id: str | None = None
    name_en: str | None = None
    department_type: DepartmentType | None = None
    admin_code: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None


@dataclass(frozen=True, kw_only=True)
class UpdateOrganisation(Command):
    """Change fields; moving to another ``parent_id`` re-roots the whole subtree."""

    permission: ClassVar[str] = Permission.ORG_WRITE

    organisation_id: str
    expected_version: int | None = None
    name: str | Unset = UNSET
    name_en: str | Unset | None = UNSET
    parent_id: str | Unset = UNSET
    department_type: DepartmentType | Unset | None = UNSET
    admin_code: str | Unset | None = UNSET
    contact_name: str | Unset | None = UNSET
    contact_phone: str | Unset | None = UNSET


@dataclass(frozen=True, kw_only=True)
class RemoveOrganisation(Command):
    permission: ClassVar[str] = Permission.ORG_WRITE

    organisation_id: str
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class GetOrganisation(Query):
    permission: ClassVar[str] = Permission.ORG_READ

    organisation_id: str


@dataclass(frozen=True, kw_only=True)
class ListOrganisations(Query):
    permission: ClassVar[str] = Permission.ORG_READ

    kind: OrgKind | None = None
    parent_id: str | None = None
    department_type: DepartmentType | None = None
    name: str | None = None
    limit: int = 50
    offset: int = 0


@dataclass(frozen=True, kw_only=True)
class OrganisationTimeline(Query):
    permission: ClassVar[str] = Permission.AUDIT_READ

    organisation_id: str


@dataclass(frozen=True, kw_only=True)
class DefineArea(Command):
    permission: ClassVar[str] = Permission.AREA_WRITE

    name: str
    level: AreaLevel
    organisation_id: str
    boundary: Area
    admin_code: str | None = None
    population: int | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class UpdateArea(Command):
    permission: ClassVar[str] = Permission.AREA_WRITE

    area_id: str
    expected_version: int | None = None
    name: str | Unset = UNSET
    level: AreaLevel | Unset = UNSET
    boundary: Area | Unset = UNSET
    admin_code: str | Unset | None = UNSET
    population: int | Unset | None = UNSET
    attributes: Mapping[str, Any] | Unset = UNSET


@dataclass(frozen=True, kw_only=True)
class RemoveArea(Command):
    permission: ClassVar[str] = Permission.AREA_WRITE

    area_id: str
    expected_version: int | None = None


@dataclass(frozen=True, kw_only=True)
class GetArea(Query):
    permission: ClassVar[str] = Permission.ORG_READ

    area_id: str


@dataclass(frozen=True, kw_only=True)
class ListAreas(Query):
    """``contains``: only areas covering this point; ``bbox``: only areas intersecting it."""

    permission: ClassVar[str] = Permission.ORG_READ

    level: AreaLevel | None = None
    organisation_id: str | None = None
    name: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    contains: Point | None = None
    limit: int = 50
    offset: int = 0


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


class ImportTarget(StrEnum):
    AREAS = "areas"
    FACILITIES = "facilities"


@dataclass(frozen=True, kw_only=True)
class ImportGeoJson(Command):
    """Import every feature of a FeatureCollection, or nothing if any feature is invalid."""

    permission: ClassVar[str] = Permission.REGISTRY_IMPORT

    target: ImportTarget
    collection: Any  # the parsed JSON document (validated by the importer)
    crs: CoordinateSystem = CoordinateSystem.WGS84


@dataclass(frozen=True, kw_only=True)
class ImportFacilitiesCsv(Command):
    """Import every row of a facilities CSV (UTF-8 or GB18030), or nothing if any row fails."""

    permission: ClassVar[str] = Permission.REGISTRY_IMPORT

    content: bytes
    crs: CoordinateSystem = CoordinateSystem.WGS84


@dataclass(frozen=True, slots=True)
class Listing(Generic[T]):
    """One page of a list query: ``total`` counts every match the caller may see."""

    items: list[T]
    total: int


@dataclass(frozen=True, slots=True)
class ImportResult:
    target: ImportTarget
    created_ids: tuple[str, ...]


# --- repository port -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrgFilter:
    scope_paths: tuple[str, ...]
    kind: OrgKind | None = None
    parent_id: str | None = None
    department_type: DepartmentType | None = None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class AreaFilter:
    scope_paths: tuple[str, ...]
    level: AreaLevel | None = None
    organisation_id: str | None = None
    name: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    contains: Point | None = None


@dataclass(frozen=True, slots=True)
class FacilityFilter:
    scope_paths: tuple[str, ...]
    kind: FacilityKind | None = None
    organisation_id: str | None = None
    name: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    near: Point | None = None
    radius_m: float | None = None


class RegistryRepository(Protocol):
    """Storage port for the registry. ``update_*`` bump ``version`` only if it still equals
    ``expected_version`` and return False otherwise (a concurrent writer won)."""

    def add_organisation(self, org: Organisation) -> None: ...

    def get_organisation(self, organisation_id: str) -> Organisation | None: ...

    def organisation_by_admin_code(self, admin_code: str) -> Organisation | None: ...

    def sibling_named(self, parent_id: str | None, name: str) -> Organisation | None: ...

    def update_organisation(self, org: Organisation, expected_version: int) -> bool: ...

    def delete_organisation(self, organisation_id: str) -> None: ...

    def child_count(self, organisation_id: str) -> int: ...

    def owned_counts(self, organisation_id: str) -> tuple[int, int]:
        """``(areas, facilities)`` owned by the organisation."""
        ...

    def rebase_paths(self, old_prefix: str, new_prefix: str) -> None:
        """Rewrite every path starting with ``old_prefix`` (organisations, areas, facilities)."""
        ...

    def list_organisations(
        self, where: OrgFilter, limit: int, offset: int
    ) -> tuple[list[Organisation], int]: ...

    def path_of(self, organisation_id: str) -> str | None: ...

    def add_area(self, area: AdministrativeArea) -> None: ...

    def get_area(self, area_id: str) -> AdministrativeArea | None: ...

    def area_named(self, organisation_id: str, name: str) -> AdministrativeArea | None: ...

    def update_area(self, area: AdministrativeArea, expected_version: int) -> bool: ...

    def delete_area(self, area_id: str) -> None: ...

    def list_areas(
        self, where: AreaFilter, limit: int, offset: int
    ) -> tuple[list[AdministrativeArea], int]: ...

    def add_facility(self, facility: Facility) -> None: ...

    def get_facility(self, facility_id: str) -> Facility | None: ...

    def facility_named(self, organisation_id: str, name: str) -> Facility | None: ...

    def update_facility(self, facility: Facility, expected_version: int) -> bool: ...

    def delete_facility(self, facility_id: str) -> None: ...

    def list_facilities(
        self, where: FacilityFilter, limit: int, offset: int
    ) -> tuple[list[Facility], int]:
        """With ``near``: only facilities within ``radius_m``, nearest first."""
        ...


REGISTRY: RepoKey[RegistryRepository] = RepoKey("registry")
