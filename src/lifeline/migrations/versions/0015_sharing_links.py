"""Sharing: record links from probabilistic de-duplication (merged, pending, rejected, undone).

Revision ID: 0015_sharing_links
Revises: 0014_sharing_row_filters
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_sharing_links"
down_revision = "0014_sharing_row_filters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sharing_link",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("dataset_id", sa.String(36), nullable=False),
        sa.Column("left_record_id", sa.String(36), nullable=False),
        sa.Column("right_record_id", sa.String(36), nullable=False),
        sa.Column("right_dataset_id", sa.String(36), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(80), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sharing_link"),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["sharing_dataset.id"],
            name="fk_sharing_link_dataset_id_sharing_dataset",
        ),
        sa.UniqueConstraint(
            "left_record_id", "right_record_id", name="uq_sharing_link_left_record_id"
        ),
    )
    op.create_index("ix_sharing_link_dataset_id", "sharing_link", ["dataset_id"])


def downgrade() -> None:
    op.drop_index("ix_sharing_link_dataset_id", table_name="sharing_link")
    op.drop_table("sharing_link")
