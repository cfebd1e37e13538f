"""``SqlRegistryRepository``: the registry's tables on one connection.

Spatial queries prefilter on the bounding-box (areas) or ``lon``/``lat`` (facilities) columns on
every backend and finish in Python (haversine distance, shapely ``covers``), or on PostgreSQL with
PostGIS in SQL (``ST_Covers`` / ``ST_DWithin`` on geography).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import sqlalchemy as sa

from lifeline.kernel.errors import Conflict
from lifeline.registry.model import (
    AdministrativeArea,
    AreaFilter,
    Facility,
    FacilityFilter,
    Organisation,
    OrgFilter,
)
from lifeline.registry.store._rows import (
    area_of,
    area_row,
    facility_of,
    facility_row,
    org_of,
    org_row,
)
from lifeline.registry.store._spatial import radius_bbox, uses_postgis
from lifeline.registry.store.tables import areas, facilities, organisations

T = TypeVar("T")
Cond = sa.ColumnElement[bool] | sa.TextClause


def _in_scope(column: sa.ColumnElement[str], scope_paths: Sequence[str]) -> sa.ColumnElement[bool]:
    if not scope_paths:
        return sa.false()
    return sa.or_(*(column.startswith(p, autoescape=True) for p in scope_paths))


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
        self._insert(organisations, org_row(org), "organisation")

    def get_organisation(self, organisation_id: str) -> Organisation | None:
        row = self._conn.execute(
            sa.select(organisations).where(organisations.c.id == organisation_id)
        ).first()
        return None if row is None else org_of(row._mapping)

    def organisation_by_admin_code(self, admin_code: str) -> Organisation | None:
        row = self._conn.execute(
            sa.select(organisations).where(organisations.c.admin_code == admin_code)
        ).first()
        return None if row is None else org_of(row._mapping)

    def sibling_named(self, parent_id: str | None, name: str) -> Organisation | None:
        parent = (
            organisations.c.parent_id.is_(None)
            if parent_id is None
            else organisations.c.parent_id == parent_id
        )
        row = self._conn.execute(
            sa.select(organisations).where(parent, organisations.c.name == name)
        ).first()
        return None if row is None else org_of(row._mapping)

    def update_organisation(self, org: Organisation, expected_version: int) -> bool:
        values = org_row(org)
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
        return [org_of(r._mapping) for r in rows], total

    def path_of(self, organisation_id: str) -> str | None:
        value = self._conn.execute(
            sa.select(organisations.c.path).where(organisations.c.id == organisation_id)
        ).scalar()
        return None if value is None else str(value)

    # --- areas --------------------------------------------------------------------------------

    def add_area(self, area: AdministrativeArea) -> None:
        self._insert(areas, area_row(area), "area")

    def get_area(self, area_id: str) -> AdministrativeArea | None:
        row = self._conn.execute(sa.select(areas).where(areas.c.id == area_id)).first()
        return None if row is None else area_of(row._mapping)

    def area_named(self, organisation_id: str, name: str) -> AdministrativeArea | None:
        row = self._conn.execute(
            sa.select(areas).where(areas.c.organisation_id == organisation_id, areas.c.name == name)
        ).first()
        return None if row is None else area_of(row._mapping)

    def update_area(self, area: AdministrativeArea, expected_version: int) -> bool:
        values = area_row(area)
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
                t, conds, order=(t.c.name, t.c.id), limit=limit, offset=offset, convert=area_of
            )
        conds += [
            t.c.min_lon <= point.lon,
            t.c.max_lon >= point.lon,
            t.c.min_lat <= point.lat,
            t.c.max_lat >= point.lat,
        ]
        if uses_postgis(self._conn):
            conds.append(
                sa.text(
                    "ST_Covers(geom, ST_SetSRID(ST_MakePoint(:c_lon, :c_lat), 4326))"
                ).bindparams(c_lon=point.lon, c_lat=point.lat)
            )
            return self._page(
                t, conds, order=(t.c.name, t.c.id), limit=limit, offset=offset, convert=area_of
            )
        rows = self._conn.execute(sa.select(t).where(*conds).order_by(t.c.name, t.c.id)).all()
        found = [a for a in (area_of(r._mapping) for r in rows) if a.boundary.contains(point)]
        return found[offset : offset + limit], len(found)

    # --- facilities ---------------------------------------------------------------------------

    def add_facility(self, facility: Facility) -> None:
        self._insert(facilities, facility_row(facility), "facility")

    def get_facility(self, facility_id: str) -> Facility | None:
        row = self._conn.execute(
            sa.select(facilities).where(facilities.c.id == facility_id)
        ).first()
        return None if row is None else facility_of(row._mapping)

    def facility_named(self, organisation_id: str, name: str) -> Facility | None:
        row = self._conn.execute(
            sa.select(facilities).where(
                facilities.c.organisation_id == organisation_id, facilities.c.name == name
            )
        ).first()
        return None if row is None else facility_of(row._mapping)

    def update_facility(self, facility: Facility, expected_version: int) -> bool:
        values = facility_row(facility)
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
                t, conds, order=(t.c.name, t.c.id), limit=limit, offset=offset, convert=facility_of
            )
        min_lon, min_lat, max_lon, max_lat = radius_bbox(center, radius)
        conds += [t.c.lon.between(min_lon, max_lon), t.c.lat.between(min_lat, max_lat)]
        if uses_postgis(self._conn):
            origin = "ST_SetSRID(ST_MakePoint(:n_lon, :n_lat), 4326)::geography"
            params = {"n_lon": center.lon, "n_lat": center.lat, "n_r": radius}
            conds.append(
                sa.text(f"ST_DWithin(geom::geography, {origin}, :n_r, false)").bindparams(**params)
            )
            distance = sa.text(f"ST_Distance(geom::geography, {origin}, false)").bindparams(
                n_lon=center.lon, n_lat=center.lat
            )
            return self._page(
                t, conds, order=(distance, t.c.id), limit=limit, offset=offset, convert=facility_of
            )
        rows = self._conn.execute(sa.select(t).where(*conds)).all()
        near = [
            (center.distance_m(f.location), f.id, f)
            for f in (facility_of(r._mapping) for r in rows)
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
