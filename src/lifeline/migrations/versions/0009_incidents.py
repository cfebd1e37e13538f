"""Incidents: reports, incidents, merges, grades, lifecycle, event groups, sitreps.

Revision ID: 0009_incidents
Revises: 0008_warning
Create Date: 2026-11-22
"""

from __future__ import annotations

revision = "0009_incidents"
down_revision = "0008_warning"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
