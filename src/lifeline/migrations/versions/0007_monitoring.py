"""Monitoring: things, datastreams, device keys, observations, quarantine, device health.

Revision ID: 0007_monitoring
Revises: 0006_sharing
Create Date: 2026-11-22
"""

from __future__ import annotations

revision = "0007_monitoring"
down_revision = "0006_sharing"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
