"""Reserves: materials, depots, stock, standards, requests, personnel.

Revision ID: 0004_reserves
Revises: 0003_security
Create Date: 2026-11-22
"""

from __future__ import annotations

revision = "0004_reserves"
down_revision = "0003_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
