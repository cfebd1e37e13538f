"""Alerts: public warnings (CAP 1.2), approvals, deliveries, subscriptions.

Revision ID: 0005_alerts
Revises: 0004_reserves
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_alerts"
down_revision = "0004_reserves"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("organisation_path", sa.String(1024), nullable=False),
        sa.Column("identifier", sa.String(64), nullable=False),
        sa.Column("hazard", sa.String(32), nullable=False),
        sa.Column("colour", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("msg_type", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("references_alert_id", sa.String(36), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alert"),
        sa.UniqueConstraint("identifier", name="uq_alert_identifier"),
    )
    op.create_index("ix_alert_organisation_id", "alert", ["organisation_id"])
    op.create_index("ix_alert_organisation_path", "alert", ["organisation_path"])
    op.create_index("ix_alert_state", "alert", ["state"])
    op.create_table(
        "alert_external",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("organisation_path", sa.String(1024), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("sender", sa.String(255), nullable=False),
        sa.Column("identifier", sa.String(255), nullable=False),
        sa.Column("sent", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("msg_type", sa.String(16), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("colour", sa.String(16), nullable=True),
        sa.Column("expires", sa.DateTime(timezone=True), nullable=True),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alert_external"),
        sa.UniqueConstraint(
            "organisation_id", "sender", "identifier", name="uq_alert_external_organisation_id"
        ),
    )
    op.create_index("ix_alert_external_organisation_id", "alert_external", ["organisation_id"])
    op.create_index("ix_alert_external_organisation_path", "alert_external", ["organisation_path"])
    op.create_table(
        "alert_external_rejected",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alert_external_rejected"),
    )
    op.create_index(
        "ix_alert_external_rejected_organisation_id",
        "alert_external_rejected",
        ["organisation_id"],
    )
    op.create_table(
        "alert_subscription",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address", sa.String(500), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("admin_code", sa.String(6), nullable=True),
        sa.Column("hazards", sa.JSON(), nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("unsubscribed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_alert_subscription"),
    )
    op.create_table(
        "alert_delivery",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("alert_id", sa.String(36), nullable=False),
        sa.Column("subscription_id", sa.String(36), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("address", sa.String(500), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("idempotency_key", sa.String(120), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_alert_delivery"),
        sa.UniqueConstraint("idempotency_key", name="uq_alert_delivery_idempotency_key"),
    )
    op.create_index("ix_alert_delivery_alert_id", "alert_delivery", ["alert_id"])
    op.create_index("ix_alert_delivery_next_attempt_at", "alert_delivery", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_alert_delivery_next_attempt_at", table_name="alert_delivery")
    op.drop_index("ix_alert_delivery_alert_id", table_name="alert_delivery")
    op.drop_table("alert_delivery")
    op.drop_table("alert_subscription")
    op.drop_index(
        "ix_alert_external_rejected_organisation_id", table_name="alert_external_rejected"
    )
    op.drop_table("alert_external_rejected")
    op.drop_index("ix_alert_external_organisation_path", table_name="alert_external")
    op.drop_index("ix_alert_external_organisation_id", table_name="alert_external")
    op.drop_table("alert_external")
    op.drop_index("ix_alert_state", table_name="alert")
    op.drop_index("ix_alert_organisation_path", table_name="alert")
    op.drop_index("ix_alert_organisation_id", table_name="alert")
    op.drop_table("alert")
