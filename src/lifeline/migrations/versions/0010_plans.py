"""Plans: emergency plans (versioned), activations, tasks.

Revision ID: 0010_plans
Revises: 0009_incidents
Create Date: 2026-11-22
"""

from __future__ import annotations

revision = "0010_plans"
down_revision = "0009_incidents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
