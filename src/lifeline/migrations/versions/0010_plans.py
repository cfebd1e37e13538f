"""Plans: emergency plans (versioned), activations, tasks.

Revision ID: 0010_plans
Revises: 0009_incidents
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_plans"
down_revision = "0009_incidents"
branch_labels = None
depends_on = None


def _tz() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "plan",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("created_at", _tz(), nullable=False),
        sa.Column("updated_at", _tz(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan"),
        sa.UniqueConstraint("organisation_id", "code", name="uq_plan_organisation_id"),
    )
    op.create_index("ix_plan_path", "plan", ["path"])
    op.create_table(
        "plan_version",
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("created_at", _tz(), nullable=False),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "version", name="pk_plan_version"),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name="fk_plan_version_plan_id_plan"),
    )
    op.create_table(
        "plan_activation",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("plan_id", sa.String(36), nullable=False),
        sa.Column("plan_code", sa.String(100), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.String(64), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("level", sa.String(4), nullable=False),
        sa.Column("automatic", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("activated_at", _tz(), nullable=False),
        sa.Column("activated_by", sa.String(80), nullable=False),
        sa.Column("exercise", sa.Boolean(), nullable=False),
        sa.Column("stood_down_at", _tz(), nullable=True),
        sa.Column("live_key", sa.String(120), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_plan_activation"),
        sa.ForeignKeyConstraint(["plan_id"], ["plan.id"], name="fk_plan_activation_plan_id_plan"),
        sa.UniqueConstraint("live_key", name="uq_plan_activation_live_key"),
    )
    op.create_index("ix_plan_activation_plan_id", "plan_activation", ["plan_id"])
    op.create_index("ix_plan_activation_incident_id", "plan_activation", ["incident_id"])
    op.create_index("ix_plan_activation_path", "plan_activation", ["path"])
    op.create_table(
        "plan_task",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("activation_id", sa.String(36), nullable=False),
        sa.Column("incident_id", sa.String(64), nullable=False),
        sa.Column("plan_code", sa.String(100), nullable=False),
        sa.Column("action_index", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(60), nullable=False),
        sa.Column("organisation_id", sa.String(36), nullable=False),
        sa.Column("path", sa.String(1000), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("level", sa.String(4), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("deadline_at", _tz(), nullable=False),
        sa.Column("checklist", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", _tz(), nullable=False),
        sa.Column("updated_at", _tz(), nullable=False),
        sa.Column("acknowledged_at", _tz(), nullable=True),
        sa.Column("completed_at", _tz(), nullable=True),
        sa.Column("escalations", sa.Integer(), nullable=False),
        sa.Column("last_escalated_at", _tz(), nullable=True),
        sa.Column("exercise", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_plan_task"),
        sa.ForeignKeyConstraint(
            ["activation_id"],
            ["plan_activation.id"],
            name="fk_plan_task_activation_id_plan_activation",
        ),
        sa.UniqueConstraint("activation_id", "action_index", name="uq_plan_task_activation_id"),
    )
    op.create_index("ix_plan_task_activation_id", "plan_task", ["activation_id"])
    op.create_index("ix_plan_task_incident_id", "plan_task", ["incident_id"])
    op.create_index("ix_plan_task_path", "plan_task", ["path"])
    op.create_index("ix_plan_task_deadline_at", "plan_task", ["deadline_at"])


def downgrade() -> None:
    op.drop_table("plan_task")
    op.drop_table("plan_activation")
    op.drop_table("plan_version")
    op.drop_table("plan")
