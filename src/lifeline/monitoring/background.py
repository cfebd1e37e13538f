"""Device health checked periodically while the platform serves (``lifeline serve`` and
``lifeline demo`` start it; stopping it waits for the round in progress)."""

from __future__ import annotations

import logging
import threading

from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.bus import MessageBus
from lifeline.monitoring.messages import CheckDeviceHealth

log = logging.getLogger(__name__)


class PeriodicHealthCheck:
    """Runs ``CheckDeviceHealth`` as the system every ``interval_s`` on a daemon thread."""

    def __init__(self, bus: MessageBus, interval_s: float) -> None:
        self._bus = bus
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.rounds = 0

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="device-health", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                summary = self._bus.handle(CheckDeviceHealth(), SYSTEM_ACTOR)
                self.rounds += 1
                if summary.went_offline or summary.came_back:
                    log.info(
                        "device health: %d went offline, %d came back",
                        len(summary.went_offline),
                        len(summary.came_back),
                    )
            except Exception:
                log.exception("device health check failed")

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
