"""Per-device token buckets: one flooding device is refused without slowing the others.

A bucket holds at most ``burst`` tokens and refills at ``rate_per_s``; admitting ``n``
observations takes ``n`` tokens. A refused request learns how long until enough tokens are
back: ``retry_after_s = (n - tokens) / rate_per_s``. Time is passed in (seconds on any monotonic
scale), so the limiter is pure and runs the same on a virtual clock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at_s: float


class RateLimiter:
    """Token buckets keyed by writer (a device's thing id or an account's ref); thread-safe.

    The lock is held only for the arithmetic on one bucket, never across I/O.
    """

    def __init__(self, *, rate_per_s: float, burst: float, max_writers: int = 100_000) -> None:
        if rate_per_s <= 0 or burst <= 0:
            raise ValueError("rate_per_s and burst must be positive")
        self.rate_per_s = rate_per_s
        self.burst = burst
        self._max_writers = max_writers
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def admit(self, writer: str, n: int, now_s: float) -> float:
        """Take ``n`` tokens from ``writer``'s bucket; return 0.0 when admitted, else the seconds
        to wait before the same request would be admitted (nothing is taken then).

        A request larger than the burst is admitted when the bucket is full (it then runs into
        debt), so a legitimate large batch is never refused forever.
        """
        with self._lock:
            bucket = self._buckets.get(writer)
            if bucket is None:
                if len(self._buckets) >= self._max_writers:
                    self._evict_full(now_s)
                bucket = self._buckets[writer] = _Bucket(self.burst, now_s)
            elapsed = max(0.0, now_s - bucket.at_s)
            bucket.tokens = min(self.burst, bucket.tokens + elapsed * self.rate_per_s)
            bucket.at_s = now_s
            need = min(float(n), self.burst) if bucket.tokens >= self.burst else float(n)
            if bucket.tokens >= need:
                bucket.tokens -= n
                return 0.0
            return (need - bucket.tokens) / self.rate_per_s

    def _evict_full(self, now_s: float) -> None:
        """Forget buckets that have refilled completely (they hold no state worth keeping)."""
        for writer, bucket in list(self._buckets.items()):
            if bucket.tokens + (now_s - bucket.at_s) * self.rate_per_s >= self.burst:
                del self._buckets[writer]
