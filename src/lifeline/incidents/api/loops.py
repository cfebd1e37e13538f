"""Background work of the incidents context while the API serves: situation-report reminders."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from lifeline.bootstrap import Platform
from lifeline.incidents.messages import CheckSitrepReminders
from lifeline.kernel.access import SYSTEM_ACTOR

log = logging.getLogger(__name__)


def remind_once(platform: Platform) -> int:
    """Raise every due situation-report reminder, as the system; return how many."""
    return len(platform.bus.handle(CheckSitrepReminders(), SYSTEM_ACTOR))


async def sitrep_reminder_loop(platform: Platform, stop: asyncio.Event) -> None:
    """Check for due situation reports every ``incident_sitrep_check_interval_s``, the first
    time one interval after start."""
    interval = platform.settings.incident_sitrep_check_interval_s
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
        if stop.is_set():
            return
        try:
            await asyncio.to_thread(remind_once, platform)
        except Exception:
            log.exception("situation-report reminder check failed")
