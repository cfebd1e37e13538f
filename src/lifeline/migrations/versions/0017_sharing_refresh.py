"""Sharing: refresh schedules of HTTP sources (leased by workers) and failed ingest runs' errors.

Revision ID: 0017_sharing_refresh
Revises: 0016_alerts_alarm_notices
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017_sharing_refresh"
down_revision = "0016_alerts_alarm_notices"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sharing_refresh",
        sa.Column("dataset_id", sa.String(36), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("next_run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_run_id", sa.String(36), nullable=True),
        sa.Column("lease_owner", sa.String(64), nullable=True),
        sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("dataset_id", name="pk_sharing_refresh"),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["sharing_dataset.id"],
            name="fk_sharing_refresh_dataset_id_sharing_dataset",
        ),
    )
    op.create_index("ix_sharing_refresh_next_run_at", "sharing_refresh", ["next_run_at"])
    with op.batch_alter_table("sharing_run") as batch:
        batch.add_column(sa.Column("error", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sharing_run") as batch:
        batch.drop_column("error")
    op.drop_index("ix_sharing_refresh_next_run_at", table_name="sharing_refresh")
    op.drop_table("sharing_refresh")
