"""When a scheduled source is fetched next: one interval after success, backoff after failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from lifeline.sharing.refresh import RefreshBackoff, next_after_failure, next_after_success

T0 = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


def test_success_schedules_one_interval_after_the_run_ends() -> None:
    assert next_after_success(T0, 3600) == T0 + timedelta(hours=1)


def test_failures_back_off_doubling_up_to_the_maximum() -> None:
    backoff = RefreshBackoff(base_s=60, max_s=600)
    assert [backoff.delay_s(n) for n in range(0, 7)] == [0, 60, 120, 240, 480, 600, 600]
    assert backoff.delay_s(10_000) == 600  # no overflow however long a source stays down


def test_a_retry_is_never_later_than_the_regular_schedule() -> None:
    backoff = RefreshBackoff(base_s=60, max_s=3600)
    assert next_after_failure(T0, 1, 7200, backoff) == T0 + timedelta(seconds=60)
    assert next_after_failure(T0, 8, 900, backoff) == T0 + timedelta(seconds=900)
    assert next_after_failure(T0, 8, None, backoff) == T0 + timedelta(seconds=3600)


@given(
    failures=st.integers(min_value=1, max_value=200),
    base_s=st.floats(min_value=1, max_value=600),
    max_s=st.floats(min_value=600, max_value=86_400),
)
def test_backoff_never_shrinks_and_stays_within_bounds(
    failures: int, base_s: float, max_s: float
) -> None:
    backoff = RefreshBackoff(base_s=base_s, max_s=max_s)
    delay = backoff.delay_s(failures)
    assert base_s <= delay <= max_s
    assert backoff.delay_s(failures + 1) >= delay
