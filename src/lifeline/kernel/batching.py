"""Micro-batching from an in-process queue, shared by the MQTT workers (observations, AVL).

Two policies:

- :class:`GroupCommitInbox` (group commit, the observation worker's): a writer that is idle
  commits the first arrival at once; what arrives while a commit is in flight is taken
  together as the next batch (up to ``max_batch``). The batch size follows the load by
  itself, and no arrival waits for a timer. ``max_wait_s`` > 0 lets a *busy* writer linger
  that long to fill a batch (fewer, larger commits); an idle writer never lingers.
- :func:`take_batch` (a fixed window): wait ``max_wait_s`` after the first arrival, always.
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

T = TypeVar("T")


class Inbox(Protocol[T]):
    """The part of :class:`queue.Queue` the policies use."""

    def put(self, item: T) -> None: ...

    def get(self, block: bool = True, timeout: float | None = None) -> T: ...

    def get_nowait(self) -> T: ...

    def qsize(self) -> int: ...


class GroupCommitInbox(Generic[T]):
    """A queue of arrivals taken in group-commit batches (see the module docstring).

    ``take`` is called by the one writer between its commits. The writer is *busy* when it
    comes back from committing the batch it took last and arrivals are already waiting (they
    queued during that commit); otherwise it is *idle* (it found nothing last time, or finds
    nothing now) and the first arrival is taken at once.
    """

    def __init__(
        self,
        *,
        max_batch: int,
        max_wait_s: float = 0.0,
        inbox: Inbox[T] | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_batch <= 0:
            raise ValueError("max_batch must be positive")
        if max_wait_s < 0:
            raise ValueError("max_wait_s must not be negative")
        self.max_batch = max_batch
        self.max_wait_s = max_wait_s
        self._inbox: Inbox[T] = inbox if inbox is not None else queue.Queue()
        self._monotonic = monotonic
        self.idle_batches = 0  # batches whose first arrival found the writer waiting
        self.busy_batches = 0  # batches of arrivals queued during the previous commit
        self._took = False  # the last take returned a batch (its commit came in between)

    def put(self, item: T) -> None:
        self._inbox.put(item)

    def qsize(self) -> int:
        return self._inbox.qsize()

    def take(self, timeout_s: float) -> list[T]:
        """The next batch: what is waiting (busy), else the first arrival within ``timeout_s``
        (idle; none: an empty list), with whatever else is already queued, up to
        ``max_batch``. Only a busy writer with ``max_wait_s`` > 0 waits to fill the batch, and
        only when waiting is allowed at all (``timeout_s`` > 0: a draining writer never
        waits)."""
        busy = self._took
        self._took = False
        try:
            first = self._inbox.get_nowait()
        except queue.Empty:
            busy = False
            if timeout_s <= 0:
                return []
            try:
                first = self._inbox.get(timeout=timeout_s)
            except queue.Empty:
                return []
        self._took = True
        taken = [first]
        self._drain(taken)
        if busy and self.max_wait_s > 0 and timeout_s > 0:
            deadline = self._monotonic() + self.max_wait_s
            while len(taken) < self.max_batch:
                remaining = deadline - self._monotonic()
                if remaining <= 0:
                    break
                try:
                    taken.append(self._inbox.get(timeout=remaining))
                except queue.Empty:
                    break
                self._drain(taken)
        if busy:
            self.busy_batches += 1
        else:
            self.idle_batches += 1
        return taken

    def _drain(self, taken: list[T]) -> None:
        """Add what is queued now, without waiting, up to ``max_batch``."""
        while len(taken) < self.max_batch:
            try:
                taken.append(self._inbox.get_nowait())
            except queue.Empty:
                return


def take_batch(
    inbox: queue.Queue[T], *, timeout_s: float, max_batch: int, max_wait_s: float
) -> list[T]:
    """Up to ``max_batch`` items: wait ``timeout_s`` for the first (none: empty list), then take
    what arrives within ``max_wait_s`` of it."""
    try:
        first = inbox.get(timeout=timeout_s) if timeout_s > 0 else inbox.get_nowait()
    except queue.Empty:
        return []
    taken = [first]
    deadline = time.monotonic() + max_wait_s
    while len(taken) < max_batch:
        remaining = deadline - time.monotonic()
        try:
            taken.append(inbox.get(timeout=remaining) if remaining > 0 else inbox.get_nowait())
        except queue.Empty:
            break
    return taken
