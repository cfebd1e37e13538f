"""Registry tables (SQLAlchemy Core) and the repository that maps rows to domain objects.

Geometry is stored as GeoJSON text with bounding-box columns (areas) or ``lon``/``lat`` columns
(facilities), indexed, so that spatial queries prefilter in SQL on every backend and finish in
Python (haversine distance, shapely ``covers``). On PostgreSQL with PostGIS the migration adds a
generated ``geom`` column with a GIST index and the queries use ``ST_Covers`` / ``ST_DWithin``
on geography (spherical, like the Python path) instead.
"""

from __future__ import annotations

import json
import math
import weakref
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lifeline.kernel.coords import CoordinateSystem
from lifeline.kernel.db import UtcDateTime, metadata
from lifeline.kernel.errors import Conflict
from lifeline.kernel.geo import EARTH_RADIUS_M, Area, Point
from lifeline.migrations.runner import has_postgis
from lifeline.registry.model import (
    AdministrativeArea,
    AreaFilter,
    AreaLevel,
    CapacityUnit,
    DepartmentType,
    Facility,
    FacilityFilter,
    FacilityKind,
    Organisation,
    OrgFilter,
    OrgKind,
)

T = TypeVar("T")
Cond = sa.ColumnElement[bool] | sa.TextClause

ORGANISATIONS = "registry_organisations"
AREAS = "registry_areas"
FACILITIES = "registry_facilities"

_PATTERN_OPS = {"path": "text_pattern_ops"}

organisations = sa.Table(
    ORGANISATIONS,
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("name_en", sa.String(200), nullable=True),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("department_type", sa.String(30), nullable=True),
    sa.Column("parent_id", sa.String(36), sa.ForeignKey(f"{ORGANISATIONS}.id"), nullable=True),
    sa.Column("path", sa.Text(), nullable=False),
    sa.Column("admin_code", sa.String(20), nullable=True),
    sa.Column("contact_name", sa.String(200), nullable=True),
    sa.Column("contact_phone", sa.String(50), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.UniqueConstraint("parent_id", "name", name="uq_registry_organisations_parent_id_name"),
    sa.UniqueConstraint("admin_code", name="uq_registry_organisations_admin_code"),
    sa.Index("ix_registry_organisations_path", "path", postgresql_ops=_PATTERN_OPS),
    sa.Index("ix_registry_organisations_parent_id", "parent_id"),
    sa.Index("ix_registry_organisations_kind", "kind"),
)

areas = sa.Table(
    AREAS,
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("level", sa.String(30), nullable=False),
    sa.Column("admin_code", sa.String(20), nullable=True),
    sa.Column(
        "organisation_id", sa.String(36), sa.ForeignKey(f"{ORGANISATIONS}.id"), nullable=False
    ),
    sa.Column("path", sa.Text(), nullable=False),
    sa.Column("boundary_geojson", sa.Text(), nullable=False),
    sa.Column("min_lon", sa.Double(), nullable=False),
    sa.Column("min_lat", sa.Double(), nullable=False),
    sa.Column("max_lon", sa.Double(), nullable=False),
    sa.Column("max_lat", sa.Double(), nullable=False),
    sa.Column("population", sa.BigInteger(), nullable=True),
    sa.Column("attributes", sa.JSON(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.UniqueConstraint("organisation_id", "name", name="uq_registry_areas_organisation_id_name"),
    sa.UniqueConstraint("admin_code", name="uq_registry_areas_admin_code"),
    sa.Index("ix_registry_areas_path", "path", postgresql_ops=_PATTERN_OPS),
    sa.Index("ix_registry_areas_organisation_id", "organisation_id"),
    sa.Index("ix_registry_areas_bbox", "min_lon", "min_lat", "max_lon", "max_lat"),
)

facilities = sa.Table(
    FACILITIES,
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(30), nullable=False),
    sa.Column("lon", sa.Double(), nullable=False),
    sa.Column("lat", sa.Double(), nullable=False),
    sa.Column("capacity", sa.BigInteger(), nullable=True),
    sa.Column("capacity_unit", sa.String(20), nullable=True),
    sa.Column(
        "organisation_id", sa.String(36), sa.ForeignKey(f"{ORGANISATIONS}.id"), nullable=False
    ),
    sa.Column("path", sa.Text(), nullable=False),
    sa.Column("address", sa.Text(), nullable=True),
    sa.Column("contact_name", sa.String(200), nullable=True),
    sa.Column("contact_phone", sa.String(50), nullable=True),
    sa.Column("source_crs", sa.String(10), nullable=False),
    sa.Column("attributes", sa.JSON(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.UniqueConstraint(
        "organisation_id", "name", name="uq_registry_facilities_organisation_id_name"
    ),
    sa.Index("ix_registry_facilities_path", "path", postgresql_ops=_PATTERN_OPS),
    sa.Index("ix_registry_facilities_organisation_id", "organisation_id"),
    sa.Index("ix_registry_facilities_kind", "kind"),
    sa.Index("ix_registry_facilities_lon_lat", "lon", "lat"),
)

_postgis_cache: weakref.WeakKeyDictionary[Engine, bool] = weakref.WeakKeyDictionary()
METRES_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_M / 180.0


def _uses_postgis(conn: sa.Connection) -> bool:
    if conn.dialect.name != "postgresql":
        return False
    cached = _postgis_cache.get(conn.engine)
    if cached is None:
        cached = has_postgis(conn)
        _postgis_cache[conn.engine] = cached
    return cached


def _in_scope(column: sa.ColumnElement[str], scope_paths: Sequence[str]) -> sa.ColumnElement[bool]:
    if not scope_paths:
        return sa.false()
    return sa.or_(*(column.startswith(p, autoescape=True) for p in scope_paths))


def radius_bbox(center: Point, radius_m: float) -> tuple[float, float, float, float]:
    """A ``(min_lon, min_lat, max_lon, max_lat)`` box that contains the circle (prefilter)."""
    dlat = radius_m / METRES_PER_DEGREE_LAT
    coslat = math.cos(math.radians(min(abs(center.lat) + dlat, 90.0)))
    dlon = 180.0 if coslat < 1e-9 else min(dlat / coslat, 180.0)
    return (center.lon - dlon, center.lat - dlat, center.lon + dlon, center.lat + dlat)


class SqlRegistryRepository:
    """The registry's tables on one connection; also answers ``OrganisationPaths``."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    # --- organisations ------------------------------------------------------------------------

    def _insert(self, table: sa.Table, values: Mapping[str, Any], what: str) -> None:
        try:
            with self._conn.begin_nested():
                self._conn.execute(table.insert().values(**values))
        except sa.exc.IntegrityError as exc:
            raise Conflict(f"{what} conflicts with an existing record") from exc

    def _update(
        self,
        table: sa.Table,
        record_id: str,
        expected_version: int,
        values: Mapping[str, Any],
        what: str,
    ) -> bool:
        try:
            with self._conn.begin_nested():
                result = self._conn.execute(
                    table.update()
                    .where(table.c.id == record_id, table.c.version == expected_version)
                    .values(**values)
                )
        except sa.exc.IntegrityError as exc:
            raise Conflict(f"{what} conflicts with an existing record") from exc
        return result.rowcount == 1

    def add_organisation(self, org: Organisation) -> None:
        self._insert(organisations, _org_row(org), "organisation")

    def get_organisation(self, organisation_id: str) -> Organisation | None:
        row = self._conn.execute(
            sa.select(organisations).where(organisations.c.id == organisation_id)
        ).first()
        return None if row is None else _org(row._mapping)

    def organisation_by_admin_code(self, admin_code: str) -> Organisation | None:
        row = self._conn.execute(
            sa.select(organisations).where(organisations.c.admin_code == admin_code)
        ).first()
        return None if row is None else _org(row._mapping)

    def sibling_named(self, parent_id: str | None, name: str) -> Organisation | None:
        parent = (
            organisations.c.parent_id.is_(None)
            if parent_id is None
            else organisations.c.parent_id == parent_id
        )
        row = self._conn.execute(
            sa.select(organisations).where(parent, organisations.c.name == name)
        ).first()
        return None if row is None else _org(row._mapping)

    def update_organisation(self, org: Organisation, expected_version: int) -> bool:
        values = _org_row(org)
        del values["id"], values["created_at"]
        return self._update(organisations, org.id, expected_version, values, "organisation")

    def delete_organisation(self, organisation_id: str) -> None:
        self._conn.execute(organisations.delete().where(organisations.c.id == organisation_id))

    def child_count(self, organisation_id: str) -> int:
        return int(
            self._conn.execute(
                sa.select(sa.func.count())
                .select_from(organisations)
                .where(organisations.c.parent_id == organisation_id)
            ).scalar_one()
        )

    def owned_counts(self, organisation_id: str) -> tuple[int, int]:
        counts = [
            int(
                self._conn.execute(
                    sa.select(sa.func.count())
                    .select_from(t)
                    .where(t.c.organisation_id == organisation_id)
                ).scalar_one()
            )
            for t in (areas, facilities)
        ]
        return counts[0], counts[1]

    def rebase_paths(self, old_prefix: str, new_prefix: str) -> None:
        for table in (organisations, areas, facilities):
            tail = sa.func.substr(table.c.path, len(old_prefix) + 1)
            self._conn.execute(
                table.update()
                .where(table.c.path.startswith(old_prefix, autoescape=True))
                .values(path=sa.literal(new_prefix, sa.Text()) + tail)
            )

    def list_organisations(
        self, where: OrgFilter, limit: int, offset: int
    ) -> tuple[list[Organisation], int]:
        t = organisations
        conds: list[Cond] = [_in_scope(t.c.path, where.scope_paths)]
        if where.kind is not None:
            conds.append(t.c.kind == where.kind.value)
        if where.parent_id is not None:
            conds.append(t.c.parent_id == where.parent_id)
        if where.department_type is not None:
            conds.append(t.c.department_type == where.department_type.value)
        if where.name is not None:
            conds.append(t.c.name == where.name)
        total = int(
            self._conn.execute(sa.select(sa.func.count()).select_from(t).where(*conds)).scalar_one()
        )
        rows = self._conn.execute(
            sa.select(t).where(*conds).order_by(t.c.path).limit(limit).offset(offset)
        ).all()
        return [_org(r._mapping) for r in rows], total

    def path_of(self, organisation_id: str) -> str | None:
        value = self._conn.execute(
            sa.select(organisations.c.path).where(organisations.c.id == organisation_id)
        ).scalar()
        return None if value is None else str(value)

    # --- areas --------------------------------------------------------------------------------

    def add_area(self, area: AdministrativeArea) -> None:
        self._insert(areas, _area_row(area), "area")

    def get_area(self, area_id: str) -> AdministrativeArea | None:
        row = self._conn.execute(sa.select(areas).where(areas.c.id == area_id)).first()
        return None if row is None else _area(row._mapping)

    def area_named(self, organisation_id: str, name: str) -> AdministrativeArea | None:
        row = self._conn.execute(
            sa.select(areas).where(areas.c.organisation_id == organisation_id, areas.c.name == name)
        ).first()
        return None if row is None else _area(row._mapping)

    def update_area(self, area: AdministrativeArea, expected_version: int) -> bool:
        values = _area_row(area)
        del values["id"], values["created_at"]
        return self._update(areas, area.id, expected_version, values, "area")

    def delete_area(self, area_id: str) -> None:
        self._conn.execute(areas.delete().where(areas.c.id == area_id))

    def list_areas(
        self, where: AreaFilter, limit: int, offset: int
    ) -> tuple[list[AdministrativeArea], int]:
        t = areas
        conds: list[Cond] = [_in_scope(t.c.path, where.scope_paths)]
        if where.level is not None:
            conds.append(t.c.level == where.level.value)
        if where.organisation_id is not None:
            conds.append(t.c.organisation_id == where.organisation_id)
        if where.name is not None:
            conds.append(t.c.name == where.name)
        if where.bbox is not None:
            min_lon, min_lat, max_lon, max_lat = where.bbox
            conds += [
                t.c.min_lon <= max_lon,
                t.c.max_lon >= min_lon,
                t.c.min_lat <= max_lat,
                t.c.max_lat >= min_lat,
            ]
        point = where.contains
        if point is None:
            return self._page(
                t, conds, order=(t.c.name, t.c.id), limit=limit, offset=offset, convert=_area
            )
        conds += [
            t.c.min_lon <= point.lon,
            t.c.max_lon >= point.lon,
            t.c.min_lat <= point.lat,
            t.c.max_lat >= point.lat,
        ]
        if _uses_postgis(self._conn):
            conds.append(
                sa.text(
                    "ST_Covers(geom, ST_SetSRID(ST_MakePoint(:c_lon, :c_lat), 4326))"
                ).bindparams(c_lon=point.lon, c_lat=point.lat)
            )
            return self._page(
                t, conds, order=(t.c.name, t.c.id), limit=limit, offset=offset, convert=_area
            )
        rows = self._conn.execute(sa.select(t).where(*conds).order_by(t.c.name, t.c.id)).all()
        found = [a for a in (_area(r._mapping) for r in rows) if a.boundary.contains(point)]
        return found[offset : offset + limit], len(found)

    # --- facilities ---------------------------------------------------------------------------

    def add_facility(self, facility: Facility) -> None:
        self._insert(facilities, _facility_row(facility), "facility")

    def get_facility(self, facility_id: str) -> Facility | None:
        row = self._conn.execute(
            sa.select(facilities).where(facilities.c.id == facility_id)
        ).first()
        return None if row is None else _facility(row._mapping)

    def facility_named(self, organisation_id: str, name: str) -> Facility | None:
        row = self._conn.execute(
            sa.select(facilities).where(
                facilities.c.organisation_id == organisation_id, facilities.c.name == name
            )
        ).first()
        return None if row is None else _facility(row._mapping)

    def update_facility(self, facility: Facility, expected_version: int) -> bool:
        values = _facility_row(facility)
        del values["id"], values["created_at"]
        return self._update(facilities, facility.id, expected_version, values, "facility")

    def delete_facility(self, facility_id: str) -> None:
        self._conn.execute(facilities.delete().where(facilities.c.id == facility_id))

    def list_facilities(
        self, where: FacilityFilter, limit: int, offset: int
    ) -> tuple[list[Facility], int]:
        t = facilities
        conds: list[Cond] = [_in_scope(t.c.path, where.scope_paths)]
        if where.kind is not None:
            conds.append(t.c.kind == where.kind.value)
        if where.organisation_id is not None:
            conds.append(t.c.organisation_id == where.organisation_id)
        if where.name is not None:
            conds.append(t.c.name == where.name)
        if where.bbox is not None:
            min_lon, min_lat, max_lon, max_lat = where.bbox
            conds += [t.c.lon.between(min_lon, max_lon), t.c.lat.between(min_lat, max_lat)]
        center, radius = where.near, where.radius_m
        if center is None or radius is None:
            return self._page(
                t, conds, order=(t.c.name, t.c.id), limit=limit, offset=offset, convert=_facility
            )
        min_lon, min_lat, max_lon, max_lat = radius_bbox(center, radius)
        conds += [t.c.lon.between(min_lon, max_lon), t.c.lat.between(min_lat, max_lat)]
        if _uses_postgis(self._conn):
            origin = "ST_SetSRID(ST_MakePoint(:n_lon, :n_lat), 4326)::geography"
            params = {"n_lon": center.lon, "n_lat": center.lat, "n_r": radius}
            conds.append(
                sa.text(f"ST_DWithin(geom::geography, {origin}, :n_r, false)").bindparams(**params)
            )
            distance = sa.text(f"ST_Distance(geom::geography, {origin}, false)").bindparams(
                n_lon=center.lon, n_lat=center.lat
            )
            return self._page(
                t, conds, order=(distance, t.c.id), limit=limit, offset=offset, convert=_facility
            )
        rows = self._conn.execute(sa.select(t).where(*conds)).all()
        near = [
            (center.distance_m(f.location), f.id, f) for f in (_facility(r._mapping) for r in rows)
        ]
        found = sorted((d, i, f) for d, i, f in near if d <= radius)
        return [f for _, _, f in found[offset : offset + limit]], len(found)

    # --- helpers ------------------------------------------------------------------------------

    def _page(
        self,
        table: sa.Table,
        conds: list[Cond],
        *,
        order: tuple[Any, ...],
        limit: int,
        offset: int,
        convert: Callable[[sa.RowMapping], T],
    ) -> tuple[list[T], int]:
        total = int(
            self._conn.execute(
                sa.select(sa.func.count()).select_from(table).where(*conds)
            ).scalar_one()
        )
        rows = self._conn.execute(
            sa.select(table).where(*conds).order_by(*order).limit(limit).offset(offset)
        ).all()
        return [convert(r._mapping) for r in rows], total


# --- row mapping ---------------------------------------------------------------------------


def _org_row(org: Organisation) -> dict[str, Any]:
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


def _org(m: sa.RowMapping) -> Organisation:
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


def _area_row(area: AdministrativeArea) -> dict[str, Any]:
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


def _area(m: sa.RowMapping) -> AdministrativeArea:
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


def _facility_row(f: Facility) -> dict[str, Any]:
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


def _facility(m: sa.RowMapping) -> Facility:
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
