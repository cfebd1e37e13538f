"""The event log's SHA-256 hash chain: each entry commits to its content and to the entry before.

``hash_n = SHA-256( canonical_json([seq, id, type, aggregate_type, aggregate_id, actor_id,
organisation_id, occurred_at, payload_text, prev_hash]) )`` with ``prev_hash_1 = GENESIS_HASH``.
``payload_text`` is the payload exactly as stored, so changing any byte of any field, deleting
or reordering an entry, or truncating the tail (checked against the stored head) breaks the chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no insignificant whitespace, UTF-8 text kept as is."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def timestamp_text(instant: datetime) -> str:
    """The canonical text of a timestamp in the chain: UTC, microseconds, ``+00:00``."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True, slots=True)
class ChainEntry:
    """The hashed fields of one event-log entry, as stored."""

    seq: int
    id: str
    type: str
    aggregate_type: str
    aggregate_id: str
    actor_id: str
    organisation_id: str | None
    occurred_at: datetime
    payload_text: str
    prev_hash: str
    hash: str


def entry_hash(
    *,
    seq: int,
    id: str,
    type: str,
    aggregate_type: str,
    aggregate_id: str,
    actor_id: str,
    organisation_id: str | None,
    occurred_at: datetime,
    payload_text: str,
    prev_hash: str,
) -> str:
    """SHA-256 hex digest of one entry's canonical form (see the module docstring)."""
    body = canonical_json(
        [
            seq,
            id,
            type,
            aggregate_type,
            aggregate_id,
            actor_id,
            organisation_id,
            timestamp_text(occurred_at),
            payload_text,
            prev_hash,
        ]
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first entry that does not match, and why."""

    seq: int
    event_id: str
    reason: str


def first_break(
    entries: Iterable[ChainEntry], head: tuple[int, str] | None = None
) -> ChainBreak | None:
    """Walk ``entries`` in ``seq`` order and return the first that fails, or ``None``.

    ``head`` is the stored ``(last_seq, last_hash)``; when given, a log that ends early or whose
    last hash differs from it also fails (this catches deletion of the newest entries).
    """
    prev_hash = GENESIS_HASH
    expected_seq = 1
    last: ChainEntry | None = None
    for entry in entries:
        if entry.seq != expected_seq:
            return ChainBreak(entry.seq, entry.id, f"sequence gap: expected {expected_seq}")
        if entry.prev_hash != prev_hash:
            return ChainBreak(entry.seq, entry.id, "prev_hash does not match the previous entry")
        recomputed = entry_hash(
            seq=entry.seq,
            id=entry.id,
            type=entry.type,
            aggregate_type=entry.aggregate_type,
            aggregate_id=entry.aggregate_id,
            actor_id=entry.actor_id,
            organisation_id=entry.organisation_id,
            occurred_at=entry.occurred_at,
            payload_text=entry.payload_text,
            prev_hash=entry.prev_hash,
        )
        if recomputed != entry.hash:
            return ChainBreak(entry.seq, entry.id, "content does not match its hash")
        prev_hash = entry.hash
        expected_seq += 1
        last = entry
    if head is not None:
        head_seq, head_hash = head
        last_seq = last.seq if last else 0
        last_id = last.id if last else ""
        if head_seq != last_seq:
            return ChainBreak(last_seq + 1, "", f"log ends at {last_seq} but head says {head_seq}")
        if head_seq and head_hash != prev_hash:
            return ChainBreak(last_seq, last_id, "head hash does not match the last entry")
    return None
