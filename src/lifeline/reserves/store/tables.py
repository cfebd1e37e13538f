"""Tables of the reserves context on the shared metadata (created by 0004_reserves, extended by
0013_reserves_duty_agreements)."""

from __future__ import annotations

import sqlalchemy as sa

from lifeline.kernel.db import UtcDateTime, metadata

depots = sa.Table(
    "reserve_depot",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("organisation_id", sa.String(36), nullable=False, index=True),
    sa.Column("path", sa.String(1000), nullable=False, index=True),
    sa.Column("level", sa.String(20), nullable=False),
    sa.Column("lon", sa.Float(), nullable=False),
    sa.Column("lat", sa.Float(), nullable=False),
    sa.Column("capacity_volume_m3", sa.Float(), nullable=False),
    sa.Column("capacity_weight_kg", sa.Float(), nullable=False),
    sa.Column("operator", sa.String(200), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)

lots = sa.Table(
    "reserve_lot",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("depot_id", sa.String(36), sa.ForeignKey("reserve_depot.id"), nullable=False),
    sa.Column("organisation_id", sa.String(36), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False, index=True),
    sa.Column("material_code", sa.String(20), nullable=False, index=True),
    sa.Column("quantity_milli", sa.BigInteger(), nullable=False),
    sa.Column("reserved_milli", sa.BigInteger(), nullable=False),
    sa.Column("expires_on", sa.Date(), nullable=True, index=True),
    sa.Column("condition", sa.String(20), nullable=False),
    sa.Column("received_at", UtcDateTime(), nullable=False),
    sa.CheckConstraint("quantity_milli >= 0", name="quantity_non_negative"),
    sa.CheckConstraint(
        "reserved_milli >= 0 AND reserved_milli <= quantity_milli", name="reserved_within_stock"
    ),
)
sa.Index("ix_reserve_lot_depot_id", lots.c.depot_id)

movements = sa.Table(
    "reserve_movement",
    metadata,
    sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("id", sa.String(36), nullable=False, unique=True),
    sa.Column("lot_id", sa.String(36), sa.ForeignKey("reserve_lot.id"), nullable=False),
    sa.Column("depot_id", sa.String(36), nullable=False),
    sa.Column("organisation_id", sa.String(36), nullable=False),
    sa.Column("material_code", sa.String(20), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("delta_milli", sa.BigInteger(), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
    sa.Column("actor_id", sa.String(80), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("incident_id", sa.String(64), nullable=True),
    sa.Column("related_lot_id", sa.String(36), nullable=True),
)
sa.Index("ix_reserve_movement_lot_id", movements.c.lot_id)

standards = sa.Table(
    "reserve_standard",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("organisation_id", sa.String(36), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False, index=True),
    sa.Column("area_name", sa.String(200), nullable=False),
    sa.Column("lon", sa.Float(), nullable=False),
    sa.Column("lat", sa.Float(), nullable=False),
    sa.Column("population", sa.Integer(), nullable=False),
    sa.Column("facilities", sa.Integer(), nullable=False),
    sa.Column("hazard", sa.String(20), nullable=False),
    sa.Column("lines", sa.Text(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("risk_level", sa.String(20), nullable=False, server_default="low"),
    sa.Column("risk_multiplier", sa.Float(), nullable=False, server_default="1.0"),
)

requests = sa.Table(
    "reserve_request",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("organisation_id", sa.String(36), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False, index=True),
    sa.Column("incident_id", sa.String(64), nullable=False, index=True),
    sa.Column("lon", sa.Float(), nullable=False),
    sa.Column("lat", sa.Float(), nullable=False),
    sa.Column("lines", sa.Text(), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("requested_by", sa.String(80), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("commitments", sa.Text(), nullable=False),
    sa.Column("note", sa.Text(), nullable=False),
)

responders = sa.Table(
    "reserve_responder",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("organisation_id", sa.String(36), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False, index=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("team", sa.String(200), nullable=False),
    sa.Column("skills", sa.Text(), nullable=False),
    sa.Column("certifications", sa.Text(), nullable=False),
    sa.Column("equipment", sa.Text(), nullable=False),
    sa.Column("lon", sa.Float(), nullable=False),
    sa.Column("lat", sa.Float(), nullable=False),
    sa.Column("available", sa.Boolean(), nullable=False),
    sa.Column("training", sa.Text(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("roster", sa.Text(), nullable=True),
)

agreements = sa.Table(
    "reserve_agreement",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("organisation_id", sa.String(36), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False, index=True),
    sa.Column("supplier", sa.String(200), nullable=False),
    sa.Column("material_code", sa.String(20), nullable=False),
    sa.Column("quantity_milli", sa.BigInteger(), nullable=False),
    sa.Column("lead_time_min", sa.Float(), nullable=False),
    sa.Column("lon", sa.Float(), nullable=False),
    sa.Column("lat", sa.Float(), nullable=False),
    sa.Column("valid_until", sa.Date(), nullable=True),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.CheckConstraint("quantity_milli > 0", name="quantity_positive"),
    sa.CheckConstraint("lead_time_min >= 0", name="lead_time_non_negative"),
)
