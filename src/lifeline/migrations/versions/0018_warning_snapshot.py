"""Warning: snapshots of the rule evaluator's and the detectors' in-memory state.

Revision ID: 0018_warning_snapshot
Revises: 0017_sharing_refresh
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018_warning_snapshot"
down_revision = "0017_sharing_refresh"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "warning_snapshot",
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_warning_snapshot"),
    )


def downgrade() -> None:
    op.drop_table("warning_snapshot")
