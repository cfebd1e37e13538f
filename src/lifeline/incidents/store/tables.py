"""Tables of the incidents context on the shared metadata (created by 0009_incidents)."""

from __future__ import annotations

import sqlalchemy as sa

from lifeline.kernel.db import UtcDateTime, metadata

incidents = sa.Table(
    "incident",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
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
    sa.Column("path", sa.String(1000), nullable=False, index=True),
    sa.Column("source", sa.String(20), nullable=False),
    sa.Column("facts", sa.Text(), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("exercise", sa.Boolean(), nullable=False),
    sa.Column("group_id", sa.String(36), nullable=True, index=True),
    sa.Column("merged_into", sa.String(36), nullable=True),
    sa.Column("opened_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("last_report_at", UtcDateTime(), nullable=False),
    sa.Column("report_count", sa.Integer(), nullable=False),
    sa.Column("steps", sa.Text(), nullable=False),
    sa.Column("last_sitrep_at", UtcDateTime(), nullable=True),
    sa.Column("sitrep_reminded_at", UtcDateTime(), nullable=True),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("active", sa.Boolean(), nullable=False),
    sa.Index("ix_incident_open_near", "active", "lat", "lon", "last_report_at"),
)

reports = sa.Table(
    "incident_report",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("incident_id", sa.String(36), sa.ForeignKey("incident.id"), nullable=False),
    sa.Column("source", sa.String(20), nullable=False),
    sa.Column("incident_type", sa.String(80), nullable=False),
    sa.Column("lon", sa.Float(), nullable=False),
    sa.Column("lat", sa.Float(), nullable=False),
    sa.Column("affected_area", sa.Text(), nullable=True),
    sa.Column("reporter_name", sa.String(200), nullable=False),
    sa.Column("reporter_phone", sa.String(40), nullable=False),
    sa.Column("description", sa.Text(), nullable=False),
    sa.Column("facts", sa.Text(), nullable=False),
    sa.Column("received_at", UtcDateTime(), nullable=False),
    sa.Column("entered_by", sa.String(80), nullable=False),
    sa.Column("external_ref", sa.String(120), nullable=True),
    sa.Column("photo_id", sa.String(36), nullable=True),
    sa.Column("ip_hash", sa.String(64), nullable=True),
    sa.Column("exercise", sa.Boolean(), nullable=False),
    sa.Index("ix_incident_report_incident_id", "incident_id"),
    sa.Index("ix_incident_report_external", "entered_by", "external_ref", unique=True),
    sa.Index("ix_incident_report_ip", "ip_hash", "received_at"),
    sa.Index("ix_incident_report_phone", "reporter_phone", "received_at"),
)

photos = sa.Table(
    "incident_photo",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("report_id", sa.String(36), nullable=False),
    sa.Column("content_type", sa.String(40), nullable=False),
    sa.Column("data", sa.LargeBinary(), nullable=False),
    sa.Column("received_at", UtcDateTime(), nullable=False),
)

merge_candidates = sa.Table(
    "incident_merge_candidate",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("incident_id", sa.String(36), sa.ForeignKey("incident.id"), nullable=False),
    sa.Column("main_id", sa.String(36), sa.ForeignKey("incident.id"), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False),
    sa.Column("distance_m", sa.Float(), nullable=False),
    sa.Column("gap_s", sa.Float(), nullable=False),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("decided_by", sa.String(80), nullable=True),
    sa.Column("decided_at", UtcDateTime(), nullable=True),
    sa.Column("note", sa.Text(), nullable=False),
    sa.Index("ix_incident_merge_candidate_status", "status", "created_at"),
)

groups = sa.Table(
    "incident_group",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("hazard", sa.String(80), nullable=False),
    sa.Column("organisation_id", sa.String(36), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False, index=True),
    sa.Column("exercise", sa.Boolean(), nullable=False),
    sa.Column("started_at", UtcDateTime(), nullable=False),
    sa.Column("created_by", sa.String(80), nullable=False),
)

sitreps = sa.Table(
    "incident_sitrep",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("incident_id", sa.String(36), sa.ForeignKey("incident.id"), nullable=False),
    sa.Column("number", sa.Integer(), nullable=False),
    sa.Column("summary", sa.Text(), nullable=False),
    sa.Column("facts", sa.Text(), nullable=False),
    sa.Column("grade", sa.String(4), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("filed_by", sa.String(80), nullable=False),
    sa.Column("filed_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("incident_id", "number", name="uq_incident_sitrep_number"),
)

timeline_refs = sa.Table(
    "incident_timeline_ref",
    metadata,
    sa.Column("incident_id", sa.String(64), primary_key=True),
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
)

rejections = sa.Table(
    "incident_intake_rejection",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("source", sa.String(20), nullable=False),
    sa.Column("received_at", UtcDateTime(), nullable=False, index=True),
    sa.Column("actor_id", sa.String(80), nullable=False),
    sa.Column("reasons", sa.Text(), nullable=False),
    sa.Column("record", sa.Text(), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False, index=True),
)
