"""Administrative areas: named boundaries owned by organisations, their events and messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from lifeline.kernel.events import Command, DomainEvent, Query
from lifeline.kernel.geo import Area, Point
from lifeline.registry.model._common import UNSET, Unset
from lifeline.security.model import Permission


class AreaLevel(StrEnum):
    CITY = "city"
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"  # 社区
    PARK = "park"
    ZONE = "zone"  # any other operational zone (evacuation zone, hazard buffer …)


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


# --- events --------------------------------------------------------------------------------


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


# --- commands and queries --------------------------------------------------------------------


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


@dataclass(frozen=True, slots=True)
class AreaFilter:
    """What the repository's ``list_areas`` matches (``scope_paths``: the caller's)."""

    scope_paths: tuple[str, ...]
    level: AreaLevel | None = None
    organisation_id: str | None = None
    name: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    contains: Point | None = None
