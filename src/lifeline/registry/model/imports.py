"""Bulk imports: GeoJSON and CSV import commands and their result."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

from lifeline.kernel.coords import CoordinateSystem
from lifeline.kernel.events import Command
from lifeline.security.model import Permission


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
class ImportResult:
    target: ImportTarget
    created_ids: tuple[str, ...]
