"""Keeping the garbage collector's pauses short in long-running processes and long jobs.

A started Lifeline process holds over half a million objects that the cyclic garbage collector
tracks (modules, SQLAlchemy's compiled metadata, numpy, the routes, the caches it warms) and
that live as long as the process. A full (generation 2) collection walks all of them and stops
every thread while it does: about 0.2 s on the development machine, which lands on whatever
alarm, request or MQTT batch is in flight (decision 0030). :func:`freeze_after_startup` collects
once, then moves every surviving object to the permanent generation (``gc.freeze``), so later
full collections walk only what was created since. Cyclic garbage made afterwards is still
collected as before.

A bulk job in a process that did not freeze at startup (``lifeline ingest run``, a script)
pays the same walks many times over: it allocates a chunk's rows and records again and again,
so full collections come every few chunks (decision 0029). :func:`frozen_heap` freezes the
heap for the job's duration and gives it back (``gc.unfreeze``) when the last job running in
the process ends; in a process frozen at startup it does nothing, so the startup freeze is
never undone. Either way it is a matter of speed alone: nothing behaves differently.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _State:
    """Who froze the heap: the process at startup (for good) or the jobs running now."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.startup_frozen = False
        self.jobs = 0  # jobs inside frozen_heap
        self.job_froze = False  # the first of them froze the heap; the last gives it back


_state = _State()


def freeze_after_startup() -> int:
    """Collect the garbage startup left, then freeze what survives; the number of objects
    frozen. Call once a process has built its platform and warmed its caches, before it
    starts serving."""
    with _state.lock:
        _state.startup_frozen = True
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Freeze the heap for the cyclic collector while the block runs, unless the process
    froze it at startup; the last job running gives it back. Garbage among the frozen objects
    is collected by the first full collection after that."""
    state = _state
    with state.lock:
        if state.jobs == 0 and not state.startup_frozen:
            gc.freeze()
            state.job_froze = True
        state.jobs += 1
    try:
        yield
    finally:
        with state.lock:
            state.jobs -= 1
            if state.jobs == 0 and state.job_froze:
                state.job_froze = False
                if not state.startup_frozen:  # a startup freeze meanwhile covers it all
                    gc.unfreeze()
