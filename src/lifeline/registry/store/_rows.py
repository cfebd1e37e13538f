"""Mapping between registry rows and domain records."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from lifeline.kernel.coords import CoordinateSystem
from lifeline.kernel.geo import Area, Point
from lifeline.registry.model import (
    AdministrativeArea,
    AreaLevel,
    CapacityUnit,
    DepartmentType,
    Facility,
    FacilityKind,
    Organisation,
    OrgKind,
)


def org_row(org: Organisation) -> dict[str, Any]:
    return {
        "id": org.id,
        "name": org.name,
        "name_en": org.name_en,
        "kind": org.kind.value,
        "department_type": org.department_type.value if org.department_type else None,
        "parent_id": org.parent_id,
        "path": org.path,
        "admin_code": org.admin_code,
        "contact_name": org.contact_name,
        "contact_phone": org.contact_phone,
        "created_at": org.created_at,
        "updated_at": org.updated_at,
        "version": org.version,
    }


def org_of(m: sa.RowMapping) -> Organisation:
    return Organisation(
        id=m["id"],
        name=m["name"],
        name_en=m["name_en"],
        kind=OrgKind(m["kind"]),
        department_type=DepartmentType(m["department_type"]) if m["department_type"] else None,
        parent_id=m["parent_id"],
        path=m["path"],
        admin_code=m["admin_code"],
        contact_name=m["contact_name"],
        contact_phone=m["contact_phone"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        version=int(m["version"]),
    )


def area_row(area: AdministrativeArea) -> dict[str, Any]:
    min_lon, min_lat, max_lon, max_lat = area.boundary.bbox()
    return {
        "id": area.id,
        "name": area.name,
        "level": area.level.value,
        "admin_code": area.admin_code,
        "organisation_id": area.organisation_id,
        "path": area.path,
        "boundary_geojson": json.dumps(area.boundary.to_geojson()),
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
        "population": area.population,
        "attributes": dict(area.attributes),
        "created_at": area.created_at,
        "updated_at": area.updated_at,
        "version": area.version,
    }


def area_of(m: sa.RowMapping) -> AdministrativeArea:
    return AdministrativeArea(
        id=m["id"],
        name=m["name"],
        level=AreaLevel(m["level"]),
        admin_code=m["admin_code"],
        organisation_id=m["organisation_id"],
        path=m["path"],
        boundary=Area(json.loads(m["boundary_geojson"])),
        population=None if m["population"] is None else int(m["population"]),
        attributes=dict(m["attributes"] or {}),
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        version=int(m["version"]),
    )


def facility_row(f: Facility) -> dict[str, Any]:
    return {
        "id": f.id,
        "name": f.name,
        "kind": f.kind.value,
        "lon": f.location.lon,
        "lat": f.location.lat,
        "capacity": f.capacity,
        "capacity_unit": f.capacity_unit.value if f.capacity_unit else None,
        "organisation_id": f.organisation_id,
        "path": f.path,
        "address": f.address,
        "contact_name": f.contact_name,
        "contact_phone": f.contact_phone,
        "source_crs": f.source_crs.value,
        "attributes": dict(f.attributes),
        "created_at": f.created_at,
        "updated_at": f.updated_at,
        "version": f.version,
    }


def facility_of(m: sa.RowMapping) -> Facility:
    return Facility(
        id=m["id"],
        name=m["name"],
        kind=FacilityKind(m["kind"]),
        location=Point(float(m["lon"]), float(m["lat"])),
        capacity=None if m["capacity"] is None else int(m["capacity"]),
        capacity_unit=CapacityUnit(m["capacity_unit"]) if m["capacity_unit"] else None,
        organisation_id=m["organisation_id"],
        path=m["path"],
        address=m["address"],
        contact_name=m["contact_name"],
        contact_phone=m["contact_phone"],
        source_crs=CoordinateSystem(m["source_crs"]),
        attributes=dict(m["attributes"] or {}),
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        version=int(m["version"]),
    )
