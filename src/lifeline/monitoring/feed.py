"""Running the demo feed: in process through the real ingest path (device keys, rate limits,
validation, sinks), or against any Lifeline server over HTTP.

Both runners are loops on a thread with a stop event; the simulator decides what is due at
``clock.now()``, so a virtual clock drives a drill's feed.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import numpy as np

from lifeline.kernel.access import Actor
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.clock import Clock
from lifeline.kernel.errors import DomainError
from lifeline.kernel.uow import UnitOfWork
from lifeline.monitoring.batch import SensorKind
from lifeline.monitoring.formats import ParsedRows
from lifeline.monitoring.messages import IngestObservations
from lifeline.monitoring.ratelimit import RateLimiter
from lifeline.monitoring.service import admit, authenticate_device
from lifeline.monitoring.simulator import FeedSimulator, Ramp, Script, Silence, SimStream

log = logging.getLogger(__name__)

Readings = list[tuple[str, str, float, float]]


def by_thing(readings: Readings) -> dict[str, tuple[list[str], list[float], list[float]]]:
    """Group ``(thing, datastream, time s, value)`` readings into columns per thing."""
    out: dict[str, tuple[list[str], list[float], list[float]]] = defaultdict(lambda: ([], [], []))
    for thing, stream, t, value in readings:
        ids, times, values = out[thing]
        ids.append(stream)
        times.append(t)
        values.append(value)
    return dict(out)


class InProcessFeed:
    """Feeds the simulator's readings into this process's bus, each device with its own key."""

    def __init__(
        self,
        *,
        bus: MessageBus,
        system_uow: Callable[[], UnitOfWork],
        limiter: RateLimiter,
        clock: Clock,
        simulator: FeedSimulator,
        keys: dict[str, str],
        tick_s: float = 2.0,
    ) -> None:
        self._bus = bus
        self._system_uow = system_uow
        self._limiter = limiter
        self._clock = clock
        self.simulator = simulator
        self._keys = keys
        self._actors: dict[str, Actor] = {}
        self.tick_s = tick_s
        self.sent = 0
        self.accepted = 0

    def tick(self) -> int:
        """Send what is due now; return how many observations were accepted."""
        accepted = 0
        for thing, (ids, times, values) in by_thing(
            self.simulator.step(self._clock.now().timestamp())
        ).items():
            actor = self._actors.get(thing)
            if actor is None:
                actor = self._actors[thing] = authenticate_device(
                    self._system_uow, self._keys[thing]
                )
            rows = ParsedRows(
                total=len(ids),
                index=list(range(len(ids))),
                datastream_ids=ids,
                time_us=np.rint(np.asarray(times) * 1_000_000).astype(np.int64),
                values=np.asarray(values, dtype=np.float64),
            )
            try:
                admit(self._limiter, actor, len(ids), time.monotonic())
                result = self._bus.handle(IngestObservations(rows=rows, source="feed"), actor)
            except DomainError as exc:
                log.warning("demo feed: %s refused: %s", actor.name, exc)
                continue
            self.sent += len(ids)
            accepted += result.accepted
        self.accepted += accepted
        return accepted

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.tick()
            except Exception:
                log.exception("demo feed tick failed")
            stop.wait(self.tick_s)


def post_json(url: str, body: object, headers: dict[str, str], timeout_s: float = 10.0) -> object:
    """POST JSON and return the decoded answer (raises ``urllib.error.HTTPError`` on 4xx/5xx)."""
    request = urllib.request.Request(  # noqa: S310 - the operator names the server
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout_s) as resp:  # noqa: S310
        return json.loads(resp.read() or b"null")


def get_json(url: str, headers: dict[str, str], timeout_s: float = 10.0) -> object:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=timeout_s) as resp:  # noqa: S310
        return json.loads(resp.read())


class HttpFeed:
    """Posts the simulator's readings to ``base_url`` as each device (``X-Device-Key``)."""

    def __init__(
        self, *, base_url: str, simulator: FeedSimulator, keys: dict[str, str], tick_s: float = 2.0
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.simulator = simulator
        self._keys = keys
        self.tick_s = tick_s
        self.accepted = 0
        self.rejected = 0

    def tick(self, now_s: float) -> None:
        for thing, (ids, times, values) in by_thing(self.simulator.step(now_s)).items():
            answer = post_json(
                f"{self.base_url}/monitoring/observations:batch",
                {"datastream_ids": ids, "phenomenon_time": times, "results": values},
                {"X-Device-Key": self._keys[thing]},
            )
            assert isinstance(answer, dict)
            self.accepted += int(answer["accepted"])
            self.rejected += int(answer["rejected"])

    def run(self, stop: threading.Event, clock: Clock) -> None:
        while not stop.is_set():
            try:
                self.tick(clock.now().timestamp())
            except OSError as exc:
                log.warning("feed: %s", exc)
            stop.wait(self.tick_s)


def script_for(streams: list[SimStream], preferred_fire: str | None = None) -> Script:
    """A demo story for any set of streams: a fire where a thing has smoke and temperature, a
    gas leak on the first combustible-gas stream, and one other thing falling silent."""
    by_thing: dict[str, dict[SensorKind, str]] = defaultdict(dict)
    for s in streams:
        by_thing[s.thing_id].setdefault(s.kind, s.datastream_id)
    fire = [t for t, kinds in by_thing.items() if {SensorKind.SMOKE, SensorKind.TEMPERATURE}
            <= set(kinds)]  # fmt: skip
    if preferred_fire in fire:
        fire = [preferred_fire, *fire]
    ramps: list[Ramp] = []
    used: set[str] = set()
    if fire:
        kinds = by_thing[fire[0]]
        used.add(fire[0])
        ramps.append(Ramp(kinds[SensorKind.SMOKE], start_s=60, rate_per_s=0.15, peak=30))
        ramps.append(Ramp(kinds[SensorKind.TEMPERATURE], start_s=75, rate_per_s=0.6, peak=95))
    gas = next((s for s in streams if s.kind is SensorKind.COMBUSTIBLE_GAS), None)
    if gas is not None:
        used.add(gas.thing_id)
        ramps.append(Ramp(gas.datastream_id, start_s=90, rate_per_s=0.25, peak=45))
    quiet = next((t for t in by_thing if t not in used), None)
    silences = (Silence(quiet, start_s=45),) if quiet is not None else ()
    return Script(ramps=tuple(ramps), silences=silences)


def plan_remote_feed(
    base_url: str,
    username: str,
    password: str,
    *,
    tick_s: float = 2.0,
    seed: int = 2026,
    start_s: float | None = None,
) -> HttpFeed:
    """Sign in, list the datastreams the user may write, issue a key per device, and build the
    feed with :func:`script_for`'s story starting now."""
    base = base_url.rstrip("/")
    token = post_json(f"{base}/auth/login", {"username": username, "password": password}, {})
    assert isinstance(token, dict)
    auth = {"Authorization": f"Bearer {token['access_token']}"}
    items: list[dict[str, Any]] = []
    while True:
        page = get_json(f"{base}/monitoring/Datastreams?limit=500&offset={len(items)}", auth)
        assert isinstance(page, dict)
        items.extend(page["items"])
        if not page["items"] or len(items) >= int(page["total"]):
            break
    streams = [
        SimStream(
            datastream_id=d["id"], thing_id=d["thing_id"], kind=SensorKind(d["kind"]),
            interval_s=min(float(d["interval_s"]), 60.0), min_value=float(d["min_value"]),
            max_value=float(d["max_value"]),
        )
        for d in items
    ]  # fmt: skip
    keys: dict[str, str] = {}
    for thing_id in sorted({s.thing_id for s in streams}):
        issued = post_json(f"{base}/monitoring/Things/{thing_id}/keys", {}, auth)
        assert isinstance(issued, dict)
        keys[thing_id] = str(issued["key"])
    start = time.time() if start_s is None else start_s
    simulator = FeedSimulator(streams, script_for(streams), start_s=start, seed=seed)
    return HttpFeed(base_url=base, simulator=simulator, keys=keys, tick_s=tick_s)
