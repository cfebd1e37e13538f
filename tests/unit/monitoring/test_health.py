"""Pure device-health assessment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from lifeline.monitoring.batch import SensorKind
from lifeline.monitoring.health import HealthPolicy, assess
from lifeline.monitoring.model import HealthStatus, StreamActivity, ThingHealth

T0 = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
POLICY = HealthPolicy(grace_factor=3.0, stuck_samples={SensorKind.TEMPERATURE: 3})


def stream(
    last: datetime | None, values: tuple[float, ...] = (), out_of_range: int = 0,
    interval_s: float = 60.0, kind: SensorKind = SensorKind.TEMPERATURE, sid: str = "s1",
) -> StreamActivity:  # fmt: skip
    return StreamActivity(sid, "t", kind, interval_s, last, values, out_of_range)


def test_offline_after_grace_times_the_shortest_interval_then_back() -> None:
    streams = [stream(T0, interval_s=60), stream(T0, interval_s=30, sid="s2")]
    online = assess("t", T0, streams, None, T0 + timedelta(seconds=90), POLICY)
    assert online.state.status is HealthStatus.ONLINE
    assert online.change is None
    offline = assess("t", T0, streams, online.state, T0 + timedelta(seconds=91), POLICY)
    assert offline.state.status is HealthStatus.OFFLINE
    assert offline.change is not None
    assert offline.change.went_offline
    assert offline.change.silent_s == 91
    assert offline.change.interval_s == 30
    still = assess("t", T0, streams, offline.state, T0 + timedelta(seconds=500), POLICY)
    assert still.change is None
    assert still.state.since == offline.state.since
    back_at = T0 + timedelta(seconds=600)
    back = assess("t", T0, [stream(back_at)], still.state, back_at, POLICY)
    assert back.change is not None
    assert back.change.came_back
    assert back.change.offline_s == 600 - 91


def test_a_device_that_never_reported_is_offline_only_after_its_grace() -> None:
    never = [stream(None)]
    assert assess("t", T0, never, None, T0 + timedelta(seconds=100), POLICY).state.status is (
        HealthStatus.UNKNOWN
    )
    late = assess("t", T0, never, None, T0 + timedelta(seconds=181), POLICY)
    assert late.state.status is HealthStatus.OFFLINE
    assert late.change is not None
    assert late.change.went_offline
    assert late.state.last_seen_at is None


def test_stuck_and_out_of_range_faults_are_raised_once_and_cleared() -> None:
    now = T0 + timedelta(seconds=10)
    stuck = assess("t", T0, [stream(T0, (5.0, 5.0, 5.0), out_of_range=2)], None, now, POLICY)
    assert stuck.state.faults == {"s1": ("out_of_range", "stuck")}
    assert stuck.change is not None
    assert len(stuck.change.faults_raised) == 2
    same = assess("t", T0, [stream(T0, (5.0, 5.0, 5.0), 2)], stuck.state, now, POLICY)
    assert same.change is None
    moving = assess("t", T0, [stream(T0, (5.1, 5.0, 5.0))], same.state, now, POLICY)
    assert moving.change is not None
    assert {f for _, f in moving.change.faults_cleared} == {"stuck", "out_of_range"}
    # a smoke detector at zero is normal: no stuck check for its kind
    zero = stream(T0, (0.0,) * 50, kind=SensorKind.SMOKE)
    assert assess("t", T0, [zero], None, now, POLICY).state.faults == {}


def test_a_thing_without_datastreams_is_unknown() -> None:
    result = assess("t", T0, [], ThingHealth("t", HealthStatus.UNKNOWN, T0, None), T0, POLICY)
    assert result.state.status is HealthStatus.UNKNOWN
    assert result.change is None
