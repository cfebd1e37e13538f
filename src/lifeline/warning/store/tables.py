"""Tables of the warning context on the shared metadata (created by 0008_warning)."""

from __future__ import annotations

import sqlalchemy as sa

from lifeline.kernel.db import UtcDateTime, metadata

rules = sa.Table(
    "warning_rule",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("organisation_id", sa.String(36), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("enabled", sa.Boolean(), nullable=False),
    sa.Column("definition", sa.Text(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("created_by", sa.String(80), nullable=False),
)

rule_versions = sa.Table(
    "warning_rule_version",
    metadata,
    sa.Column("rule_id", sa.String(36), sa.ForeignKey("warning_rule.id"), primary_key=True),
    sa.Column("version", sa.Integer(), primary_key=True),
    sa.Column("definition", sa.Text(), nullable=False),
    sa.Column("enabled", sa.Boolean(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("created_by", sa.String(80), nullable=False),
    sa.Column("note", sa.Text(), nullable=False),
)

alarms = sa.Table(
    "warning_alarm",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("rule_id", sa.String(36), nullable=False),
    sa.Column("rule_version", sa.Integer(), nullable=False),
    sa.Column("rule_snapshot", sa.Text(), nullable=False),
    sa.Column("source_id", sa.String(64), nullable=False),
    sa.Column("thing_id", sa.String(64), nullable=True),
    sa.Column("organisation_id", sa.String(36), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False, index=True),
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
    sa.Column("raised_at", UtcDateTime(), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
    sa.Column("evidence", sa.Text(), nullable=False),
    sa.Column("exercise", sa.Boolean(), nullable=False),
    sa.Column("retrigger_count", sa.Integer(), nullable=False),
    sa.Column("acknowledged_at", UtcDateTime(), nullable=True),
    sa.Column("acknowledged_by", sa.String(80), nullable=True),
    sa.Column("assigned_to", sa.String(80), nullable=True),
    sa.Column("cleared_at", UtcDateTime(), nullable=True),
    sa.Column("clear_reason", sa.Text(), nullable=True),
    sa.Column("flapping", sa.Boolean(), nullable=False),
    sa.Column("clear_pending_since", UtcDateTime(), nullable=True),
    sa.Column("changes", sa.Text(), nullable=False),
    sa.Column("incident_proposed", sa.Boolean(), nullable=False),
    sa.Column("escalation_step", sa.Integer(), nullable=False),
    sa.Column("next_step_at", UtcDateTime(), nullable=True, index=True),
    sa.Column("repeats_done", sa.Integer(), nullable=False),
)
# one open alarm per (rule, source): a partial unique index on both backends
sa.Index(
    "uq_warning_alarm_open",
    alarms.c.rule_id,
    alarms.c.source_id,
    unique=True,
    sqlite_where=alarms.c.status == "open",
    postgresql_where=alarms.c.status == "open",
)
sa.Index("ix_warning_alarm_status", alarms.c.status)
sa.Index("ix_warning_alarm_rule_source", alarms.c.rule_id, alarms.c.source_id, alarms.c.raised_at)

comments = sa.Table(
    "warning_alarm_comment",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("alarm_id", sa.String(36), sa.ForeignKey("warning_alarm.id"), nullable=False),
    sa.Column("author", sa.String(80), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("at", UtcDateTime(), nullable=False),
)
sa.Index("ix_warning_alarm_comment_alarm_id", comments.c.alarm_id)

silences = sa.Table(
    "warning_silence",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("organisation_id", sa.String(36), nullable=False),
    sa.Column("path", sa.String(1000), nullable=False, index=True),
    sa.Column("starts_at", UtcDateTime(), nullable=False),
    sa.Column("ends_at", UtcDateTime(), nullable=False, index=True),
    sa.Column("reason", sa.Text(), nullable=False),
    sa.Column("created_by", sa.String(80), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
    sa.Column("rule_id", sa.String(36), nullable=True),
    sa.Column("source_id", sa.String(64), nullable=True),
    sa.Column("thing_id", sa.String(64), nullable=True),
    sa.Column("ended_at", UtcDateTime(), nullable=True),
)

snapshots = sa.Table(
    "warning_snapshot",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("payload", sa.LargeBinary(), nullable=False),
    sa.Column("taken_at", UtcDateTime(), nullable=False),
)
