"""Sharing: row filters (area, time window) on sharing agreements.

Revision ID: 0014_sharing_row_filters
Revises: 0013_reserves_duty_agreements
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_sharing_row_filters"
down_revision = "0013_reserves_duty_agreements"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sharing_agreement") as batch:
        batch.add_column(sa.Column("row_filter", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sharing_agreement") as batch:
        batch.drop_column("row_filter")
