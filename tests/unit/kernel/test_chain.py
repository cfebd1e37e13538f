"""The hash chain detects any change, gap, reorder or truncation and names the entry."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lifeline.kernel.chain import (
    GENESIS_HASH,
    ChainEntry,
    canonical_json,
    entry_hash,
    first_break,
)

T0 = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


def build(n: int) -> list[ChainEntry]:
    entries: list[ChainEntry] = []
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        fields = {
            "seq": seq,
            "id": f"id-{seq}",
            "type": "Thing",
            "aggregate_type": "thing",
            "aggregate_id": f"a{seq % 3}",
            "actor_id": "user:1",
            "organisation_id": "org",
            "occurred_at": T0 + timedelta(seconds=seq),
            "payload_text": canonical_json({"n": seq, "名": "深圳"}),
            "prev_hash": prev,
        }
        digest = entry_hash(**fields)  # type: ignore[arg-type]
        entries.append(ChainEntry(**fields, hash=digest))  # type: ignore[arg-type]
        prev = digest
    return entries


def test_an_intact_chain_verifies() -> None:
    entries = build(20)
    assert first_break(entries, (20, entries[-1].hash)) is None
    assert first_break([], (0, GENESIS_HASH)) is None


def test_canonical_json_is_key_order_independent_and_keeps_unicode() -> None:
    assert canonical_json({"b": 1, "a": "深"}) == canonical_json({"a": "深", "b": 1})
    assert canonical_json({"a": "深"}) == '{"a":"深"}'


@given(
    index=st.integers(0, 19),
    field=st.sampled_from(
        ["type", "aggregate_type", "aggregate_id", "actor_id", "organisation_id", "payload_text"]
    ),
)
def test_changing_any_field_of_any_entry_names_that_entry(index: int, field: str) -> None:
    entries = build(20)
    original = getattr(entries[index], field)
    entries[index] = dataclasses.replace(entries[index], **{field: original + "x"})
    broken = first_break(entries, (20, entries[-1].hash))
    assert broken is not None
    assert broken.seq == index + 1
    assert broken.event_id == f"id-{index + 1}"


def test_changing_a_timestamp_by_a_microsecond_is_detected() -> None:
    entries = build(5)
    entries[2] = dataclasses.replace(
        entries[2], occurred_at=entries[2].occurred_at + timedelta(microseconds=1)
    )
    broken = first_break(entries)
    assert broken is not None
    assert broken.seq == 3


def test_recomputing_one_hash_is_caught_by_the_next_link() -> None:
    entries = build(5)
    forged = dataclasses.replace(entries[1], payload_text='{"n":999}')
    forged = dataclasses.replace(
        forged,
        hash=entry_hash(
            seq=forged.seq,
            id=forged.id,
            type=forged.type,
            aggregate_type=forged.aggregate_type,
            aggregate_id=forged.aggregate_id,
            actor_id=forged.actor_id,
            organisation_id=forged.organisation_id,
            occurred_at=forged.occurred_at,
            payload_text=forged.payload_text,
            prev_hash=forged.prev_hash,
        ),
    )
    entries[1] = forged
    broken = first_break(entries)
    assert broken is not None
    assert broken.seq == 3
    assert "prev_hash" in broken.reason


def test_deleting_a_middle_entry_is_a_sequence_gap() -> None:
    entries = build(5)
    del entries[2]
    broken = first_break(entries)
    assert broken is not None
    assert broken.seq == 4
    assert "gap" in broken.reason


def test_truncating_the_tail_is_caught_by_the_head() -> None:
    entries = build(5)
    head = (5, entries[-1].hash)
    broken = first_break(entries[:3], head)
    assert broken is not None
    assert "head says 5" in broken.reason
