"""The bounded intake: what fits is accepted, what does not is shed with a retry time, and
the backlog never exceeds the capacity."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifeline.kernel.errors import Overloaded
from lifeline.monitoring.intake import MAX_RETRY_AFTER_S, BoundedIntake


def test_rows_that_do_not_fit_are_shed_before_anything_is_reserved() -> None:
    intake = BoundedIntake(10)
    intake.reserve(6, "http")
    with pytest.raises(Overloaded) as refused:
        intake.reserve(5, "http")
    assert refused.value.retry_after_s >= 1.0
    assert intake.backlog == 6
    intake.reserve(4, "mqtt")  # exactly full is allowed
    snap = intake.snapshot()
    assert (snap.backlog, snap.peak_backlog) == (10, 10)
    assert snap.accepted == {"http": 6, "mqtt": 4}
    assert snap.shed == {"http": 5}


def test_release_frees_room_and_counts_committed_and_failed_writes() -> None:
    intake = BoundedIntake(10)
    intake.reserve(8, "http")
    intake.release(8, "http", committed=True, now_s=0.0)
    intake.reserve(7, "http")
    intake.release(7, "http", committed=False, now_s=1.0)
    snap = intake.snapshot()
    assert snap.backlog == 0
    assert snap.committed == {"http": 8}
    assert snap.failed == {"http": 7}
    assert snap.peak_backlog == 8


def test_a_batch_larger_than_the_capacity_passes_when_the_backlog_is_empty() -> None:
    intake = BoundedIntake(10)
    intake.reserve(25, "http")
    with pytest.raises(Overloaded):
        intake.reserve(1, "http")
    intake.release(25, "http", committed=True, now_s=0.0)
    intake.reserve(1, "http")


def test_retry_after_is_the_backlog_over_the_recent_drain_rate() -> None:
    intake = BoundedIntake(1_000)
    intake.reserve(1_000, "http")
    for second in range(60):  # writes drain 100 observations a second, steadily
        intake.release(100, "http", committed=True, now_s=float(second))
        intake.reserve(100, "http")
    assert intake.snapshot().drain_rate_per_s == pytest.approx(100.0, rel=0.05)
    with pytest.raises(Overloaded) as refused:
        intake.reserve(1, "http")
    assert refused.value.retry_after_s == pytest.approx(1_000 / 100.0, rel=0.05)


def test_retry_after_is_capped_when_nothing_drains() -> None:
    intake = BoundedIntake(10)
    intake.reserve(10, "http")
    intake.release(1, "http", committed=True, now_s=0.0)
    intake.reserve(1, "http")
    intake.release(1, "http", committed=True, now_s=1_000.0)
    intake.reserve(1, "http")
    with pytest.raises(Overloaded) as refused:
        intake.reserve(1, "http")
    assert 1.0 <= refused.value.retry_after_s <= MAX_RETRY_AFTER_S


def test_wait_reserve_waits_for_a_release_and_gives_up_after_its_timeout() -> None:
    intake = BoundedIntake(10)
    intake.reserve(10, "http")
    assert not intake.wait_reserve(5, "mqtt", timeout_s=0.01)
    assert intake.snapshot().shed == {}  # a waiting writer still holds its rows
    got: list[bool] = []
    waiter = threading.Thread(target=lambda: got.append(intake.wait_reserve(5, "mqtt", 30.0)))
    waiter.start()
    intake.release(10, "http", committed=True, now_s=0.0)
    waiter.join(timeout=30)
    assert got == [True]
    assert intake.backlog == 5


@given(st.lists(st.tuples(st.booleans(), st.integers(1, 40)), max_size=60))
def test_the_backlog_never_exceeds_the_capacity_unless_one_batch_alone_does(
    steps: list[tuple[bool, int]],
) -> None:
    intake = BoundedIntake(50)
    held: list[int] = []
    accepted = shed = 0
    for release, n in steps:
        if release and held:
            intake.release(held.pop(0), "http", committed=True, now_s=0.0)
            continue
        try:
            intake.reserve(n, "http")
            held.append(n)
            accepted += n
        except Overloaded:
            shed += n
        assert intake.backlog == sum(held)
        assert intake.backlog <= 50 or len(held) == 1
    snap = intake.snapshot()
    assert snap.accepted.get("http", 0) == accepted
    assert snap.shed.get("http", 0) == shed


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError, match="capacity"):
        BoundedIntake(0)
