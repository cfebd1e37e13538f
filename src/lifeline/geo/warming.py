"""Keep the road network's search trees warm for the points dispatch asks travel times from.

A recommendation asks the time from every available unit to the incident and from every unit
to the stations of its type; on a city-sized network each cold search costs tens of
milliseconds, a kept search tree (:meth:`RoadTravelTimes.warm_trees`) a look-up. The
:class:`TreeWarmer` asks its ``origins`` source — in priority order: the units' home stations,
then the current positions of units that can be dispatched, newest fix first — and keeps the
trees of those points within the travel times' memory budget, dropping the trees of points no
unit stands at any more.

It runs once in a background thread as soon as it is started (so the API answers at once and
recommendations get faster as the trees arrive), then every ``interval_s`` and whenever
:meth:`TreeWarmer.wake` is called. It polls rather than reacting to events because every
serving process keeps its own trees, and positions arrive from any process (the API, the MQTT
worker) as rows, not events.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lifeline.geo.road import RoadTravelTimes, TreeWarmth
from lifeline.geo.travel import LonLat

log = logging.getLogger(__name__)

DEFAULT_WARM_INTERVAL_S = 5.0
"""How often the warmer looks for new or moved units (seconds)."""

OriginSource = Callable[[], Sequence[LonLat]]
"""Points to keep trees for, most important first (a fresh read of the database each call)."""


@dataclass(frozen=True, slots=True)
class WarmRound:
    """One round of warming: what the trees became and how long the round took (seconds)."""

    warmth: TreeWarmth
    took_s: float


class TreeWarmer:
    """Keeps ``travel``'s search trees on the points ``origins`` returns, in a daemon thread."""

    def __init__(
        self,
        travel: RoadTravelTimes,
        origins: OriginSource,
        *,
        interval_s: float = DEFAULT_WARM_INTERVAL_S,
    ) -> None:
        if not interval_s > 0:
            raise ValueError("interval_s must be positive")
        self.travel = travel
        self.origins = origins
        self.interval_s = interval_s
        self.last: WarmRound | None = None
        self.rounds = 0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._round_lock = threading.Lock()

    def warm_once(self) -> WarmRound:
        """Read the origins and make the kept trees theirs now (in the caller's thread)."""
        with self._round_lock:
            started = time.perf_counter()
            warmth = self.travel.warm_trees(self.origins())
            done = WarmRound(warmth=warmth, took_s=time.perf_counter() - started)
            self.last = done
            self.rounds += 1
        if warmth.searched or warmth.dropped:
            log.info(
                "search trees warmed: %d kept (%d searched, %d dropped, %d beyond the budget), "
                "%.0f MiB, in %.2f s",
                warmth.kept, warmth.searched, warmth.dropped, warmth.beyond_budget,
                warmth.bytes / 2**20, done.took_s,
            )  # fmt: skip
        return done

    def start(self) -> None:
        """Start warming in the background: a first round at once, then every ``interval_s``."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="tree-warmer", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Run a round soon rather than at the next interval (units were added or moved)."""
        self._wake.set()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop after the round in hand (a round searches in chunks of a few trees)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.warm_once()
            except Exception:  # keep warming later; recommendations fall back to searching
                log.exception("warming search trees failed")
            self._wake.wait(self.interval_s)
            self._wake.clear()
