"""The demo sensor feed: seeded, pure and driven by the time it is given (so a virtual clock
drives it as well as the wall clock).

Every stream reports every ``interval_s`` around a per-kind baseline with Gaussian noise; a
:class:`Script` adds ramps (a fire: smoke and temperature rising in one warehouse; a gas leak:
%LEL rising) and silences (a device that stops reporting). A stream's value at time ``t`` (s
since the feed started) is ``baseline + noise·N(0, 1) + Σ ramps`` with each ramp contributing
``min(rate_per_s · (t − start_s), peak − baseline)`` once started, clipped to the stream's
physical range.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lifeline.monitoring.batch import SensorKind

# kind → (baseline, noise standard deviation), in the kind's unit
PROFILES: dict[SensorKind, tuple[float, float]] = {
    SensorKind.SMOKE: (0.05, 0.02),
    SensorKind.TEMPERATURE: (27.0, 0.3),
    SensorKind.CO: (2.0, 0.5),
    SensorKind.COMBUSTIBLE_GAS: (0.5, 0.2),
    SensorKind.H2S: (0.2, 0.1),
    SensorKind.WATER_LEVEL: (1.2, 0.02),
    SensorKind.RAINFALL: (2.0, 0.5),
    SensorKind.FLOW: (400.0, 10.0),
    SensorKind.PRESSURE: (300.0, 3.0),
    SensorKind.VOLTAGE: (10_500.0, 30.0),
    SensorKind.CURRENT: (220.0, 5.0),
    SensorKind.EQUIPMENT_TEMPERATURE: (48.0, 0.5),
    SensorKind.PIPELINE_PRESSURE: (0.4, 0.005),
    SensorKind.TILT: (0.1, 0.01),
    SensorKind.DISPLACEMENT: (0.5, 0.1),
    SensorKind.AIR_QUALITY: (45.0, 3.0),
    SensorKind.HOTSPOT: (35.0, 1.0),
    SensorKind.VIDEO_EVENT: (0.0, 0.0),
    SensorKind.WIND_SPEED: (3.0, 0.8),
    SensorKind.WIND_DIRECTION: (120.0, 10.0),
}
MAX_CATCH_UP = 10  # readings per stream produced at most for one step after a long pause


@dataclass(frozen=True, slots=True)
class SimStream:
    datastream_id: str
    thing_id: str
    kind: SensorKind
    interval_s: float
    min_value: float
    max_value: float


@dataclass(frozen=True, slots=True)
class Ramp:
    """From ``start_s`` after the feed starts, the stream rises at ``rate_per_s`` up to
    ``peak``."""

    datastream_id: str
    start_s: float
    rate_per_s: float
    peak: float


@dataclass(frozen=True, slots=True)
class Silence:
    """From ``start_s`` after the feed starts, the thing sends nothing."""

    thing_id: str
    start_s: float


@dataclass(frozen=True)
class Script:
    ramps: tuple[Ramp, ...] = ()
    silences: tuple[Silence, ...] = ()


@dataclass
class FeedSimulator:
    """Produces the readings due up to a given time; call :meth:`step` with increasing times."""

    streams: list[SimStream]
    script: Script
    start_s: float
    seed: int = 2026
    _rng: np.random.Generator = field(init=False)
    _next: dict[str, float] = field(init=False)

    def __post_init__(self) -> None:
        self._rng = np.random.default_rng(self.seed)
        self._next = {s.datastream_id: self.start_s for s in self.streams}

    def value(self, stream: SimStream, elapsed_s: float, noise: float) -> float:
        baseline, sigma = PROFILES[stream.kind]
        value = baseline + sigma * noise
        for ramp in self.script.ramps:
            if ramp.datastream_id == stream.datastream_id and elapsed_s >= ramp.start_s:
                value += min(ramp.rate_per_s * (elapsed_s - ramp.start_s), ramp.peak - baseline)
        return float(min(max(value, stream.min_value), stream.max_value))

    def silent(self, thing_id: str, elapsed_s: float) -> bool:
        return any(s.thing_id == thing_id and elapsed_s >= s.start_s for s in self.script.silences)

    def step(self, now_s: float) -> list[tuple[str, str, float, float]]:
        """Readings ``(thing id, datastream id, phenomenon time s, value)`` due by ``now_s``."""
        out: list[tuple[str, str, float, float]] = []
        for stream in self.streams:
            due = self._next[stream.datastream_id]
            if due > now_s:
                continue
            behind = int((now_s - due) // stream.interval_s)
            if behind >= MAX_CATCH_UP:
                due += (behind - MAX_CATCH_UP + 1) * stream.interval_s
            while due <= now_s:
                elapsed = due - self.start_s
                noise = float(self._rng.standard_normal())
                if not self.silent(stream.thing_id, elapsed):
                    value = self.value(stream, elapsed, noise)
                    out.append((stream.thing_id, stream.datastream_id, due, value))
                due += stream.interval_s
            self._next[stream.datastream_id] = due
        return out
