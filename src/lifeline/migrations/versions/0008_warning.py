"""Warning: level scales, rules (versioned), alarms, silences, escalation.

Revision ID: 0008_warning
Revises: 0007_monitoring
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_warning"
down_revision = "0007_monitoring"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "warning_rule",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_warning_rule"),
    )
    op.create_index("ix_warning_rule_path", "warning_rule", ["path"])
    op.create_table(
        "warning_rule_version",
        sa.Column("rule_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("rule_id", "version", name="pk_warning_rule_version"),
        sa.ForeignKeyConstraint(
            ["rule_id"], ["warning_rule.id"], name="fk_warning_rule_version_rule_id_warning_rule"
        ),
    )
    op.create_table(
        "warning_alarm",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("rule_id", sa.String(36), nullable=False),
        sa.Column("rule_version", sa.Integer(), nullable=False),
        sa.Column("rule_snapshot", sa.Text(), nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("thing_id", sa.String(64), nullable=True),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("area_id", sa.String(64), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("scale", sa.String(40), nullable=False),
        sa.Column("level", sa.String(40), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("max_rank", sa.Integer(), nullable=False),
        sa.Column("hazard", sa.String(200), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("raised_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("exercise", sa.Boolean(), nullable=False),
        sa.Column("retrigger_count", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", TS, nullable=True),
        sa.Column("acknowledged_by", sa.String(80), nullable=True),
        sa.Column("assigned_to", sa.String(80), nullable=True),
        sa.Column("cleared_at", TS, nullable=True),
        sa.Column("clear_reason", sa.Text(), nullable=True),
        sa.Column("flapping", sa.Boolean(), nullable=False),
        sa.Column("clear_pending_since", TS, nullable=True),
        sa.Column("changes", sa.Text(), nullable=False),
        sa.Column("incident_proposed", sa.Boolean(), nullable=False),
        sa.Column("escalation_step", sa.Integer(), nullable=False),
        sa.Column("next_step_at", TS, nullable=True),
        sa.Column("repeats_done", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_warning_alarm"),
    )
    op.create_index("ix_warning_alarm_path", "warning_alarm", ["path"])
    op.create_index("ix_warning_alarm_next_step_at", "warning_alarm", ["next_step_at"])
    op.create_index("ix_warning_alarm_status", "warning_alarm", ["status"])
    op.create_index(
        "ix_warning_alarm_rule_source", "warning_alarm", ["rule_id", "source_id", "raised_at"]
    )
    op.create_index(
        "uq_warning_alarm_open",
        "warning_alarm",
        ["rule_id", "source_id"],
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_table(
        "warning_alarm_comment",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("alarm_id", sa.String(36), nullable=False),
        sa.Column("author", sa.String(80), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_warning_alarm_comment"),
        sa.ForeignKeyConstraint(
            ["alarm_id"],
            ["warning_alarm.id"],
            name="fk_warning_alarm_comment_alarm_id_warning_alarm",
        ),
    )
    op.create_index("ix_warning_alarm_comment_alarm_id", "warning_alarm_comment", ["alarm_id"])
    op.create_table(
        "warning_silence",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("starts_at", TS, nullable=False),
        sa.Column("ends_at", TS, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("rule_id", sa.String(36), nullable=True),
        sa.Column("source_id", sa.String(64), nullable=True),
        sa.Column("thing_id", sa.String(64), nullable=True),
        sa.Column("ended_at", TS, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_warning_silence"),
    )
    op.create_index("ix_warning_silence_path", "warning_silence", ["path"])
    op.create_index("ix_warning_silence_ends_at", "warning_silence", ["ends_at"])


def downgrade() -> None:
    op.drop_table("warning_silence")
    op.drop_table("warning_alarm_comment")
    op.drop_index("uq_warning_alarm_open", table_name="warning_alarm")
    op.drop_table("warning_alarm")
    op.drop_table("warning_rule_version")
    op.drop_table("warning_rule")
