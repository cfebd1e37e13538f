"""Tables of the dispatch context on the shared metadata (created by 0011_dispatch)."""

from __future__ import annotations

import sqlalchemy as sa

from lifeline.kernel.db import UtcDateTime, metadata

units = sa.Table(
    "dispatch_unit",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("call_sign", sa.String(64), nullable=False, unique=True),
    sa.Column("unit_type", sa.String(32), nullable=False, index=True),
    sa.Column("capabilities", sa.JSON(), nullable=False),
    sa.Column("organisation_id", sa.String(36), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False, index=True),
    sa.Column("station_id", sa.String(36), nullable=False),
    sa.Column("station_name", sa.String(200), nullable=False),
    sa.Column("station_lon", sa.Float(), nullable=False),
    sa.Column("station_lat", sa.Float(), nullable=False),
    sa.Column("lon", sa.Float(), nullable=False),
    sa.Column("lat", sa.Float(), nullable=False),
    sa.Column("position_at", UtcDateTime(), nullable=True),
    sa.Column("status", sa.String(20), nullable=False, index=True),
    sa.Column("incident_id", sa.String(64), nullable=True, index=True),
    sa.Column("dispatched_at", UtcDateTime(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
)

positions = sa.Table(
    "dispatch_unit_position",
    metadata,
    sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("unit_id", sa.String(36), sa.ForeignKey("dispatch_unit.id"), nullable=False),
    sa.Column("lon", sa.Float(), nullable=False),
    sa.Column("lat", sa.Float(), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("speed_kmh", sa.Float(), nullable=True),
    sa.Column("heading_deg", sa.Float(), nullable=True),
    sa.Column("received_at", UtcDateTime(), nullable=False),
)
sa.Index("ix_dispatch_unit_position_unit_id_seq", positions.c.unit_id, positions.c.seq)

avl_quarantine = sa.Table(
    "dispatch_avl_quarantine",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("unit_ref", sa.String(200), nullable=False),
    sa.Column("raw", sa.Text(), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("received_at", UtcDateTime(), nullable=False),
)

incidents = sa.Table(
    "dispatch_incident",
    metadata,
    sa.Column("id", sa.String(64), primary_key=True),
    sa.Column("organisation_id", sa.String(36), nullable=True),
    sa.Column("path", sa.String(1000), nullable=False, index=True),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("incident_type", sa.String(80), nullable=False),
    sa.Column("lon", sa.Float(), nullable=False),
    sa.Column("lat", sa.Float(), nullable=False),
    sa.Column("grade", sa.String(4), nullable=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("exercise", sa.Boolean(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

run_cards = sa.Table(
    "dispatch_run_card",
    metadata,
    sa.Column("incident_id", sa.String(64), primary_key=True),
    sa.Column("plan_code", sa.String(80), primary_key=True),
    sa.Column("activation_id", sa.String(64), nullable=False),
    sa.Column("level", sa.String(40), nullable=False),
    sa.Column("units", sa.JSON(), nullable=False),
    sa.Column("materials", sa.JSON(), nullable=False),
    sa.Column("activated_at", UtcDateTime(), nullable=False),
)

plans = sa.Table(
    "dispatch_plan",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("organisation_id", sa.String(36), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False, index=True),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("method", sa.String(20), nullable=False),
    sa.Column("body", sa.JSON(), nullable=False),
    sa.Column("objective_s", sa.Float(), nullable=False),
    sa.Column("greedy_objective_s", sa.Float(), nullable=False),
    sa.Column("proposed_by", sa.String(80), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("decided_by", sa.String(80), nullable=True),
    sa.Column("decided_at", UtcDateTime(), nullable=True),
    sa.Column("note", sa.Text(), nullable=False),
    sa.Column("travel_basis", sa.String(500), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
)
