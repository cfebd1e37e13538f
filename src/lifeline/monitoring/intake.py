"""The bounded intake: how many received observations may wait for their durable write.

Every ingest path reserves its rows here after reading a payload and before writing it, and
releases them once the write has committed (or failed). The reserved rows are the **backlog**:
parsed observations held in memory while they wait for a thread, the database lock or the
write itself. The backlog never exceeds ``capacity`` observations, so memory stays bounded
however fast devices send; what does not fit is **shed** before anything of it is accepted:

- HTTP answers 503 with ``Retry-After`` (the client keeps the data and sends it again);
- MQTT never sheds QoS 1: a worker that cannot reserve waits, withholding its acknowledgements,
  so the broker keeps the backlog (Receive Maximum bounds what is in flight to the worker).

A batch larger than the whole capacity is admitted when the backlog is empty, so a legitimate
large batch is never refused forever. ``Retry-After`` is the backlog divided by the rate at which
writes have recently drained it (an exponentially weighted mean), at least one second.

Time is passed in (seconds on any monotonic scale), so the intake runs the same on a virtual
clock. Thread-safe: the lock is held only for the arithmetic, never across I/O.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from lifeline.kernel.errors import Overloaded

RATE_HALF_LIFE_S = 5.0  # how quickly the drain-rate estimate forgets older writes
RATE_STEP_S = 0.05  # shortest interval the drain rate is measured over
MAX_RETRY_AFTER_S = 60.0


@dataclass(frozen=True, slots=True)
class IntakeSnapshot:
    """Counters since start (observations), by source, and the backlog now."""

    capacity: int
    backlog: int
    peak_backlog: int
    accepted: dict[str, int]
    shed: dict[str, int]
    committed: dict[str, int]
    failed: dict[str, int]
    drain_rate_per_s: float


class BoundedIntake:
    """At most ``capacity`` observations between receipt and their durable write."""

    def __init__(self, capacity: int) -> None:
        if capacity <= 0:
            raise ValueError("capacity must be positive")
        self.capacity = capacity
        self._backlog = 0
        self._peak = 0
        self._accepted: Counter[str] = Counter()
        self._shed: Counter[str] = Counter()
        self._committed: Counter[str] = Counter()
        self._failed: Counter[str] = Counter()
        self._rate_per_s = 0.0
        self._rate_at_s: float | None = None
        self._drained = 0  # observations released since the rate was last updated
        self._lock = threading.Condition()

    def _fits(self, n: int) -> bool:
        return self._backlog == 0 or self._backlog + n <= self.capacity

    def _take(self, n: int, source: str) -> None:
        self._backlog += n
        self._peak = max(self._peak, self._backlog)
        self._accepted[source] += n

    def reserve(self, n: int, source: str) -> None:
        """Accept ``n`` observations into the backlog, or shed them: raise ``Overloaded``
        (counted as shed, nothing reserved) when they do not fit."""
        with self._lock:
            if self._fits(n):
                self._take(n, source)
                return
            self._shed[source] += n
            backlog, rate = self._backlog, self._rate_per_s
        retry_after_s = min(MAX_RETRY_AFTER_S, max(1.0, backlog / rate if rate > 0 else 1.0))
        raise Overloaded(
            f"ingest is at capacity ({backlog:,} of {self.capacity:,} observations waiting to "
            f"be stored); retry in {math.ceil(retry_after_s)} s",
            retry_after_s=retry_after_s,
        )

    def wait_reserve(self, n: int, source: str, timeout_s: float) -> bool:
        """Accept ``n`` observations, waiting up to ``timeout_s`` for room; False when there
        was none (nothing reserved, nothing shed: the caller still holds them)."""
        with self._lock:
            if not self._lock.wait_for(lambda: self._fits(n), timeout=timeout_s):
                return False
            self._take(n, source)
            return True

    def release(self, n: int, source: str, *, committed: bool, now_s: float) -> None:
        """The write of ``n`` reserved observations ended: ``committed`` (each row stored,
        a duplicate or quarantined) or failed (the writer is told; nothing was acknowledged).
        Updates the drain-rate estimate."""
        with self._lock:
            self._backlog = max(0, self._backlog - n)
            (self._committed if committed else self._failed)[source] += n
            self._observe_drain(n, now_s)
            self._lock.notify_all()

    def _observe_drain(self, n: int, now_s: float) -> None:
        """Exponentially weighted drain rate: over each step of at least ``RATE_STEP_S``,
        ``rate ← w·rate + (1 − w)·drained/Δt`` with ``w = 2^(−Δt / half-life)``; the first
        release only starts the clock."""
        self._drained += n
        if self._rate_at_s is None:
            self._rate_at_s, self._drained = now_s, 0
            return
        dt = now_s - self._rate_at_s
        if dt < RATE_STEP_S:
            return  # releases close together are counted in one step
        weight = 2.0 ** (-dt / RATE_HALF_LIFE_S)
        self._rate_per_s = weight * self._rate_per_s + (1.0 - weight) * (self._drained / dt)
        self._rate_at_s, self._drained = now_s, 0

    @contextmanager
    def held(self, n: int, source: str) -> Iterator[None]:
        """Reserve ``n`` observations (or raise ``Overloaded``) for the block that writes them,
        and release them when it ends: committed if it ended normally, failed if it raised."""
        self.reserve(n, source)
        committed = False
        try:
            yield
            committed = True
        finally:
            self.release(n, source, committed=committed, now_s=time.monotonic())

    def shed(self, n: int, source: str) -> None:
        """Count ``n`` observations refused by a path's own policy before any reservation."""
        with self._lock:
            self._shed[source] += n

    @property
    def backlog(self) -> int:
        return self._backlog

    def snapshot(self) -> IntakeSnapshot:
        with self._lock:
            return IntakeSnapshot(
                capacity=self.capacity,
                backlog=self._backlog,
                peak_backlog=self._peak,
                accepted=dict(self._accepted),
                shed=dict(self._shed),
                committed=dict(self._committed),
                failed=dict(self._failed),
                drain_rate_per_s=self._rate_per_s,
            )
