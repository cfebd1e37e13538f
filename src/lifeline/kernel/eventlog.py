"""The append-only, hash-chained event log, the subscriber cursors and the access log.

The event log is the outbox too: a relay reads committed entries after each subscriber's
cursor (see :mod:`lifeline.kernel.outbox`). Appends lock the single ``event_log_head`` row, so
concurrent writers on PostgreSQL extend the chain one after another and ``seq`` is gapless and
in commit order; on SQLite ``BEGIN IMMEDIATE`` serialises writers already.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from lifeline.kernel.access import AccessDecision
from lifeline.kernel.chain import GENESIS_HASH, ChainBreak, ChainEntry, canonical_json, entry_hash
from lifeline.kernel.chain import first_break as _first_break
from lifeline.kernel.db import UtcDateTime, metadata
from lifeline.kernel.events import DomainEvent, StoredEvent
from lifeline.kernel.ids import new_id
from lifeline.kernel.ports import RepoKey

event_log = sa.Table(
    "event_log",
    metadata,
    sa.Column(
        "seq",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=False,
    ),
    sa.Column("id", sa.String(36), nullable=False, unique=True),
    sa.Column("type", sa.String(100), nullable=False),
    sa.Column("aggregate_type", sa.String(60), nullable=False),
    sa.Column("aggregate_id", sa.String(64), nullable=False),
    sa.Column("actor_id", sa.String(80), nullable=False),
    sa.Column("organisation_id", sa.String(36), nullable=True),
    sa.Column("occurred_at", UtcDateTime(), nullable=False),
    sa.Column("payload", sa.Text(), nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
    sa.Index("ix_event_log_aggregate", "aggregate_type", "aggregate_id", "seq"),
    sa.Index("ix_event_log_organisation", "organisation_id", "seq"),
)

event_log_head = sa.Table(
    "event_log_head",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
    sa.Column("last_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
    sa.Column("last_hash", sa.String(64), nullable=False),
)

outbox_cursor = sa.Table(
    "outbox_cursor",
    metadata,
    sa.Column("subscriber", sa.String(100), primary_key=True),
    sa.Column("last_seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
    sa.Column("updated_at", UtcDateTime(), nullable=False),
)

access_log = sa.Table(
    "access_log",
    metadata,
    sa.Column(
        "id",
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    sa.Column("at", UtcDateTime(), nullable=False),
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
    sa.Index("ix_access_log_at", "at"),
    sa.Index("ix_access_log_actor", "actor_id", "at"),
)

HEAD_ROW_ID = 1


def ensure_head(conn: sa.Connection) -> None:
    """Create the chain's head row if it is missing (migrations do this; tests may too)."""
    exists = conn.execute(
        sa.select(event_log_head.c.id).where(event_log_head.c.id == HEAD_ROW_ID)
    ).first()
    if exists is None:
        conn.execute(
            event_log_head.insert().values(id=HEAD_ROW_ID, last_seq=0, last_hash=GENESIS_HASH)
        )


def append(
    conn: sa.Connection,
    events: Sequence[DomainEvent],
    *,
    actor_id: str,
    occurred_at: datetime,
    chained: bool = True,
) -> list[StoredEvent]:
    """Append ``events`` inside the caller's transaction and return them as stored.

    With ``chained=False`` the hash fields are left empty; only the benchmark uses this, to
    measure what the chain costs.
    """
    if not events:
        return []
    head = conn.execute(
        sa.select(event_log_head.c.last_seq, event_log_head.c.last_hash)
        .where(event_log_head.c.id == HEAD_ROW_ID)
        .with_for_update()
    ).one()
    seq, prev = int(head.last_seq), str(head.last_hash)
    stored: list[StoredEvent] = []
    rows = []
    for event in events:
        seq += 1
        payload = event.payload()
        payload_text = canonical_json(payload)
        fields: dict[str, Any] = {
            "seq": seq,
            "id": new_id(),
            "type": event.event_type(),
            "aggregate_type": event.aggregate_type,
            "aggregate_id": event.aggregate_id,
            "actor_id": actor_id,
            "organisation_id": event.organisation_id,
            "occurred_at": occurred_at,
        }
        digest = entry_hash(**fields, payload_text=payload_text, prev_hash=prev) if chained else ""
        rows.append({**fields, "payload": payload_text, "prev_hash": prev, "hash": digest})
        stored.append(StoredEvent(**fields, payload=payload, prev_hash=prev, hash=digest))
        prev = digest
    conn.execute(event_log.insert(), rows)
    conn.execute(
        event_log_head.update()
        .where(event_log_head.c.id == HEAD_ROW_ID)
        .values(last_seq=seq, last_hash=prev)
    )
    return stored


_HASHED_COLUMNS = (
    "seq",
    "id",
    "type",
    "aggregate_type",
    "aggregate_id",
    "actor_id",
    "organisation_id",
    "occurred_at",
    "prev_hash",
    "hash",
)


def _columns(row: sa.Row[Any]) -> dict[str, Any]:
    m = row._mapping
    return {name: m[name] for name in _HASHED_COLUMNS}


def _to_stored(row: sa.Row[Any]) -> StoredEvent:
    return StoredEvent(**_columns(row), payload=json.loads(row._mapping["payload"]))


def read_after(
    conn: sa.Connection, after_seq: int, limit: int, types: frozenset[str] | None = None
) -> list[StoredEvent]:
    """Committed events with ``seq > after_seq`` in order, at most ``limit`` of them."""
    query = sa.select(event_log).where(event_log.c.seq > after_seq)
    if types is not None:
        query = query.where(event_log.c.type.in_(sorted(types)))
    rows = conn.execute(query.order_by(event_log.c.seq).limit(limit)).all()
    return [_to_stored(r) for r in rows]


def read_aggregate(
    conn: sa.Connection, aggregate_type: str, aggregate_id: str
) -> list[StoredEvent]:
    """Every event of one aggregate in order: its timeline."""
    rows = conn.execute(
        sa.select(event_log)
        .where(
            event_log.c.aggregate_type == aggregate_type, event_log.c.aggregate_id == aggregate_id
        )
        .order_by(event_log.c.seq)
    ).all()
    return [_to_stored(r) for r in rows]


def read_where(conn: sa.Connection, condition: sa.ColumnElement[bool]) -> list[StoredEvent]:
    """Every event matching ``condition`` (on :data:`event_log`'s columns), in log order: for
    timelines that gather events of several aggregates."""
    rows = conn.execute(sa.select(event_log).where(condition).order_by(event_log.c.seq)).all()
    return [_to_stored(r) for r in rows]


def last_seq(conn: sa.Connection) -> int:
    value = conn.execute(sa.select(sa.func.max(event_log.c.seq))).scalar()
    return int(value or 0)


def _entries(conn: sa.Connection, batch: int = 5_000) -> Iterator[ChainEntry]:
    after = 0
    while True:
        rows = conn.execute(
            sa.select(event_log)
            .where(event_log.c.seq > after)
            .order_by(event_log.c.seq)
            .limit(batch)
        ).all()
        if not rows:
            return
        for r in rows:
            yield ChainEntry(**_columns(r), payload_text=r._mapping["payload"])
        after = int(rows[-1]._mapping["seq"])


def verify(conn: sa.Connection) -> tuple[int, ChainBreak | None]:
    """Walk the whole chain in constant memory; return (entries checked, first break or None)."""
    head_row = conn.execute(
        sa.select(event_log_head.c.last_seq, event_log_head.c.last_hash).where(
            event_log_head.c.id == HEAD_ROW_ID
        )
    ).first()
    head = (int(head_row.last_seq), str(head_row.last_hash)) if head_row else None
    counted = 0

    def counting() -> Iterator[ChainEntry]:
        nonlocal counted
        for entry in _entries(conn):
            counted += 1
            yield entry

    broken = _first_break(counting(), head)
    return counted, broken


def write_access(conn: sa.Connection, decisions: Sequence[AccessDecision]) -> None:
    if not decisions:
        return
    conn.execute(
        access_log.insert(),
        [
            {
                "at": d.at,
                "actor_id": d.actor_id,
                "actor_organisation_id": d.actor_organisation_id,
                "action": d.action,
                "permission": d.permission,
                "outcome": d.outcome.value,
                "reason": d.reason[:200],
                "target_kind": d.target_kind,
                "target_id": d.target_id,
                "target_path": d.target_path,
                "personal_fields": ",".join(d.personal_fields),
            }
            for d in decisions
        ],
    )


@dataclass(frozen=True, slots=True)
class AccessRecord:
    """One row of the access log as read back."""

    id: int
    at: datetime
    actor_id: str
    actor_organisation_id: str | None
    action: str
    permission: str
    outcome: str
    reason: str
    target_kind: str
    target_id: str
    target_path: str
    personal_fields: tuple[str, ...]


class SqlAuditRepository:
    """Read side of the event log and the access log, for the audit API and CLI."""

    def __init__(self, conn: sa.Connection) -> None:
        self._conn = conn

    def events(
        self,
        *,
        after_seq: int = 0,
        limit: int = 100,
        aggregate_type: str | None = None,
        aggregate_id: str | None = None,
        organisation_ids: Sequence[str] | None = None,
        types: Sequence[str] | None = None,
        since: datetime | None = None,
    ) -> list[StoredEvent]:
        query = sa.select(event_log).where(event_log.c.seq > after_seq)
        if since is not None:
            query = query.where(event_log.c.occurred_at >= since)
        if aggregate_type:
            query = query.where(event_log.c.aggregate_type == aggregate_type)
        if aggregate_id:
            query = query.where(event_log.c.aggregate_id == aggregate_id)
        if organisation_ids is not None:
            query = query.where(event_log.c.organisation_id.in_(list(organisation_ids)))
        if types:
            query = query.where(event_log.c.type.in_(list(types)))
        rows = self._conn.execute(query.order_by(event_log.c.seq).limit(limit)).all()
        return [_to_stored(r) for r in rows]

    def access(
        self,
        *,
        limit: int = 100,
        before_id: int | None = None,
        actor_id: str | None = None,
        outcome: str | None = None,
    ) -> list[AccessRecord]:
        query = sa.select(access_log)
        if before_id is not None:
            query = query.where(access_log.c.id < before_id)
        if actor_id:
            query = query.where(access_log.c.actor_id == actor_id)
        if outcome:
            query = query.where(access_log.c.outcome == outcome)
        rows = self._conn.execute(query.order_by(access_log.c.id.desc()).limit(limit)).all()
        return [
            AccessRecord(
                id=int(m["id"]),
                at=m["at"],
                actor_id=m["actor_id"],
                actor_organisation_id=m["actor_organisation_id"],
                action=m["action"],
                permission=m["permission"],
                outcome=m["outcome"],
                reason=m["reason"],
                target_kind=m["target_kind"],
                target_id=m["target_id"],
                target_path=m["target_path"],
                personal_fields=tuple(f for f in m["personal_fields"].split(",") if f),
            )
            for m in (r._mapping for r in rows)
        ]

    def verify(self) -> tuple[int, ChainBreak | None]:
        return verify(self._conn)


AUDIT: RepoKey[SqlAuditRepository] = RepoKey("audit")
