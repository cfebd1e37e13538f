"""Keeping the garbage collector's pauses short in long-running processes.

A started Lifeline process holds over half a million objects that the cyclic garbage collector
tracks (modules, SQLAlchemy's compiled metadata, numpy, the routes, the caches it warms) and
that live as long as the process. A full (generation 2) collection walks all of them and stops
every thread while it does: about 0.2 s on the development machine, which lands on whatever
alarm, request or MQTT batch is in flight (decision 0030). :func:`freeze_after_startup` collects
once, then moves every surviving object to the permanent generation (``gc.freeze``), so later
full collections walk only what was created since. Cyclic garbage made afterwards is still
collected as before.
"""

from __future__ import annotations

import gc


def freeze_after_startup() -> int:
    """Collect the garbage startup left, then freeze what survives; the number of objects
    frozen. Call once a process has built its platform and warmed its caches, before it
    starts serving."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
