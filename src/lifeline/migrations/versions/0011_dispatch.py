"""Dispatch: units, positions, recommendations, orders, move-ups.

Revision ID: 0011_dispatch
Revises: 0010_plans
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_dispatch"
down_revision = "0010_plans"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "dispatch_unit",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("call_sign", sa.String(64), nullable=False),
        sa.Column("unit_type", sa.String(32), nullable=False),
        sa.Column("capabilities", sa.JSON(), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("station_id", sa.String(36), nullable=False),
        sa.Column("station_name", sa.String(200), nullable=False),
        sa.Column("station_lon", sa.Float(), nullable=False),
        sa.Column("station_lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("position_at", TZ, nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("incident_id", sa.String(64), nullable=True),
        sa.Column("dispatched_at", TZ, nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dispatch_unit"),
        sa.UniqueConstraint("call_sign", name="uq_dispatch_unit_call_sign"),
    )
    for column in ("unit_type", "path", "status", "incident_id"):
        op.create_index(f"ix_dispatch_unit_{column}", "dispatch_unit", [column])
    op.create_table(
        "dispatch_unit_position",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit_id", sa.String(36), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("speed_kmh", sa.Float(), nullable=True),
        sa.Column("heading_deg", sa.Float(), nullable=True),
        sa.Column("received_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_dispatch_unit_position"),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["dispatch_unit.id"],
            name="fk_dispatch_unit_position_unit_id_dispatch_unit",
        ),
    )
    op.create_index(
        "ix_dispatch_unit_position_unit_id_seq", "dispatch_unit_position", ["unit_id", "seq"]
    )
    op.create_table(
        "dispatch_avl_quarantine",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("unit_ref", sa.String(200), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("received_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dispatch_avl_quarantine"),
    )
    op.create_table(
        "dispatch_incident",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=True),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("incident_type", sa.String(80), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("grade", sa.String(4), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("exercise", sa.Boolean(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dispatch_incident"),
    )
    op.create_index("ix_dispatch_incident_path", "dispatch_incident", ["path"])
    op.create_table(
        "dispatch_run_card",
        sa.Column("incident_id", sa.String(64), nullable=False),
        sa.Column("plan_code", sa.String(80), nullable=False),
        sa.Column("activation_id", sa.String(64), nullable=False),
        sa.Column("level", sa.String(40), nullable=False),
        sa.Column("units", sa.JSON(), nullable=False),
        sa.Column("materials", sa.JSON(), nullable=False),
        sa.Column("activated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("incident_id", "plan_code", name="pk_dispatch_run_card"),
    )
    op.create_table(
        "dispatch_plan",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("objective_s", sa.Float(), nullable=False),
        sa.Column("greedy_objective_s", sa.Float(), nullable=False),
        sa.Column("proposed_by", sa.String(80), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("decided_by", sa.String(80), nullable=True),
        sa.Column("decided_at", TZ, nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("travel_basis", sa.String(500), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_dispatch_plan"),
    )
    op.create_index("ix_dispatch_plan_path", "dispatch_plan", ["path"])


def downgrade() -> None:
    op.drop_index("ix_dispatch_plan_path", table_name="dispatch_plan")
    op.drop_table("dispatch_plan")
    op.drop_table("dispatch_run_card")
    op.drop_index("ix_dispatch_incident_path", table_name="dispatch_incident")
    op.drop_table("dispatch_incident")
    op.drop_table("dispatch_avl_quarantine")
    op.drop_index("ix_dispatch_unit_position_unit_id_seq", table_name="dispatch_unit_position")
    op.drop_table("dispatch_unit_position")
    for column in ("incident_id", "status", "path", "unit_type"):
        op.drop_index(f"ix_dispatch_unit_{column}", table_name="dispatch_unit")
    op.drop_table("dispatch_unit")
