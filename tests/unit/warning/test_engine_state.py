"""The evaluator's state carried to another engine (a restart): persistence windows,
hysteresis, rate-of-change baselines and absence clocks continue where they stood, and the
snapshot bytes read back the same state."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.monitoring.batch import ObservationBatch, SensorKind, StreamInfo
from lifeline.warning.detectors.sink import StreamDetectorSink
from lifeline.warning.evaluator import CompiledRule, RuleEngine, merge_states
from lifeline.warning.rules import parse_rule
from lifeline.warning.scales import scales
from lifeline.warning.snapshots import (
    DETECTORS,
    detector_state_of,
    engine_state_bytes,
    engine_state_of,
)
from tests.unit.fakes import FakeSnapshots, FakeUnitOfWork

INFO = StreamInfo("ds-1", "thing-1", "org-1", SensorKind.SMOKE, "%/m", None, 114.0, 22.5)
OTHER = StreamInfo("ds-2", "thing-2", "org-1", SensorKind.SMOKE, "%/m", None, 114.0, 22.5)
TWO_LEVELS = {
    "type": "threshold",
    "levels": [
        {"level": "yellow", "raise_at": 5, "clear_below": 4},
        {"level": "red", "raise_at": 10, "clear_below": 8},
    ],
    "persistence": {"n": 2, "m": 3},
}


def _rules(condition: dict[str, Any], version: int = 1) -> list[CompiledRule]:
    definition = parse_rule(
        {"name": "r", "hazard": "fire", "select": {"kind": "smoke"}, "condition": condition},
        scales(),
    )
    return [CompiledRule("rule-1", version, "/", definition)]


def _batch(values: list[float], t0: float, info: StreamInfo = INFO) -> ObservationBatch:
    times = t0 + np.arange(len(values), dtype=float)
    return ObservationBatch(
        (info.datastream_id,) * len(values), times, np.asarray(values, float), times,
        {info.datastream_id: info},
    )  # fmt: skip


def _ranks(engine: RuleEngine, values: list[float], t0: float) -> list[tuple[float, int]]:
    return [(tr.at_s, tr.to_rank) for tr in engine.evaluate(_batch(values, t0), lambda _: "/o/")]


def _restarted(
    before: RuleEngine, rules: list[CompiledRule], seeds: dict[tuple[str, str], int] | None = None
) -> RuleEngine:
    after = RuleEngine(rules, seeds)
    after.restore(engine_state_of(engine_state_bytes(before.export_state())), lambda _: "/o/")
    return after


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 14, allow_nan=False), min_size=2, max_size=40), st.data())
def test_a_restart_anywhere_gives_the_transitions_of_one_engine(
    values: list[float], data: st.DataObject
) -> None:
    cut = data.draw(st.integers(1, len(values) - 1))
    whole = _ranks(RuleEngine(_rules(TWO_LEVELS)), values, 0.0)
    first = RuleEngine(_rules(TWO_LEVELS))
    got = _ranks(first, values[:cut], 0.0)
    level = got[-1][1] if got else 0  # the open alarm's rank, as the database would seed it
    second = _restarted(first, _rules(TWO_LEVELS), {("rule-1", "ds-1"): level} if level else {})
    got += _ranks(second, values[cut:], float(cut))
    assert got == whole


def test_without_the_state_a_restart_forgets_the_persistence_window() -> None:
    first = RuleEngine(_rules(TWO_LEVELS))
    assert _ranks(first, [6.0], 0.0) == []  # 1 of 3
    assert _ranks(_restarted(first, _rules(TWO_LEVELS)), [6.0], 1.0) == [(1.0, 2)]
    assert _ranks(RuleEngine(_rules(TWO_LEVELS)), [6.0], 1.0) == []  # fresh: 1 of 3 again


def test_rate_of_change_takes_back_its_last_value() -> None:
    rate = {"type": "rate_of_change", "levels": [{"level": "yellow", "raise_at": 30}]}
    first = RuleEngine(_rules(rate))
    _ranks(first, [1.0, 1.0], 0.0)
    # +1 per second is 60 per minute against the value before the restart
    assert _ranks(_restarted(first, _rules(rate)), [2.0], 2.0) == [(2.0, 2)]


def test_an_alarm_resolved_after_the_snapshot_wins_over_the_stored_level() -> None:
    first = RuleEngine(_rules(TWO_LEVELS))
    assert _ranks(first, [6.0, 6.0], 0.0) == [(1.0, 2)]
    second = _restarted(first, _rules(TWO_LEVELS), seeds={})  # the alarm was resolved since
    assert _ranks(second, [6.0], 2.0) == [(2.0, 2)]  # raised again, not silently held


def test_another_rule_version_starts_afresh_and_absence_clocks_carry() -> None:
    absence = {"type": "absence", "after_s": 60, "level": "yellow"}
    first = RuleEngine([*_rules(TWO_LEVELS), _absence_rule(absence)])
    _ranks(first, [6.0], 0.0)
    second = _restarted(first, [*_rules(TWO_LEVELS, version=2), _absence_rule(absence)])
    assert _ranks(second, [6.0], 1.0) == []  # version 2 has no window yet
    assert second.check_absence(30.0) == []
    assert [tr.to_rank for tr in second.check_absence(61.0)] == [2]  # counted from t = 0


def _absence_rule(condition: dict[str, Any]) -> CompiledRule:
    definition = parse_rule(
        {"name": "a", "hazard": "fire", "select": {"kind": "smoke"}, "condition": condition},
        scales(),
    )
    return CompiledRule("rule-abs", 1, "/", definition)


def test_merge_keeps_both_processes_streams_and_the_fresher_binding() -> None:
    mine, theirs = RuleEngine(_rules(TWO_LEVELS)), RuleEngine(_rules(TWO_LEVELS))
    _ranks(mine, [6.0], 5.0)
    theirs.evaluate(_batch([6.0, 1.0], 0.0, OTHER), lambda _: "/o/")
    theirs.evaluate(_batch([1.0], 0.0), lambda _: "/o/")  # an older view of ds-1 (t = 0)
    merged = merge_states(theirs.export_state(), mine.export_state())
    assert sorted(s.datastream_id for s in merged.streams) == ["ds-1", "ds-2"]
    assert merged.rows == 2
    assert merged.prev_v[merged.keys.index("rule-1|1|ds-1|-1")] == 6.0  # t = 5 beats t = 0
    assert merged.prev_v[merged.keys.index("rule-1|1|ds-2|-1")] == 1.0
    after = RuleEngine(_rules(TWO_LEVELS))
    after.restore(merged, lambda _: "/o/")
    assert _ranks(after, [6.0], 6.0) == [(6.0, 2)]  # ds-1's window: 2 of 3 with mine


def test_detector_snapshots_read_back_and_merge_by_the_later_sample() -> None:
    def batch(stream: str, values: list[float]) -> ObservationBatch:
        info = StreamInfo(stream, "t", "o", SensorKind.PIPELINE_PRESSURE, "MPa", None, None, None)
        times = 60.0 * np.arange(len(values), dtype=np.float64)
        arr = np.asarray(values, float)
        return ObservationBatch((stream,) * len(values), times, arr, times, {stream: info})

    store = FakeSnapshots()
    uow = FakeUnitOfWork(SYSTEM_ACTOR, repos={"warning": store})
    a, b = StreamDetectorSink(), StreamDetectorSink()
    a(batch("p-1", [0.4] * 50), uow)
    b(batch("p-1", [0.4] * 10), uow)
    b(batch("p-2", [0.3] * 10), uow)
    assert b.save_state(uow) == 2
    assert b.save_state(uow) == 0  # not due again for snapshot_every_s
    assert a.save_state(uow, force=True) == 2  # merged: p-2 kept, p-1 from a (later sample)
    merged = detector_state_of(store.saved[DETECTORS])
    assert sorted(merged.ids) == ["p-1", "p-2"]
    assert merged.rows["g_n"][merged.ids.index("p-1")] == 50
    c = StreamDetectorSink()
    c(batch("p-3", [1.0]), uow)  # the first batch takes the snapshot back
    assert c.streams() == 3
    assert StreamDetectorSink().save_state(uow) == 0  # a sink that never ran saves nothing
