"""The demo feed simulator: seeded, driven by the time it is given, scripted."""

from __future__ import annotations

from lifeline.monitoring.batch import SensorKind
from lifeline.monitoring.feed import by_thing, script_for
from lifeline.monitoring.simulator import FeedSimulator, Ramp, Script, Silence, SimStream

T0 = 1_782_892_800.0
SMOKE = SimStream("smoke", "w", SensorKind.SMOKE, 10.0, 0.0, 100.0)
TEMP = SimStream("temp", "w", SensorKind.TEMPERATURE, 10.0, -40.0, 150.0)
GAS = SimStream("gas", "g", SensorKind.COMBUSTIBLE_GAS, 5.0, 0.0, 100.0)


QUIET = Script()


def sim(script: Script = QUIET, seed: int = 7) -> FeedSimulator:
    return FeedSimulator([SMOKE, TEMP, GAS], script, start_s=T0, seed=seed)


def test_each_stream_reports_on_its_interval_and_the_same_seed_gives_the_same_feed() -> None:
    a, b = sim(), sim()
    first = a.step(T0 + 20)
    assert first == b.step(T0 + 20)
    times = {s: sorted(t for _, sid, t, _ in first if sid == s) for s in ("smoke", "gas")}
    assert times["smoke"] == [T0, T0 + 10, T0 + 20]
    assert len(times["gas"]) == 5
    assert a.step(T0 + 20) == []  # nothing is due twice
    assert sim(seed=8).step(T0 + 20) != first


def test_ramps_raise_a_stream_to_its_peak_and_silences_stop_a_thing() -> None:
    script = Script(
        ramps=(Ramp("smoke", start_s=30, rate_per_s=0.5, peak=20.0),),
        silences=(Silence("g", start_s=12),),
    )
    feed = sim(script)
    readings = [r for t in range(0, 121, 10) for r in feed.step(T0 + t)]
    smoke = {t - T0: v for _, s, t, v in readings if s == "smoke"}
    assert smoke[20] < 1
    assert 4 < smoke[40] < 6
    assert abs(smoke[120] - 20) < 0.2
    gas_times = [t - T0 for _, s, t, _ in readings if s == "gas"]
    assert max(gas_times) < 12
    temps = [v for _, s, _, v in readings if s == "temp"]
    assert all(20 < v < 35 for v in temps)


def test_a_long_pause_produces_only_the_latest_readings() -> None:
    feed = sim()
    feed.step(T0)
    late = [r for r in feed.step(T0 + 3600) if r[1] == "smoke"]
    assert len(late) == 10
    assert late[-1][2] == T0 + 3600


def test_a_story_for_any_streams_and_grouping_by_device() -> None:
    script = script_for([SMOKE, TEMP, GAS, SimStream("v", "sub", SensorKind.VOLTAGE, 10, 0, 1e6)])
    assert [r.datastream_id for r in script.ramps] == ["smoke", "temp", "gas"]
    assert [s.thing_id for s in script.silences] == ["sub"]
    grouped = by_thing([("w", "smoke", 1.0, 0.1), ("g", "gas", 1.0, 0.5), ("w", "temp", 1.0, 27)])
    assert grouped["w"] == (["smoke", "temp"], [1.0, 1.0], [0.1, 27])
