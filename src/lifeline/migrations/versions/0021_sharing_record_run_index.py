"""Sharing: canonical records lose the index on their run id, which no query reads and every
insert and merge paid for.

Revision ID: 0021_sharing_record_run_index
Revises: 0020_observation_stream_number
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

revision = "0021_sharing_record_run_index"
down_revision = "0020_observation_stream_number"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_sharing_record_run_id", table_name="sharing_record")


def downgrade() -> None:
    op.create_index("ix_sharing_record_run_id", "sharing_record", ["run_id"])
