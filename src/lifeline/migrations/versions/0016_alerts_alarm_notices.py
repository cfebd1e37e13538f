"""Alerts: alarm notices and the kind of message a delivery carries.

Revision ID: 0016_alerts_alarm_notices
Revises: 0015_sharing_links
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_alerts_alarm_notices"
down_revision = "0015_sharing_links"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_alarm_notice",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("alarm_id", sa.String(36), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("target_organisation_id", sa.String(36), nullable=False),
        sa.Column("role", sa.String(40), nullable=True),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("hazard", sa.String(40), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("exercise", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alert_alarm_notice"),
        sa.UniqueConstraint("event_id", name="uq_alert_alarm_notice_event_id"),
    )
    op.create_index("ix_alert_alarm_notice_alarm_id", "alert_alarm_notice", ["alarm_id"])
    with op.batch_alter_table("alert_delivery") as batch:
        batch.add_column(
            sa.Column("message_kind", sa.String(16), nullable=False, server_default="alert")
        )


def downgrade() -> None:
    with op.batch_alter_table("alert_delivery") as batch:
        batch.drop_column("message_kind")
    op.drop_index("ix_alert_alarm_notice_alarm_id", table_name="alert_alarm_notice")
    op.drop_table("alert_alarm_notice")
