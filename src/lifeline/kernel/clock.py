"""Clocks: the system clock for live operation and a virtual clock that drills move by hand."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Source of the current time; every timestamp in Lifeline comes from one of these."""

    def now(self) -> datetime:
        """The current instant as an aware UTC datetime."""
        ...


class SystemClock:
    """Wall-clock time in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class VirtualClock:
    """A clock that only moves when told to: drills, simulations and tests.

    Thread-safe, because a drill's simulator and the API may read it from different threads.
    """

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("VirtualClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta`` (never backwards) and return the new time."""
        if delta < timedelta(0):
            raise ValueError("a virtual clock never runs backwards")
        with self._lock:
            self._now += delta
            return self._now

    def set(self, instant: datetime) -> None:
        """Jump to ``instant``, which must not be earlier than the current time."""
        if instant.tzinfo is None:
            raise ValueError("VirtualClock needs an aware datetime")
        with self._lock:
            target = instant.astimezone(UTC)
            if target < self._now:
                raise ValueError("a virtual clock never runs backwards")
            self._now = target
