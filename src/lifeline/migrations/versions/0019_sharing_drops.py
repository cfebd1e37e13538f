"""Sharing: file drops (a directory whose new files are ingested on the dataset's schedule), the
files picked up from them, and the kind of a refresh schedule.

Revision ID: 0019_sharing_drops
Revises: 0018_warning_snapshot
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019_sharing_drops"
down_revision = "0018_warning_snapshot"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sharing_refresh") as batch:
        batch.add_column(sa.Column("kind", sa.String(10), nullable=False, server_default="http"))
    op.create_table(
        "sharing_drop",
        sa.Column("dataset_id", sa.String(36), nullable=False),
        sa.Column("directory", sa.String(2000), nullable=False),
        sa.Column("pattern", sa.String(200), nullable=False),
        sa.Column("settle_s", sa.Integer(), nullable=False),
        sa.Column("move_done", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("dataset_id", name="pk_sharing_drop"),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["sharing_dataset.id"],
            name="fk_sharing_drop_dataset_id_sharing_dataset",
        ),
    )
    op.create_table(
        "sharing_drop_file",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("dataset_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("run_id", sa.String(36), nullable=True),
        sa.Column("picked_up_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sharing_drop_file"),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["sharing_dataset.id"],
            name="fk_sharing_drop_file_dataset_id_sharing_dataset",
        ),
        sa.UniqueConstraint(
            "dataset_id",
            "name",
            "content_hash",
            name="uq_sharing_drop_file_dataset_id",
        ),
    )
    op.create_index("ix_sharing_drop_file_dataset_id", "sharing_drop_file", ["dataset_id"])


def downgrade() -> None:
    op.drop_index("ix_sharing_drop_file_dataset_id", table_name="sharing_drop_file")
    op.drop_table("sharing_drop_file")
    op.drop_table("sharing_drop")
    with op.batch_alter_table("sharing_refresh") as batch:
        batch.drop_column("kind")
