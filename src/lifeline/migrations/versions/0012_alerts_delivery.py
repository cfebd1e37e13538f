"""Alerts: unsubscribe tokens, channel endpoints, delivery worker state.

Revision ID: 0012_alerts_delivery
Revises: 0011_dispatch
Create Date: 2026-11-22
"""

from __future__ import annotations

revision = "0012_alerts_delivery"
down_revision = "0011_dispatch"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
