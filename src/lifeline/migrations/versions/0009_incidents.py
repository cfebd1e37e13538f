"""Incidents: reports, incidents, merges, grades, lifecycle, event groups, sitreps.

Revision ID: 0009_incidents
Revises: 0008_warning
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_incidents"
down_revision = "0008_warning"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "incident",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("category", sa.String(30), nullable=False),
        sa.Column("incident_type", sa.String(80), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("grade", sa.String(4), nullable=False),
        sa.Column("computed_grade", sa.String(4), nullable=False),
        sa.Column("grade_reason", sa.Text(), nullable=False),
        sa.Column("grade_overridden", sa.Boolean(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("affected_area", sa.Text(), nullable=True),
        sa.Column("area_id", sa.String(36), nullable=True),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("exercise", sa.Boolean(), nullable=False),
        sa.Column("group_id", sa.String(36), nullable=True),
        sa.Column("merged_into", sa.String(36), nullable=True),
        sa.Column("opened_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("last_report_at", TS, nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.Column("steps", sa.Text(), nullable=False),
        sa.Column("last_sitrep_at", TS, nullable=True),
        sa.Column("sitrep_reminded_at", TS, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_incident"),
    )
    op.create_index("ix_incident_path", "incident", ["path"])
    op.create_index("ix_incident_group_id", "incident", ["group_id"])
    op.create_index("ix_incident_open_near", "incident", ["active", "lat", "lon", "last_report_at"])
    op.create_table(
        "incident_report",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("incident_id", sa.String(36), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("incident_type", sa.String(80), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("affected_area", sa.Text(), nullable=True),
        sa.Column("reporter_name", sa.String(200), nullable=False),
        sa.Column("reporter_phone", sa.String(40), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("entered_by", sa.String(80), nullable=False),
        sa.Column("external_ref", sa.String(120), nullable=True),
        sa.Column("photo_id", sa.String(36), nullable=True),
        sa.Column("ip_hash", sa.String(64), nullable=True),
        sa.Column("exercise", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_incident_report"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name="fk_incident_report_incident_id_incident"
        ),
    )
    op.create_index("ix_incident_report_incident_id", "incident_report", ["incident_id"])
    op.create_index(
        "ix_incident_report_external",
        "incident_report",
        ["entered_by", "external_ref"],
        unique=True,
    )
    op.create_index("ix_incident_report_ip", "incident_report", ["ip_hash", "received_at"])
    op.create_index(
        "ix_incident_report_phone", "incident_report", ["reporter_phone", "received_at"]
    )
    op.create_table(
        "incident_photo",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("report_id", sa.String(36), nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_incident_photo"),
    )
    op.create_table(
        "incident_merge_candidate",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("incident_id", sa.String(36), nullable=False),
        sa.Column("main_id", sa.String(36), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("gap_s", sa.Float(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("decided_by", sa.String(80), nullable=True),
        sa.Column("decided_at", TS, nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_incident_merge_candidate"),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident.id"],
            name="fk_incident_merge_candidate_incident_id_incident",
        ),
        sa.ForeignKeyConstraint(
            ["main_id"], ["incident.id"], name="fk_incident_merge_candidate_main_id_incident"
        ),
    )
    op.create_index(
        "ix_incident_merge_candidate_status", "incident_merge_candidate", ["status", "created_at"]
    )
    op.create_table(
        "incident_group",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("hazard", sa.String(80), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("exercise", sa.Boolean(), nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_incident_group"),
    )
    op.create_index("ix_incident_group_path", "incident_group", ["path"])
    op.create_table(
        "incident_sitrep",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("incident_id", sa.String(36), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("facts", sa.Text(), nullable=False),
        sa.Column("grade", sa.String(4), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("filed_by", sa.String(80), nullable=False),
        sa.Column("filed_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_incident_sitrep"),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incident.id"], name="fk_incident_sitrep_incident_id_incident"
        ),
        sa.UniqueConstraint("incident_id", "number", name="uq_incident_sitrep_number"),
    )
    op.create_table(
        "incident_timeline_ref",
        sa.Column("incident_id", sa.String(64), nullable=False),
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.PrimaryKeyConstraint("incident_id", "seq", name="pk_incident_timeline_ref"),
    )
    op.create_table(
        "incident_intake_rejection",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("received_at", TS, nullable=False),
        sa.Column("actor_id", sa.String(80), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("record", sa.Text(), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_incident_intake_rejection"),
    )
    op.create_index("ix_incident_intake_rejection_path", "incident_intake_rejection", ["path"])
    op.create_index(
        "ix_incident_intake_rejection_received_at", "incident_intake_rejection", ["received_at"]
    )


def downgrade() -> None:
    op.drop_table("incident_intake_rejection")
    op.drop_table("incident_timeline_ref")
    op.drop_table("incident_sitrep")
    op.drop_table("incident_group")
    op.drop_table("incident_merge_candidate")
    op.drop_table("incident_photo")
    op.drop_table("incident_report")
    op.drop_table("incident")
