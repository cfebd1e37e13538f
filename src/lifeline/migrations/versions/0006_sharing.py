"""Sharing: sources, datasets, mappings, ingest runs, quarantine, agreements.

Revision ID: 0006_sharing
Revises: 0005_alerts
Create Date: 2026-11-22
"""

from __future__ import annotations

revision = "0006_sharing"
down_revision = "0005_alerts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
