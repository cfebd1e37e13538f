"""Tables of the monitoring context on the shared metadata (created by 0007_monitoring).

Every datastream has a ``number`` besides its id: an integer assigned at registration (an
identity column on PostgreSQL; on SQLite, one more than the largest, inside the registering
``INSERT``), unique, never changed and never reused. ``monitoring_observation`` is keyed by
(datastream number, phenomenon time) — a compact integer key, so a batch spread over thousands
of datastreams lands in a narrow index (0020_observation_stream_number) — and is append-only
(the migrations install triggers that refuse UPDATE and DELETE on both backends). The key makes
ingest idempotent: a re-sent observation is a conflict that is skipped, not a second row.
"""

from __future__ import annotations

import sqlalchemy as sa

from lifeline.kernel.db import UtcDateTime, metadata

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

sensors = sa.Table(
    "monitoring_sensor",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("encoding_type", sa.String(100), nullable=False),
    sa.Column("metadata", sa.Text(), nullable=False),
    sa.Column("organisation_id", sa.String(36), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False, index=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

things = sa.Table(
    "monitoring_thing",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("organisation_id", sa.String(36), nullable=False, index=True),
    sa.Column("path", sa.String(1000), nullable=False, index=True),
    sa.Column("area_id", sa.String(36), nullable=True),
    sa.Column("lon", sa.Float(), nullable=True),
    sa.Column("lat", sa.Float(), nullable=True),
    sa.Column("properties", sa.Text(), nullable=False),
    sa.Column("exercise", sa.Boolean(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

datastreams = sa.Table(
    "monitoring_datastream",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("number", sa.Integer(), sa.Identity(), nullable=False),
    sa.Column("thing_id", sa.String(36), sa.ForeignKey("monitoring_thing.id"), nullable=False),
    sa.Column("sensor_id", sa.String(36), sa.ForeignKey("monitoring_sensor.id"), nullable=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("kind", sa.String(40), nullable=False),
    sa.Column("unit", sa.String(20), nullable=False),
    sa.Column("min_value", sa.Float(), nullable=False),
    sa.Column("max_value", sa.Float(), nullable=False),
    sa.Column("interval_s", sa.Float(), nullable=False),
    sa.Column("organisation_id", sa.String(36), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False, index=True),
    sa.Column("area_id", sa.String(36), nullable=True),
    sa.Column("foi_lon", sa.Float(), nullable=True),
    sa.Column("foi_lat", sa.Float(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)
sa.Index("ix_monitoring_datastream_thing_id", datastreams.c.thing_id)
sa.Index("uq_monitoring_datastream_number", datastreams.c.number, unique=True)

device_keys = sa.Table(
    "monitoring_device_key",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("thing_id", sa.String(36), sa.ForeignKey("monitoring_thing.id"), nullable=False),
    sa.Column("prefix", sa.String(16), nullable=False, unique=True),
    sa.Column("key_hash", sa.String(64), nullable=False),
    sa.Column("active", sa.Boolean(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

observations = sa.Table(
    "monitoring_observation",
    metadata,
    sa.Column("datastream_number", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("phenomenon_time_us", sa.BigInteger(), primary_key=True, autoincrement=False),
    sa.Column("result", sa.Float(), nullable=False),
    sa.Column("received_at_us", sa.BigInteger(), nullable=False),
    sa.Column("batch_id", sa.String(36), nullable=False),
)

quarantine = sa.Table(
    "monitoring_quarantine",
    metadata,
    sa.Column("id", BIGINT, primary_key=True, autoincrement=True),
    sa.Column("batch_id", sa.String(36), nullable=False),
    sa.Column("row_index", sa.Integer(), nullable=False),
    sa.Column("reason", sa.String(40), nullable=False),
    sa.Column("detail", sa.Text(), nullable=False),
    sa.Column("raw", sa.Text(), nullable=False),
    sa.Column("received_at", UtcDateTime(), nullable=False),
    sa.Column("source", sa.String(20), nullable=False),
    sa.Column("writer", sa.String(80), nullable=False),
    sa.Column("datastream_id", sa.String(64), nullable=True),
    sa.Column("thing_id", sa.String(36), nullable=True),
    sa.Column("path", sa.String(1000), nullable=True),
)
sa.Index("ix_monitoring_quarantine_thing", quarantine.c.thing_id, quarantine.c.id)
sa.Index("ix_monitoring_quarantine_stream", quarantine.c.datastream_id, quarantine.c.received_at)

health = sa.Table(
    "monitoring_health",
    metadata,
    sa.Column("thing_id", sa.String(36), sa.ForeignKey("monitoring_thing.id"), primary_key=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("since", UtcDateTime(), nullable=False),
    sa.Column("last_seen_at", UtcDateTime(), nullable=True),
    sa.Column("faults", sa.Text(), nullable=False),
)
