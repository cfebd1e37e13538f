"""Tables of the plans context on the shared metadata (created by 0010_plans)."""

from __future__ import annotations

import sqlalchemy as sa

from lifeline.kernel.db import UtcDateTime, metadata

plans = sa.Table(
    "plan",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("code", sa.String(100), nullable=False),
    sa.Column("organisation_id", sa.String(36), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False, index=True),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("document", sa.Text(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.UniqueConstraint("organisation_id", "code"),
)

plan_versions = sa.Table(
    "plan_version",
    metadata,
    sa.Column("plan_id", sa.String(36), sa.ForeignKey("plan.id"), primary_key=True),
    sa.Column("version", sa.Integer(), primary_key=True),
    sa.Column("document", sa.Text(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("created_by", sa.String(80), nullable=False),
    sa.Column("note", sa.Text(), nullable=False),
)

activations = sa.Table(
    "plan_activation",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("plan_id", sa.String(36), sa.ForeignKey("plan.id"), nullable=False, index=True),
    sa.Column("plan_code", sa.String(100), nullable=False),
    sa.Column("plan_version", sa.Integer(), nullable=False),
    sa.Column("incident_id", sa.String(64), nullable=False, index=True),
    sa.Column("organisation_id", sa.String(36), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False, index=True),
    sa.Column("level", sa.String(4), nullable=False),
    sa.Column("automatic", sa.Boolean(), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("document", sa.Text(), nullable=False),
    sa.Column("activated_at", UtcDateTime(), nullable=False),
    sa.Column("activated_by", sa.String(80), nullable=False),
    sa.Column("exercise", sa.Boolean(), nullable=False),
    sa.Column("stood_down_at", UtcDateTime(), nullable=True),
    # at most one live activation of a plan per incident (NULL once stood down)
    sa.Column("live_key", sa.String(120), nullable=True, unique=True),
)

tasks = sa.Table(
    "plan_task",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column(
        "activation_id",
        sa.String(36),
        sa.ForeignKey("plan_activation.id"),
        nullable=False,
        index=True,
    ),
    sa.Column("incident_id", sa.String(64), nullable=False, index=True),
    sa.Column("plan_code", sa.String(100), nullable=False),
    sa.Column("action_index", sa.Integer(), nullable=False),
    sa.Column("department", sa.String(60), nullable=False),
    sa.Column("organisation_id", sa.String(36), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False, index=True),
    sa.Column("title", sa.Text(), nullable=False),
    sa.Column("title_en", sa.Text(), nullable=False),
    sa.Column("level", sa.String(4), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("deadline_at", UtcDateTime(), nullable=False, index=True),
    sa.Column("checklist", sa.Text(), nullable=False),
    sa.Column("note", sa.Text(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("acknowledged_at", UtcDateTime(), nullable=True),
    sa.Column("completed_at", UtcDateTime(), nullable=True),
    sa.Column("escalations", sa.Integer(), nullable=False),
    sa.Column("last_escalated_at", UtcDateTime(), nullable=True),
    sa.Column("exercise", sa.Boolean(), nullable=False),
    sa.UniqueConstraint("activation_id", "action_index"),
)
