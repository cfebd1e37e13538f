"""Kernel: hash-chained event log, its head, subscriber cursors and the access log.

On PostgreSQL, also enables PostGIS when the extension is available on the server.

Revision ID: 0001_kernel
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_kernel"
down_revision = None
branch_labels = None
depends_on = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
GENESIS = "0" * 64


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        available = bind.execute(
            sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'")
        ).first()
        if available is not None:
            op.execute("CREATE EXTENSION IF NOT EXISTS postgis")

    op.create_table(
        "event_log",
        sa.Column("seq", BIGINT, primary_key=True, autoincrement=False),
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("type", sa.String(100), nullable=False),
        sa.Column("aggregate_type", sa.String(60), nullable=False),
        sa.Column("aggregate_id", sa.String(64), nullable=False),
        sa.Column("actor_id", sa.String(80), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_event_log"),
        sa.UniqueConstraint("id", name="uq_event_log_id"),
    )
    op.create_index(
        "ix_event_log_aggregate", "event_log", ["aggregate_type", "aggregate_id", "seq"]
    )
    op.create_index("ix_event_log_organisation", "event_log", ["organisation_id", "seq"])

    head = op.create_table(
        "event_log_head",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("last_seq", BIGINT, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_event_log_head"),
    )
    op.bulk_insert(head, [{"id": 1, "last_seq": 0, "last_hash": GENESIS}])

    op.create_table(
        "outbox_cursor",
        sa.Column("subscriber", sa.String(100), nullable=False),
        sa.Column("last_seq", BIGINT, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("subscriber", name="pk_outbox_cursor"),
    )

    op.create_table(
        "access_log",
        sa.Column("id", BIGINT, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.String(80), nullable=False),
        sa.Column("actor_organisation_id", sa.String(36), nullable=True),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("permission", sa.String(100), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("target_kind", sa.String(60), nullable=False),
        sa.Column("target_id", sa.String(64), nullable=False),
        sa.Column("target_path", sa.Text(), nullable=False),
        sa.Column("personal_fields", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_access_log"),
    )
    op.create_index("ix_access_log_at", "access_log", ["at"])
    op.create_index("ix_access_log_actor", "access_log", ["actor_id", "at"])

    if bind.dialect.name == "postgresql":
        # Append-only: the database itself refuses UPDATE and DELETE on the event log.
        op.execute("""
            CREATE OR REPLACE FUNCTION lifeline_event_log_append_only() RETURNS trigger AS $$
            BEGIN
              RAISE EXCEPTION 'event_log is append-only';
            END $$ LANGUAGE plpgsql
        """)
        op.execute("""
            CREATE TRIGGER event_log_append_only BEFORE UPDATE OR DELETE ON event_log
            FOR EACH ROW EXECUTE FUNCTION lifeline_event_log_append_only()
        """)
    else:
        op.execute("""
            CREATE TRIGGER event_log_no_update BEFORE UPDATE ON event_log
            BEGIN SELECT RAISE(ABORT, 'event_log is append-only'); END
        """)
        op.execute("""
            CREATE TRIGGER event_log_no_delete BEFORE DELETE ON event_log
            BEGIN SELECT RAISE(ABORT, 'event_log is append-only'); END
        """)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS event_log_append_only ON event_log")
        op.execute("DROP FUNCTION IF EXISTS lifeline_event_log_append_only()")
    op.drop_table("access_log")
    op.drop_table("outbox_cursor")
    op.drop_table("event_log_head")
    op.drop_table("event_log")
