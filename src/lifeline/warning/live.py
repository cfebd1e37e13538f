"""The live-stream bell: wakes the alarm stream's readers the moment alarm events commit.

The evaluation sink rings it from an ``after_commit`` callback of the unit of work that wrote
alarm events, so a reader learns of them straight after the commit instead of at its next
poll; it then reads them from the event log as before (nothing uncommitted is ever shown, and
the log stays the one source). Readers wait either on an asyncio event of their own loop
(:meth:`AlarmBell.listening`, for the SSE endpoint) or on a condition (:meth:`wait`, for
threads). The bell only knows this process's commits: events another process commits reach a
reader at its next poll (``LIFELINE_WARNING_STREAM_POLL_S``).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator


class AlarmBell:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()
        self.rings = 0

    def ring(self) -> None:
        """Alarm events have committed: wake every reader (thread-safe, never blocks)."""
        with self._cond:
            self.rings += 1
            waiters = list(self._waiters)
            self._cond.notify_all()
        for loop, event in waiters:
            with contextlib.suppress(RuntimeError):  # that loop has closed
                loop.call_soon_threadsafe(event.set)

    def wait(self, seen: int, timeout_s: float) -> int:
        """Block until the bell has rung more than ``seen`` times or ``timeout_s`` passed;
        return the ring count."""
        with self._cond:
            self._cond.wait_for(lambda: self.rings > seen, timeout=timeout_s)
            return self.rings

    @contextlib.contextmanager
    def listening(self) -> Iterator[asyncio.Event]:
        """An event of the running loop that the bell sets (the reader clears it)."""
        event = asyncio.Event()
        key = (asyncio.get_running_loop(), event)
        with self._cond:
            self._waiters.add(key)
        try:
            yield event
        finally:
            with self._cond:
                self._waiters.discard(key)
