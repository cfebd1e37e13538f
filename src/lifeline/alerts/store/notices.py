"""The table and repository of alarm notices (what an escalation step told operators)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from lifeline.alerts.notices import AlarmNotice
from lifeline.kernel.db import UtcDateTime, metadata

notices = sa.Table(
    "alert_alarm_notice",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("alarm_id", sa.String(36), nullable=False, index=True),
    sa.Column("event_id", sa.String(36), nullable=False, unique=True),
    sa.Column("organisation_id", sa.String(36), nullable=False),
    sa.Column("target_organisation_id", sa.String(36), nullable=False),
    sa.Column("role", sa.String(40), nullable=True),
    sa.Column("step", sa.Integer(), nullable=False),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("hazard", sa.String(40), nullable=False),
    sa.Column("level", sa.String(20), nullable=False),
    sa.Column("rank", sa.Integer(), nullable=False),
    sa.Column("source_id", sa.String(64), nullable=False),
    sa.Column("exercise", sa.Boolean(), nullable=False),
    sa.Column("created_at", UtcDateTime(), nullable=False),
)


def _notice(r: sa.Row[Any]) -> AlarmNotice:
    return AlarmNotice(**{c.name: getattr(r, c.name) for c in notices.columns})


class SqlNoticeRepository:
    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    def add(self, notice: AlarmNotice) -> bool:
        taken = self._conn.execute(
            sa.select(notices.c.id).where(notices.c.event_id == notice.event_id)
        ).first()
        if taken is not None:
            return False
        self._conn.execute(
            notices.insert().values(**{c.name: getattr(notice, c.name) for c in notices.columns})
        )
        return True

    def get(self, notice_id: str) -> AlarmNotice | None:
        row = self._conn.execute(sa.select(notices).where(notices.c.id == notice_id)).first()
        return None if row is None else _notice(row)
