"""Background work of the data hub while the API serves: fetching scheduled HTTP sources."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from lifeline.sharing.service.refresh import RefreshWorker

log = logging.getLogger(__name__)


async def refresh_loop(worker: RefreshWorker, interval_s: float, stop: asyncio.Event) -> None:
    """One refresh round every ``interval_s`` until ``stop``, the first one interval after
    start; a round fetches every due source in a thread (the event loop stays free)."""
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_s)
        if stop.is_set():
            return
        try:
            await asyncio.to_thread(worker.run_once)
        except Exception:
            log.exception("data hub refresh round failed")
