"""Security: users, service accounts (API keys) and scope grants.

Revision ID: 0003_security
Revises: 0002_registry
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_security"
down_revision = "0002_registry"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "security_user",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("roles", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("phone", sa.String(40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_security_user"),
        sa.UniqueConstraint("username", name="uq_security_user_username"),
    )
    op.create_index("ix_security_user_organisation_id", "security_user", ["organisation_id"])
    op.create_table(
        "security_service_account",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("roles", sa.Text(), nullable=False),
        sa.Column("key_prefix", sa.String(16), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_security_service_account"),
        sa.UniqueConstraint("key_prefix", name="uq_security_service_account_key_prefix"),
    )
    op.create_index(
        "ix_security_service_account_organisation_id",
        "security_service_account",
        ["organisation_id"],
    )
    op.create_table(
        "security_scope_grant",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("grantee_organisation_id", sa.String(36), nullable=False),
        sa.Column("target_organisation_id", sa.String(36), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("granted_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_security_scope_grant"),
    )
    op.create_index(
        "ix_security_scope_grant_grantee_organisation_id",
        "security_scope_grant",
        ["grantee_organisation_id"],
    )


def downgrade() -> None:
    op.drop_table("security_scope_grant")
    op.drop_table("security_service_account")
    op.drop_table("security_user")
