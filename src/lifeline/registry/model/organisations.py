"""Organisations: the tree's node type, its kinds, events, commands and queries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from lifeline.kernel.events import Command, DomainEvent, Query
from lifeline.registry.model._common import UNSET, Unset
from lifeline.security.model import Permission


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


# --- commands and queries --------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class OrgFilter:
    """What the repository's ``list_organisations`` matches (``scope_paths``: the caller's)."""

    scope_paths: tuple[str, ...]
    kind: OrgKind | None = None
    parent_id: str | None = None
    department_type: DepartmentType | None = None
    name: str | None = None
