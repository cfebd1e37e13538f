"""When a dataset's HTTP source is fetched next (pure).

After a completed run the next fetch is one refresh interval after it ends. After ``n``
consecutive failures it is retried after ``min(base_s · 2^(n−1), max_s)`` seconds — sooner than
the schedule would, but never in a tight loop — and never later than the regular interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class RefreshBackoff:
    base_s: float = 60.0
    max_s: float = 3600.0

    def delay_s(self, failures: int) -> float:
        """Seconds to wait after the ``failures``-th consecutive failure (1, 2, …)."""
        if failures < 1:
            return 0.0
        return float(min(self.base_s * 2 ** min(failures - 1, 62), self.max_s))


def next_after_success(finished_at: datetime, interval_s: int) -> datetime:
    return finished_at + timedelta(seconds=interval_s)


def next_after_failure(
    failed_at: datetime, failures: int, interval_s: int | None, backoff: RefreshBackoff
) -> datetime:
    delay = backoff.delay_s(failures)
    if interval_s is not None:
        delay = min(delay, float(interval_s))
    return failed_at + timedelta(seconds=delay)
