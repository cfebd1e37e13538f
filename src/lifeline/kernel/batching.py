"""Micro-batching from an in-process queue, shared by the MQTT workers (observations, AVL)."""

from __future__ import annotations

import queue
import time
from typing import TypeVar

T = TypeVar("T")


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
