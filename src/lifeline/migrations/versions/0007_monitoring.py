"""Monitoring: things, datastreams, device keys, observations, quarantine, device health.

The observation table is append-only: triggers refuse UPDATE and DELETE on both backends, as on
the event log.

Revision ID: 0007_monitoring
Revises: 0006_sharing
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_monitoring"
down_revision = "0006_sharing"
branch_labels = None
depends_on = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "monitoring_sensor",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("encoding_type", sa.String(100), nullable=False),
        sa.Column("metadata", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_monitoring_sensor"),
    )
    op.create_index("ix_monitoring_sensor_path", "monitoring_sensor", ["path"])
    op.create_table(
        "monitoring_thing",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("area_id", sa.String(36), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("properties", sa.Text(), nullable=False),
        sa.Column("exercise", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_monitoring_thing"),
    )
    op.create_index("ix_monitoring_thing_organisation_id", "monitoring_thing", ["organisation_id"])
    op.create_index("ix_monitoring_thing_path", "monitoring_thing", ["path"])
    op.create_table(
        "monitoring_datastream",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("thing_id", sa.String(36), nullable=False),
        sa.Column("sensor_id", sa.String(36), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("unit", sa.String(20), nullable=False),
        sa.Column("min_value", sa.Float(), nullable=False),
        sa.Column("max_value", sa.Float(), nullable=False),
        sa.Column("interval_s", sa.Float(), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("area_id", sa.String(36), nullable=True),
        sa.Column("foi_lon", sa.Float(), nullable=True),
        sa.Column("foi_lat", sa.Float(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_monitoring_datastream"),
        sa.ForeignKeyConstraint(
            ["thing_id"],
            ["monitoring_thing.id"],
            name="fk_monitoring_datastream_thing_id_monitoring_thing",
        ),
        sa.ForeignKeyConstraint(
            ["sensor_id"],
            ["monitoring_sensor.id"],
            name="fk_monitoring_datastream_sensor_id_monitoring_sensor",
        ),
    )
    op.create_index("ix_monitoring_datastream_path", "monitoring_datastream", ["path"])
    op.create_index("ix_monitoring_datastream_thing_id", "monitoring_datastream", ["thing_id"])
    op.create_table(
        "monitoring_device_key",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("thing_id", sa.String(36), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_monitoring_device_key"),
        sa.UniqueConstraint("prefix", name="uq_monitoring_device_key_prefix"),
        sa.ForeignKeyConstraint(
            ["thing_id"],
            ["monitoring_thing.id"],
            name="fk_monitoring_device_key_thing_id_monitoring_thing",
        ),
    )
    op.create_table(
        "monitoring_observation",
        sa.Column("datastream_id", sa.String(36), nullable=False),
        sa.Column("phenomenon_time_us", sa.BigInteger(), nullable=False),
        sa.Column("result", sa.Float(), nullable=False),
        sa.Column("received_at_us", sa.BigInteger(), nullable=False),
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.PrimaryKeyConstraint(
            "datastream_id", "phenomenon_time_us", name="pk_monitoring_observation"
        ),
    )
    op.create_table(
        "monitoring_quarantine",
        sa.Column("id", BIGINT, primary_key=True, autoincrement=True),
        sa.Column("batch_id", sa.String(36), nullable=False),
        sa.Column("row_index", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("writer", sa.String(80), nullable=False),
        sa.Column("datastream_id", sa.String(64), nullable=True),
        sa.Column("thing_id", sa.String(36), nullable=True),
        sa.Column("path", sa.String(1000), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_monitoring_quarantine"),
    )
    op.create_index("ix_monitoring_quarantine_thing", "monitoring_quarantine", ["thing_id", "id"])
    op.create_index(
        "ix_monitoring_quarantine_stream",
        "monitoring_quarantine",
        ["datastream_id", "received_at"],
    )
    op.create_table(
        "monitoring_health",
        sa.Column("thing_id", sa.String(36), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("since", TS, nullable=False),
        sa.Column("last_seen_at", TS, nullable=True),
        sa.Column("faults", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("thing_id", name="pk_monitoring_health"),
        sa.ForeignKeyConstraint(
            ["thing_id"],
            ["monitoring_thing.id"],
            name="fk_monitoring_health_thing_id_monitoring_thing",
        ),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("""
            CREATE OR REPLACE FUNCTION lifeline_observation_append_only() RETURNS trigger AS $$
            BEGIN
              RAISE EXCEPTION 'monitoring_observation is append-only';
            END $$ LANGUAGE plpgsql
        """)
        op.execute("""
            CREATE TRIGGER monitoring_observation_append_only
            BEFORE UPDATE OR DELETE ON monitoring_observation
            FOR EACH ROW EXECUTE FUNCTION lifeline_observation_append_only()
        """)
    else:
        op.execute("""
            CREATE TRIGGER monitoring_observation_no_update BEFORE UPDATE ON monitoring_observation
            BEGIN SELECT RAISE(ABORT, 'monitoring_observation is append-only'); END
        """)
        op.execute("""
            CREATE TRIGGER monitoring_observation_no_delete BEFORE DELETE ON monitoring_observation
            BEGIN SELECT RAISE(ABORT, 'monitoring_observation is append-only'); END
        """)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            "DROP TRIGGER IF EXISTS monitoring_observation_append_only ON monitoring_observation"
        )
        op.execute("DROP FUNCTION IF EXISTS lifeline_observation_append_only()")
    for table in (
        "monitoring_health",
        "monitoring_quarantine",
        "monitoring_observation",
        "monitoring_device_key",
        "monitoring_datastream",
        "monitoring_thing",
        "monitoring_sensor",
    ):
        op.drop_table(table)
