"""Warning: level scales, rules (versioned), alarms, silences, escalation.

Revision ID: 0008_warning
Revises: 0007_monitoring
Create Date: 2026-11-22
"""

from __future__ import annotations

revision = "0008_warning"
down_revision = "0007_monitoring"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
