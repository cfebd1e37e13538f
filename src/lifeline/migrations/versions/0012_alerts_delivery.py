"""Alerts: delivery leases, recipient kinds (subscribers, facilities, departments).

Revision ID: 0012_alerts_delivery
Revises: 0011_dispatch
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012_alerts_delivery"
down_revision = "0011_dispatch"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alert_delivery") as batch:
        batch.add_column(
            sa.Column("recipient_kind", sa.String(16), nullable=False, server_default="subscriber")
        )
        batch.add_column(sa.Column("lease_owner", sa.String(64), nullable=True))
        batch.add_column(sa.Column("lease_expires_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_alert_delivery_subscription_id", "alert_delivery", ["subscription_id"])
    op.create_index(
        "ix_alert_delivery_due", "alert_delivery", ["channel", "state", "next_attempt_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_alert_delivery_due", table_name="alert_delivery")
    op.drop_index("ix_alert_delivery_subscription_id", table_name="alert_delivery")
    with op.batch_alter_table("alert_delivery") as batch:
        batch.drop_column("lease_expires_at")
        batch.drop_column("lease_owner")
        batch.drop_column("recipient_kind")
