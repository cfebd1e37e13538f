"""Reserves: materials, depots, stock, standards, requests, personnel.

Revision ID: 0004_reserves
Revises: 0003_security
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_reserves"
down_revision = "0003_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reserve_depot",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("capacity_volume_m3", sa.Float(), nullable=False),
        sa.Column("capacity_weight_kg", sa.Float(), nullable=False),
        sa.Column("operator", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reserve_depot"),
    )
    op.create_index("ix_reserve_depot_organisation_id", "reserve_depot", ["organisation_id"])
    op.create_index("ix_reserve_depot_path", "reserve_depot", ["path"])
    op.create_table(
        "reserve_lot",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("depot_id", sa.String(36), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("material_code", sa.String(20), nullable=False),
        sa.Column("quantity_milli", sa.BigInteger(), nullable=False),
        sa.Column("reserved_milli", sa.BigInteger(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("condition", sa.String(20), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reserve_lot"),
        sa.ForeignKeyConstraint(
            ["depot_id"], ["reserve_depot.id"], name="fk_reserve_lot_depot_id_reserve_depot"
        ),
        sa.CheckConstraint("quantity_milli >= 0", name="ck_reserve_lot_quantity_non_negative"),
        sa.CheckConstraint(
            "reserved_milli >= 0 AND reserved_milli <= quantity_milli",
            name="ck_reserve_lot_reserved_within_stock",
        ),
    )
    op.create_index("ix_reserve_lot_depot_id", "reserve_lot", ["depot_id"])
    op.create_index("ix_reserve_lot_path", "reserve_lot", ["path"])
    op.create_index("ix_reserve_lot_material_code", "reserve_lot", ["material_code"])
    op.create_index("ix_reserve_lot_expires_on", "reserve_lot", ["expires_on"])
    op.create_table(
        "reserve_movement",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("lot_id", sa.String(36), nullable=False),
        sa.Column("depot_id", sa.String(36), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("material_code", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("delta_milli", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(80), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("incident_id", sa.String(64), nullable=True),
        sa.Column("related_lot_id", sa.String(36), nullable=True),
        sa.PrimaryKeyConstraint("seq", name="pk_reserve_movement"),
        sa.UniqueConstraint("id", name="uq_reserve_movement_id"),
        sa.ForeignKeyConstraint(
            ["lot_id"], ["reserve_lot.id"], name="fk_reserve_movement_lot_id_reserve_lot"
        ),
    )
    op.create_index("ix_reserve_movement_lot_id", "reserve_movement", ["lot_id"])
    op.create_table(
        "reserve_standard",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("area_name", sa.String(200), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("facilities", sa.Integer(), nullable=False),
        sa.Column("hazard", sa.String(20), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reserve_standard"),
    )
    op.create_index("ix_reserve_standard_path", "reserve_standard", ["path"])
    op.create_table(
        "reserve_request",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("incident_id", sa.String(64), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lines", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("requested_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("commitments", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reserve_request"),
    )
    op.create_index("ix_reserve_request_path", "reserve_request", ["path"])
    op.create_index("ix_reserve_request_incident_id", "reserve_request", ["incident_id"])
    op.create_table(
        "reserve_responder",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("skills", sa.Text(), nullable=False),
        sa.Column("certifications", sa.Text(), nullable=False),
        sa.Column("equipment", sa.Text(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("available", sa.Boolean(), nullable=False),
        sa.Column("training", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reserve_responder"),
    )
    op.create_index("ix_reserve_responder_path", "reserve_responder", ["path"])


def downgrade() -> None:
    op.drop_table("reserve_responder")
    op.drop_table("reserve_request")
    op.drop_table("reserve_standard")
    op.drop_table("reserve_movement")
    op.drop_table("reserve_lot")
    op.drop_table("reserve_depot")
