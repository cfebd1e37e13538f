"""Dispatch: units, positions, recommendations, orders, move-ups.

Revision ID: 0011_dispatch
Revises: 0010_plans
Create Date: 2026-11-22
"""

from __future__ import annotations

revision = "0011_dispatch"
down_revision = "0010_plans"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
