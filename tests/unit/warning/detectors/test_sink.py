"""The detector sink: records AnomalyDetected on onsets, with a cooldown, and keeps drills apart."""

from __future__ import annotations

import numpy as np
import pytest

from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.monitoring.batch import ObservationBatch, SensorKind, StreamInfo
from lifeline.warning.detectors.sink import StreamDetectorSink
from lifeline.warning.events import AnomalyDetected
from tests.unit.fakes import FakeSnapshots, FakeUnitOfWork

T0 = 1_780_000_000.0


def info(stream: str, kind: SensorKind = SensorKind.PRESSURE) -> StreamInfo:
    return StreamInfo(
        datastream_id=stream,
        thing_id=f"thing-{stream}",
        organisation_id="org-1",
        kind=kind,
        unit="kPa",
        area_id="area-1",
        lon=114.05,
        lat=22.54,
    )


def batch(
    ids: list[str],
    times: np.ndarray,
    values: np.ndarray,
    *,
    kinds: dict[str, SensorKind] | None = None,
    exercise: bool = False,
) -> ObservationBatch:
    kinds = kinds or {}
    return ObservationBatch(
        datastream_ids=tuple(ids),
        phenomenon_time_s=times,
        values=values,
        received_at_s=times,
        streams={d: info(d, kinds.get(d, SensorKind.PRESSURE)) for d in set(ids)},
        exercise=exercise,
    )


def steady_then(values_after: list[float], *, start: float = T0, n: int = 200) -> tuple:  # type: ignore[type-arg]
    rng = np.random.default_rng(0)
    head = 100.0 + rng.normal(0, 1.0, n)
    x = np.r_[head, values_after]
    t = start + np.arange(len(x), dtype=float)
    return t, x


def run(sink: StreamDetectorSink, b: ObservationBatch) -> list[AnomalyDetected]:
    uow = FakeUnitOfWork(SYSTEM_ACTOR, repos={"warning": FakeSnapshots()})
    sink(b, uow)
    return [e for e in uow.pending if isinstance(e, AnomalyDetected)]


def test_a_spike_records_one_event_with_its_evidence() -> None:
    sink = StreamDetectorSink()
    t, x = steady_then([160.0])
    events = run(sink, batch(["ds-1"] * len(t), t, x))
    assert len(events) == 1
    event = events[0]
    assert event.aggregate_id == "ds-1"
    assert event.organisation_id == "org-1"
    assert event.reason == "spike"
    assert event.value == 160.0
    assert event.expected == pytest.approx(100.0, abs=1.0)
    assert event.z > 8
    assert event.kind == "pressure"
    assert event.area_id == "area-1"
    assert event.observed_at.startswith("2026-")
    assert not event.exercise


def test_repeated_onsets_within_the_cooldown_are_suppressed_then_recorded_again() -> None:
    sink = StreamDetectorSink(cooldown_s=600.0)
    t, x = steady_then([160.0, 100.0, 160.0, 100.0, 160.0, 100.0])
    assert len(run(sink, batch(["ds-1"] * len(t), t, x))) == 1
    assert sink.suppressed == 2
    later = np.array([t[-1] + 700.0])
    assert len(run(sink, batch(["ds-1"], later, np.array([170.0])))) == 1
    assert sink.recorded == 2


def test_each_stream_has_its_own_profile_and_cooldown() -> None:
    sink = StreamDetectorSink()
    t, x = steady_then([160.0])
    ids = ["a"] * len(t) + ["b"] * len(t)
    values = np.r_[x, x - 50.0]  # b lives at 50: 110 is a spike for b but 160 is for a
    values[-1] = 110.0
    events = run(sink, batch(ids, np.r_[t, t], values))
    assert sorted(e.aggregate_id for e in events) == ["a", "b"]


def test_video_events_and_wind_direction_are_not_judged() -> None:
    sink = StreamDetectorSink()
    t, x = steady_then([160.0])
    kinds = {"cam": SensorKind.VIDEO_EVENT, "vane": SensorKind.WIND_DIRECTION}
    ids = ["cam"] * len(t) + ["vane"] * len(t)
    assert run(sink, batch(ids, np.r_[t, t], np.r_[x, x], kinds=kinds)) == []
    assert sink.streams() == 0


def test_exercise_batches_learn_on_their_own_bank() -> None:
    sink = StreamDetectorSink()
    t, x = steady_then([])
    run(sink, batch(["ds-1"] * len(t), t, x, exercise=True))
    assert sink.streams(exercise=True) == 1
    assert sink.streams() == 0
    events = run(sink, batch(["ds-1"], np.array([t[-1] + 1]), np.array([500.0]), exercise=True))
    assert events[0].exercise


def test_an_empty_batch_records_nothing() -> None:
    assert run(StreamDetectorSink(), batch([], np.array([]), np.array([]))) == []


def test_a_negative_cooldown_is_refused() -> None:
    with pytest.raises(ValueError, match="cooldown_s"):
        StreamDetectorSink(cooldown_s=-1.0)
