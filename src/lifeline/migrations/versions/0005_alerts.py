"""Alerts: public warnings (CAP 1.2), approvals, deliveries, subscriptions.

Revision ID: 0005_alerts
Revises: 0004_reserves
Create Date: 2026-11-22
"""

from __future__ import annotations

revision = "0005_alerts"
down_revision = "0004_reserves"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
