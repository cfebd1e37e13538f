"""Per-writer token buckets."""

from __future__ import annotations

import pytest

from lifeline.monitoring.ratelimit import RateLimiter


def test_a_writer_gets_its_burst_then_its_rate_and_others_are_unaffected() -> None:
    limiter = RateLimiter(rate_per_s=10, burst=20)
    assert limiter.admit("a", 20, 0.0) == 0.0
    assert limiter.admit("a", 5, 0.0) == pytest.approx(0.5)
    assert limiter.admit("b", 20, 0.0) == 0.0  # another device is not slowed
    assert limiter.admit("a", 5, 0.5) == 0.0  # refilled 5 tokens in 0.5 s
    assert limiter.admit("a", 1, 0.5) == pytest.approx(0.1)


def test_a_batch_larger_than_the_burst_passes_when_the_bucket_is_full_then_waits() -> None:
    limiter = RateLimiter(rate_per_s=10, burst=20)
    assert limiter.admit("a", 50, 0.0) == 0.0
    assert limiter.admit("a", 1, 1.0) == pytest.approx(2.1)  # 30 in debt, +10 after 1 s


def test_idle_writers_are_forgotten_when_the_table_is_full() -> None:
    limiter = RateLimiter(rate_per_s=1, burst=1, max_writers=2)
    limiter.admit("a", 1, 0.0)
    limiter.admit("b", 1, 0.0)
    limiter.admit("c", 1, 10.0)  # a and b have refilled: evicted
    assert limiter.admit("a", 1, 10.0) == 0.0
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(rate_per_s=0, burst=1)
