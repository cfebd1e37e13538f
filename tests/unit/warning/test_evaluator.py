"""The vectorised evaluator against a plain per-sample reference, and its persistence forms."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from lifeline.monitoring.batch import ObservationBatch, SensorKind, StreamInfo
from lifeline.warning.evaluator import CompiledRule, RuleEngine
from lifeline.warning.rules import parse_rule
from lifeline.warning.scales import scales

INFO = StreamInfo("ds-1", "thing-1", "org-1", SensorKind.SMOKE, "%/m", None, 114.0, 22.5)


def _engine(condition: dict[str, Any]) -> RuleEngine:
    definition = parse_rule(
        {"name": "r", "hazard": "fire", "select": {"kind": "smoke"}, "condition": condition},
        scales(),
    )
    return RuleEngine([CompiledRule("rule-1", 1, "/", definition)])


def _batch(values: list[float], t0: float = 0.0, info: StreamInfo = INFO) -> ObservationBatch:
    n = len(values)
    times = t0 + np.arange(n, dtype=float)
    return ObservationBatch(
        (info.datastream_id,) * n,
        times,
        np.asarray(values, float),
        times,
        {info.datastream_id: info},
    )


def _ranks(engine: RuleEngine, values: list[float], t0: float = 0.0) -> list[tuple[float, int]]:
    return [(tr.at_s, tr.to_rank) for tr in engine.evaluate(_batch(values, t0), lambda _: "/o/")]


TWO_LEVELS = {
    "type": "threshold",
    "levels": [
        {"level": "yellow", "raise_at": 5, "clear_below": 4},
        {"level": "red", "raise_at": 10, "clear_below": 8},
    ],
}


def _reference(values: list[float]) -> list[tuple[float, int]]:
    """Per-sample hysteresis over two levels, written the obvious way."""
    bands = [(5.0, 4.0, 2), (10.0, 8.0, 4)]
    active = [False, False]
    level = 0
    out = []
    for i, v in enumerate(values):
        for k, (up, down, _) in enumerate(bands):
            if v >= up:
                active[k] = True
            elif v < down:
                active[k] = False
        new = max((bands[k][2] for k in range(2) if active[k]), default=0)
        if new != level:
            out.append((float(i), new))
            level = new
    return out


@given(st.lists(st.floats(0, 14, allow_nan=False), min_size=1, max_size=60), st.integers(1, 5))
def test_vectorised_hysteresis_matches_the_per_sample_reference(
    values: list[float], pieces: int
) -> None:
    engine = _engine(TWO_LEVELS)
    got: list[tuple[float, int]] = []
    cuts = np.array_split(np.arange(len(values)), pieces)
    for cut in cuts:
        if len(cut):
            got += _ranks(engine, [values[i] for i in cut], float(cut[0]))
    assert got == _reference(values)


def test_persistence_n_of_m_counts_samples_across_batches() -> None:
    engine = _engine(
        {**TWO_LEVELS, "levels": TWO_LEVELS["levels"][:1], "persistence": {"n": 3, "m": 4}}
    )
    assert _ranks(engine, [6, 1, 6]) == []
    assert _ranks(engine, [6], 3.0) == [(3.0, 2)]


def test_persistence_for_seconds_needs_an_unbroken_run() -> None:
    engine = _engine(
        {**TWO_LEVELS, "levels": TWO_LEVELS["levels"][:1], "persistence": {"for_s": 3}}
    )
    assert _ranks(engine, [6, 6, 6, 1, 6, 6]) == []
    assert _ranks(engine, [6, 6], 6.0) == [(7.0, 2)]


def test_rate_of_change_per_minute_and_direction_below() -> None:
    rising = _engine(
        {
            "type": "rate_of_change",
            "levels": [{"level": "orange", "raise_at": 60, "clear_below": 10}],
        }
    )
    # +1 per second is 60 per minute: raised at the second sample, cleared when it levels off
    assert _ranks(rising, [20, 21, 22, 22]) == [(1.0, 3), (3.0, 0)]
    falling = _engine(
        {
            "type": "threshold",
            "direction": "below",
            "levels": [{"level": "blue", "raise_at": 2, "clear_above": 3}],
        }
    )
    assert _ranks(falling, [5, 2, 2.5, 3.5]) == [(1.0, 1), (3.0, 0)]


def test_seeded_engine_continues_an_open_alarm_instead_of_raising_again() -> None:
    definition = parse_rule(
        {"name": "r", "hazard": "fire", "select": {"kind": "smoke"}, "condition": TWO_LEVELS},
        scales(),
    )
    engine = RuleEngine([CompiledRule("rule-1", 1, "/", definition)], {("rule-1", "ds-1"): 2})
    assert _ranks(engine, [6, 7]) == []
    assert _ranks(engine, [3], 2.0) == [(2.0, 0)]


def _rule_engine(definition: dict[str, Any]) -> RuleEngine:
    return RuleEngine([CompiledRule("rule-1", 1, "/", parse_rule(definition, scales()))])


def test_schedule_masks_raises_outside_its_windows() -> None:
    engine = _rule_engine(
        {
            "name": "r",
            "hazard": "intrusion",
            "select": {"kind": "smoke"},
            "condition": {"type": "threshold", "levels": [{"level": "blue", "raise_at": 1}]},
            "schedule": {"utc_offset_min": 0, "windows": [{"days": ["thu"], "start": "00:00",
                                                            "end": "01:00"}]},
        }
    )  # fmt: skip
    thursday_0030 = 1_800.0  # 1970-01-01 (a Thursday) 00:30 UTC
    friday_0030 = thursday_0030 + 86_400
    assert _ranks(engine, [2.0], friday_0030 - 2 * 86_400 + 7 * 86_400) == []
    assert _ranks(engine, [0.0, 2.0], thursday_0030 + 7 * 86_400) == [(thursday_0030 + 604_801, 1)]


def test_absence_raises_after_silence_and_clears_on_data() -> None:
    engine = _rule_engine(
        {
            "name": "r",
            "hazard": "offline",
            "select": {"kind": "smoke"},
            "condition": {"type": "absence", "after_s": 60, "level": "yellow"},
        }
    )
    assert _ranks(engine, [1.0], 100.0) == []
    assert engine.check_absence(150.0) == []
    raised = engine.check_absence(161.0)
    assert [(t.source_id, t.to_rank) for t in raised] == [("ds-1", 2)]
    assert engine.check_absence(500.0) == []  # raised once
    assert _ranks(engine, [1.0], 600.0) == [(600.0, 0)]


def test_composite_on_a_thing_needs_every_leaf() -> None:
    engine = _rule_engine(
        {
            "name": "r",
            "hazard": "fire",
            "condition": {
                "type": "composite",
                "scope": "thing",
                "level": "red",
                "of": [
                    {"kind": "smoke", "type": "threshold", "raise_at": 2},
                    {"kind": "temperature", "type": "threshold", "raise_at": 60},
                ],
            },
        }
    )
    heat = StreamInfo("ds-2", "thing-1", "org-1", SensorKind.TEMPERATURE, "", None, 114.0, 22.5)
    smoky = engine.evaluate(_batch([3.0]), lambda _: "/o/")
    assert smoky == []
    hot = engine.evaluate(_batch([70.0], 1.0, heat), lambda _: "/o/")
    assert [(t.source_id, t.from_rank, t.to_rank) for t in hot] == [("thing-1", 0, 4)]
    cooled = engine.evaluate(_batch([20.0], 2.0, heat), lambda _: "/o/")
    assert [(t.source_id, t.to_rank) for t in cooled] == [("thing-1", 0)]


def test_a_rebuilt_engine_keeps_absence_clocks_and_starts_new_ones_at_the_rebuild() -> None:
    absence = {
        "name": "r",
        "hazard": "offline",
        "select": {"kind": "smoke"},
        "condition": {"type": "absence", "after_s": 60, "level": "yellow"},
    }
    old = _rule_engine(absence)
    _ranks(old, [1.0], 100.0)
    rebuilt = _rule_engine(absence)
    rebuilt.carry_over(old, lambda _: "/o/", now_s=130.0)
    assert [t.at_s for t in rebuilt.check_absence(161.0)] == [161.0]  # 100 + 60, not 130 + 60
    fresh = RuleEngine(
        [CompiledRule("rule-2", 1, "/", parse_rule(absence, scales()))]  # a rule added later
    )
    fresh.carry_over(old, lambda _: "/o/", now_s=130.0)
    assert fresh.check_absence(161.0) == []
    assert [t.rule_id for t in fresh.check_absence(190.0)] == ["rule-2"]
