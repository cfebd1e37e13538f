"""Sharing: sources, datasets, mappings, ingest runs, quarantine, agreements, data keys.

Revision ID: 0006_sharing
Revises: 0005_alerts
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_sharing"
down_revision = "0005_alerts"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
ID = sa.String(36)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.id"], name=f"fk_{table}_{column}_{target}")


def upgrade() -> None:
    op.create_table(
        "sharing_source",
        sa.Column("id", ID, nullable=False),
        sa.Column("organisation_id", ID, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sharing_source"),
    )
    op.create_index("ix_sharing_source_organisation_id", "sharing_source", ["organisation_id"])
    op.create_table(
        "sharing_dataset",
        sa.Column("id", ID, nullable=False),
        sa.Column("source_id", ID, nullable=False),
        sa.Column("organisation_id", ID, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("record_type", sa.String(40), nullable=False),
        sa.Column("personal_fields", sa.JSON(), nullable=False),
        sa.Column("refresh_interval_s", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sharing_dataset"),
        _fk("sharing_dataset", "source_id", "sharing_source"),
    )
    op.create_index("ix_sharing_dataset_source_id", "sharing_dataset", ["source_id"])
    op.create_index("ix_sharing_dataset_organisation_id", "sharing_dataset", ["organisation_id"])
    op.create_table(
        "sharing_mapping",
        sa.Column("id", ID, nullable=False),
        sa.Column("dataset_id", ID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sharing_mapping"),
        sa.UniqueConstraint("dataset_id", "version", name="uq_sharing_mapping_dataset_id"),
        _fk("sharing_mapping", "dataset_id", "sharing_dataset"),
    )
    op.create_table(
        "sharing_run",
        sa.Column("id", ID, nullable=False),
        sa.Column("dataset_id", ID, nullable=False),
        sa.Column("organisation_id", ID, nullable=False),
        sa.Column("mapping_version", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("encoding", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=False),
        sa.Column("read", sa.Integer(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("merged", sa.Integer(), nullable=False),
        sa.Column("quarantined", sa.Integer(), nullable=False),
        sa.Column("quality", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sharing_run"),
        _fk("sharing_run", "dataset_id", "sharing_dataset"),
    )
    op.create_index("ix_sharing_run_dataset_id", "sharing_run", ["dataset_id"])
    op.create_table(
        "sharing_record",
        sa.Column("id", ID, nullable=False),
        sa.Column("dataset_id", ID, nullable=False),
        sa.Column("organisation_id", ID, nullable=False),
        sa.Column("record_type", sa.String(40), nullable=False),
        sa.Column("record_key", sa.String(500), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("run_id", ID, nullable=False),
        sa.Column("mapping_version", sa.Integer(), nullable=False),
        sa.Column("original", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sharing_record"),
        sa.UniqueConstraint("dataset_id", "record_key", name="uq_sharing_record_dataset_id"),
        _fk("sharing_record", "dataset_id", "sharing_dataset"),
    )
    op.create_index("ix_sharing_record_run_id", "sharing_record", ["run_id"])
    op.create_table(
        "sharing_quarantine",
        sa.Column("id", ID, nullable=False),
        sa.Column("run_id", ID, nullable=False),
        sa.Column("dataset_id", ID, nullable=False),
        sa.Column("organisation_id", ID, nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("original", sa.JSON(), nullable=False),
        sa.Column("problems", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("resolved_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sharing_quarantine"),
        _fk("sharing_quarantine", "dataset_id", "sharing_dataset"),
    )
    op.create_index("ix_sharing_quarantine_run_id", "sharing_quarantine", ["run_id"])
    op.create_index("ix_sharing_quarantine_dataset_id", "sharing_quarantine", ["dataset_id"])
    op.create_table(
        "sharing_agreement",
        sa.Column("id", ID, nullable=False),
        sa.Column("dataset_id", ID, nullable=False),
        sa.Column("organisation_id", ID, nullable=False),
        sa.Column("grantee_organisation_id", ID, nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("granted_by", sa.String(80), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=True),
        sa.Column("revoked_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sharing_agreement"),
        _fk("sharing_agreement", "dataset_id", "sharing_dataset"),
    )
    op.create_index("ix_sharing_agreement_dataset_id", "sharing_agreement", ["dataset_id"])
    op.create_index(
        "ix_sharing_agreement_grantee_organisation_id",
        "sharing_agreement",
        ["grantee_organisation_id"],
    )
    op.create_table(
        "sharing_data_key",
        sa.Column("dataset_id", ID, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("wrapped", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("dataset_id", "version", name="pk_sharing_data_key"),
        _fk("sharing_data_key", "dataset_id", "sharing_dataset"),
    )


def downgrade() -> None:
    for table in (
        "sharing_data_key",
        "sharing_agreement",
        "sharing_quarantine",
        "sharing_record",
        "sharing_run",
        "sharing_mapping",
        "sharing_dataset",
        "sharing_source",
    ):
        op.drop_table(table)
