"""Reserves: duty rosters, risk levels on standards, enterprise supply agreements.

Revision ID: 0013_reserves_duty_agreements
Revises: 0012_alerts_delivery
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_reserves_duty_agreements"
down_revision = "0012_alerts_delivery"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reserve_responder") as batch:
        batch.add_column(sa.Column("roster", sa.Text(), nullable=True))
    with op.batch_alter_table("reserve_standard") as batch:
        batch.add_column(
            sa.Column("risk_level", sa.String(20), nullable=False, server_default="low")
        )
        batch.add_column(
            sa.Column("risk_multiplier", sa.Float(), nullable=False, server_default="1.0")
        )
    op.create_table(
        "reserve_agreement",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("supplier", sa.String(200), nullable=False),
        sa.Column("material_code", sa.String(20), nullable=False),
        sa.Column("quantity_milli", sa.BigInteger(), nullable=False),
        sa.Column("lead_time_min", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity_milli > 0", name="ck_reserve_agreement_quantity_positive"),
        sa.CheckConstraint(
            "lead_time_min >= 0", name="ck_reserve_agreement_lead_time_non_negative"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_reserve_agreement"),
    )
    op.create_index("ix_reserve_agreement_path", "reserve_agreement", ["path"])


def downgrade() -> None:
    op.drop_index("ix_reserve_agreement_path", table_name="reserve_agreement")
    op.drop_table("reserve_agreement")
    with op.batch_alter_table("reserve_standard") as batch:
        batch.drop_column("risk_multiplier")
        batch.drop_column("risk_level")
    with op.batch_alter_table("reserve_responder") as batch:
        batch.drop_column("roster")
