"""Clocks and ids."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from lifeline.kernel.clock import SystemClock, VirtualClock
from lifeline.kernel.ids import is_id, new_id, new_ids

T0 = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


def test_virtual_clock_moves_only_forward() -> None:
    clock = VirtualClock(T0)
    assert clock.now() == T0
    assert clock.advance(timedelta(minutes=5)) == T0 + timedelta(minutes=5)
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(timedelta(seconds=-1))
    with pytest.raises(ValueError, match="backwards"):
        clock.set(T0)
    clock.set(T0 + timedelta(hours=1))
    assert clock.now() == T0 + timedelta(hours=1)


def test_virtual_clock_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="aware"):
        VirtualClock(datetime(2026, 1, 1))  # noqa: DTZ001


def test_system_clock_is_aware_utc() -> None:
    assert SystemClock().now().tzinfo is UTC


def test_ids_are_uuid7_unique_and_time_ordered() -> None:
    ids = [new_id() for _ in range(2_000)]
    assert len(set(ids)) == len(ids)
    assert all(is_id(i) and i[14] == "7" for i in ids)
    # ids made in later milliseconds sort later
    assert ids[0][:13] <= ids[-1][:13]
    assert not is_id("not-an-id")


def test_ids_issued_in_blocks_are_uuid7_unique_and_after_earlier_ones() -> None:
    before = new_id()
    block = new_ids(5_000)
    assert len(block) == 5_000
    assert len(set(block)) == 5_000
    for text in block:
        value = uuid.UUID(text)
        assert str(value) == text  # canonical lower-case form
        assert value.version == 7
        assert value.variant == uuid.RFC_4122
    # the whole block carries one millisecond, no earlier than an id made before it
    assert len({i[:13] for i in block}) == 1
    assert before[:13] <= block[0][:13]
    # the random bits differ: every hex position past the version varies across the block
    assert all(len({i[p] for i in block}) > 1 for p in (15, 20, 35))
    assert new_ids(0) == []
