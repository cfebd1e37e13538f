"""Response schemas shared by several contexts' routers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from lifeline.kernel.events import StoredEvent


class EventOut(BaseModel):
    """One event-log entry: what happened, to what, by whom, when, and its place in the chain."""

    seq: int
    id: str
    type: str
    aggregate_type: str
    aggregate_id: str
    actor_id: str
    organisation_id: str | None
    occurred_at: datetime
    payload: dict[str, Any]
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, event: StoredEvent) -> EventOut:
        return cls(
            seq=event.seq, id=event.id, type=event.type, aggregate_type=event.aggregate_type,
            aggregate_id=event.aggregate_id, actor_id=event.actor_id,
            organisation_id=event.organisation_id, occurred_at=event.occurred_at,
            payload=event.payload, prev_hash=event.prev_hash, hash=event.hash,
        )  # fmt: skip
