"""The registry's tables (SQLAlchemy Core, on the shared metadata) and their names."""

from __future__ import annotations

import sqlalchemy as sa

from lifeline.kernel.db import UtcDateTime, metadata

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
