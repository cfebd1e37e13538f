"""Registry: organisations, administrative areas and facilities.

On PostgreSQL with PostGIS, also a generated ``geom`` column with a GIST index on areas and
facilities, used by ``ST_Covers`` / ``ST_DWithin`` queries.

Revision ID: 0002_registry
Revises: 0001_kernel
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lifeline.migrations.runner import has_postgis

revision = "0002_registry"
down_revision = "0001_kernel"
branch_labels = None
depends_on = None

PATTERN_OPS = {"path": "text_pattern_ops"}


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "registry_organisations",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_en", sa.String(200), nullable=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("department_type", sa.String(30), nullable=True),
        sa.Column("parent_id", sa.String(36), nullable=True),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("admin_code", sa.String(20), nullable=True),
        sa.Column("contact_name", sa.String(200), nullable=True),
        sa.Column("contact_phone", sa.String(50), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_registry_organisations"),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["registry_organisations.id"],
            name="fk_registry_organisations_parent_id_registry_organisations",
        ),
        sa.UniqueConstraint("parent_id", "name", name="uq_registry_organisations_parent_id_name"),
        sa.UniqueConstraint("admin_code", name="uq_registry_organisations_admin_code"),
    )
    op.create_index(
        "ix_registry_organisations_path",
        "registry_organisations",
        ["path"],
        postgresql_ops=PATTERN_OPS,
    )
    op.create_index("ix_registry_organisations_parent_id", "registry_organisations", ["parent_id"])
    op.create_index("ix_registry_organisations_kind", "registry_organisations", ["kind"])

    op.create_table(
        "registry_areas",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("level", sa.String(30), nullable=False),
        sa.Column("admin_code", sa.String(20), nullable=True),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("boundary_geojson", sa.Text(), nullable=False),
        sa.Column("min_lon", sa.Double(), nullable=False),
        sa.Column("min_lat", sa.Double(), nullable=False),
        sa.Column("max_lon", sa.Double(), nullable=False),
        sa.Column("max_lat", sa.Double(), nullable=False),
        sa.Column("population", sa.BigInteger(), nullable=True),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_registry_areas"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["registry_organisations.id"],
            name="fk_registry_areas_organisation_id_registry_organisations",
        ),
        sa.UniqueConstraint(
            "organisation_id", "name", name="uq_registry_areas_organisation_id_name"
        ),
        sa.UniqueConstraint("admin_code", name="uq_registry_areas_admin_code"),
    )
    op.create_index(
        "ix_registry_areas_path", "registry_areas", ["path"], postgresql_ops=PATTERN_OPS
    )
    op.create_index("ix_registry_areas_organisation_id", "registry_areas", ["organisation_id"])
    op.create_index(
        "ix_registry_areas_bbox", "registry_areas", ["min_lon", "min_lat", "max_lon", "max_lat"]
    )

    op.create_table(
        "registry_facilities",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("lon", sa.Double(), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("capacity", sa.BigInteger(), nullable=True),
        sa.Column("capacity_unit", sa.String(20), nullable=True),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("contact_name", sa.String(200), nullable=True),
        sa.Column("contact_phone", sa.String(50), nullable=True),
        sa.Column("source_crs", sa.String(10), nullable=False),
        sa.Column("attributes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_registry_facilities"),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["registry_organisations.id"],
            name="fk_registry_facilities_organisation_id_registry_organisations",
        ),
        sa.UniqueConstraint(
            "organisation_id", "name", name="uq_registry_facilities_organisation_id_name"
        ),
    )
    op.create_index(
        "ix_registry_facilities_path", "registry_facilities", ["path"], postgresql_ops=PATTERN_OPS
    )
    op.create_index(
        "ix_registry_facilities_organisation_id", "registry_facilities", ["organisation_id"]
    )
    op.create_index("ix_registry_facilities_kind", "registry_facilities", ["kind"])
    op.create_index("ix_registry_facilities_lon_lat", "registry_facilities", ["lon", "lat"])

    if has_postgis(bind):
        op.execute(
            "ALTER TABLE registry_areas ADD COLUMN geom geometry(Geometry, 4326) "
            "GENERATED ALWAYS AS "
            "(ST_SetSRID(ST_GeomFromGeoJSON(boundary_geojson), 4326)) STORED"
        )
        op.execute("CREATE INDEX ix_registry_areas_geom ON registry_areas USING GIST (geom)")
        op.execute(
            "ALTER TABLE registry_facilities ADD COLUMN geom geometry(Point, 4326) "
            "GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lon, lat), 4326)) STORED"
        )
        op.execute(
            "CREATE INDEX ix_registry_facilities_geom ON registry_facilities USING GIST (geom)"
        )


def downgrade() -> None:
    op.drop_table("registry_facilities")
    op.drop_table("registry_areas")
    op.drop_table("registry_organisations")
