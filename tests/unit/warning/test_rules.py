"""Rule definitions: validation names every bad field, and the canonical form round-trips."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifeline.kernel.errors import InvalidInput
from lifeline.warning.rules import (
    AbsenceCondition,
    AnomalyCondition,
    CompositeCondition,
    ScalarCondition,
    parse_rule,
    rule_to_data,
)
from lifeline.warning.scales import scales


def _fields(data: Any) -> set[str]:
    with pytest.raises(InvalidInput) as caught:
        parse_rule(data, scales())
    return {p.field for p in caught.value.problems}


def test_every_problem_is_reported_with_its_field() -> None:
    fields = _fields(
        {
            "name": "",
            "hazard": "fire",
            "scale": "national",
            "select": {"kind": "smok"},
            "condition": {
                "type": "threshold",
                "levels": [
                    {"level": "red", "raise_at": 10, "clear_below": 12},
                    {"level": "yellow", "raise_at": 5},
                ],
                "persistence": {"n": 4, "m": 3},
            },
            "escalation": [{"type": "notify"}, {"type": "fly"}],
            "colour": "x",
        }
    )
    assert {
        "name",
        "select.kind",
        "condition.levels[0].clear_below",
        "condition.levels[1].level",
        "condition.levels[1].raise_at",
        "condition.persistence.n",
        "escalation[0]",
        "escalation[1].type",
        "colour",
    } <= fields


def test_unknown_scale_and_level_of_another_scale() -> None:
    assert "scale" in _fields({"name": "x", "hazard": "h", "scale": "martian", "condition": {}})
    fields = _fields(
        {
            "name": "typhoon",
            "hazard": "wind",
            "scale": "shenzhen_rainstorm",
            "select": {"kind": "wind_speed"},
            "condition": {"type": "threshold", "levels": [{"level": "white", "raise_at": 10}]},
        }
    )
    assert fields == {"condition.levels[0].level"}


def test_composite_and_absence_parse_with_scale_ranks() -> None:
    composite = parse_rule(
        {
            "name": "c",
            "hazard": "fire",
            "condition": {
                "type": "composite",
                "scope": "radius",
                "within_m": 50,
                "level": "orange",
                "of": [
                    {"kind": "smoke", "type": "threshold", "raise_at": 2},
                    {"kind": "flow", "type": "threshold", "raise_at": 1, "not": True},
                ],
            },
        },
        scales(),
    )
    assert isinstance(composite.condition, CompositeCondition)
    assert composite.condition.rank == 3
    assert composite.condition.leaves[1].negate
    absence = parse_rule(
        {
            "name": "a",
            "hazard": "offline",
            "scale": "shenzhen_typhoon",
            "select": {"kind": "wind_speed"},
            "condition": {"type": "absence", "after_s": 60, "level": "white"},
        },
        scales(),
    )
    assert absence.condition == AbsenceCondition(after_s=60.0, level="white", rank=1)
    anchored = _fields(
        {
            "name": "c",
            "hazard": "fire",
            "condition": {
                "type": "composite",
                "scope": "radius",
                "within_m": 50,
                "level": "red",
                "of": [
                    {"kind": "smoke", "type": "threshold", "raise_at": 2, "not": True},
                    {"kind": "temperature", "type": "threshold", "raise_at": 60},
                ],
            },
        }
    )
    assert "condition.of[0].not" in anchored


levels = st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=4, unique=True)


@given(
    levels,
    st.sampled_from(["above", "below"]),
    st.sampled_from(["threshold", "rate_of_change"]),
    st.one_of(st.none(), st.integers(1, 16), st.floats(1, 3600)),
    st.booleans(),
)
def test_canonical_form_round_trips(
    raises: list[float],
    direction: str,
    ctype: str,
    persistence: int | float | None,
    scheduled: bool,
) -> None:
    ordered = sorted(raises, reverse=direction == "below")
    clear_key = "clear_below" if direction == "above" else "clear_above"
    codes = ["blue", "yellow", "orange", "red"]
    data: dict[str, Any] = {
        "name": "Round trip",
        "hazard": "fire",
        "select": {"kind": "smoke", "area_id": "area-1"},
        "condition": {
            "type": ctype,
            "direction": direction,
            "levels": [
                {
                    "level": codes[i],
                    "raise_at": r,
                    clear_key: r - 1 if direction == "above" else r + 1,
                }
                for i, r in enumerate(ordered)
            ],
        },
        "propose_incident_at": codes[len(ordered) - 1],
        "escalation": [{"type": "wait", "seconds": 60}, {"type": "raise_level", "level": "red"}],
    }
    if isinstance(persistence, int):
        data["condition"]["persistence"] = {"n": max(1, persistence // 2), "m": persistence}
    elif isinstance(persistence, float):
        data["condition"]["persistence"] = {"for_s": persistence}
    if scheduled:
        data["schedule"] = [{"days": ["sat", "sun"], "start": "22:00", "end": "06:00"}]
    rule = parse_rule(data, scales())
    assert isinstance(rule.condition, ScalarCondition)
    assert parse_rule(rule_to_data(rule), scales()) == rule


def test_schedule_over_midnight_covers_both_days() -> None:
    rule = parse_rule(
        {
            "name": "night",
            "hazard": "intrusion",
            "select": {"kind": "video_event"},
            "condition": {"type": "threshold", "levels": [{"level": "blue", "raise_at": 1}]},
            "schedule": [{"days": ["sun"], "start": "22:00", "end": "06:00"}],
        },
        scales(),
    )
    assert rule.schedule is not None
    mask = rule.schedule.minute_mask()
    sunday_23 = 6 * 1440 + 23 * 60
    monday_05 = 0 * 1440 + 5 * 60
    monday_07 = 0 * 1440 + 7 * 60
    assert (mask[sunday_23], mask[monday_05], mask[monday_07]) == (True, True, False)


ANOMALY = {
    "name": "Pipeline pressure anomaly",
    "hazard": "gas_leak",
    "select": {"kind": "pipeline_pressure"},
    "condition": {
        "type": "anomaly",
        "levels": [{"level": "yellow", "score_at": 6}, {"level": "orange", "score_at": 12}],
        "reasons": ["spike", "shift_down"],
        "clear_after_s": 600,
    },
}


def test_anomaly_rule_grades_scores_by_band_and_reason() -> None:
    rule = parse_rule(ANOMALY, scales())
    cond = rule.condition
    assert isinstance(cond, AnomalyCondition)
    assert rule.ranks == (2, 3)
    assert cond.clear_after_s == 600
    assert cond.rank_for("spike", 5.9) == 0
    assert cond.rank_for("spike", 6.0) == 2
    assert cond.rank_for("shift_down", 30.0) == 3
    assert cond.rank_for("shift_up", 30.0) == 0  # not one of the rule's reasons
    assert parse_rule(rule_to_data(rule), scales()) == rule


def test_anomaly_rule_refusals_name_the_field() -> None:
    bad = {
        **ANOMALY,
        "condition": {
            "type": "anomaly",
            "levels": [{"level": "orange", "score_at": 8}, {"level": "yellow", "score_at": 4}],
            "reasons": ["wobble"],
            "clear_after_s": 0,
        },
    }
    with pytest.raises(InvalidInput) as refused:
        parse_rule(bad, scales())
    fields = {p.field for p in refused.value.problems}
    assert fields == {
        "condition.levels[1].level",
        "condition.levels[1].score_at",
        "condition.reasons",
        "condition.clear_after_s",
    }
    leaf = {
        **ANOMALY,
        "condition": {
            "type": "composite",
            "level": "red",
            "of": [
                {"kind": "smoke", "type": "anomaly"},
                {"kind": "temperature", "type": "threshold", "raise_at": 50},
            ],
        },
    }
    with pytest.raises(InvalidInput) as nested:
        parse_rule(leaf, scales())
    assert "condition.of[0].type" in {p.field for p in nested.value.problems}
