"""Ranking units for one incident: ETA, run-card fit and the coverage they leave behind."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifeline.dispatch.recommend import UNCOVERED_PENALTY_S, coverage_loss_s, recommend

INF = math.inf


def test_coverage_loss_is_the_delay_at_points_only_that_unit_serves_first() -> None:
    # unit 0 is fastest to point 0 (runner-up 1 is 100 s later); unit 1 fastest to point 1
    cover = [[60.0, 500.0], [160.0, 100.0], [400.0, 130.0]]
    assert coverage_loss_s(cover).tolist() == [100.0, 0.0 + 30.0, 0.0]


def test_a_lone_unit_leaves_its_points_uncovered() -> None:
    assert coverage_loss_s([[10.0, 20.0]]).tolist() == [2 * UNCOVERED_PENALTY_S]
    assert coverage_loss_s([[10.0], [INF]]).tolist() == [UNCOVERED_PENALTY_S, 0.0]
    assert coverage_loss_s(np.zeros((0, 3))).tolist() == []


def test_run_card_selects_the_lowest_scores_per_type_and_reports_shortfall() -> None:
    eta = [300.0, 100.0, 200.0, 50.0, INF]
    types = ["engine", "engine", "engine", "ambulance", "hazmat"]
    rec = recommend(eta, types, {"engine": 2, "ambulance": 1, "hazmat": 1, "ladder": 1})
    chosen = sorted(c.index for c in rec.candidates if c.selected)
    assert chosen == [1, 2, 3]
    assert rec.shortfall == {"hazmat": 1, "ladder": 1}
    assert [c.index for c in rec.candidates][:3] == [3, 1, 2]
    assert 4 in [c.index for c in rec.candidates]  # unreachable, listed, never selected


def test_coverage_weight_trades_eta_for_coverage() -> None:
    eta = [100.0, 110.0]
    loss = [200.0, 0.0]
    near = recommend(eta, ["engine", "engine"], {"engine": 1}, loss, coverage_weight=0.0)
    assert [c.index for c in near.candidates if c.selected] == [0]
    kept = recommend(eta, ["engine", "engine"], {"engine": 1}, loss, coverage_weight=0.5)
    assert [c.index for c in kept.candidates if c.selected] == [1]
    assert kept.candidates[0].score_s == 110.0


def test_without_a_run_card_the_single_best_unit_is_selected() -> None:
    rec = recommend([90.0, 30.0, INF], ["engine", "police_car", "drone"], {})
    assert [c.index for c in rec.candidates if c.selected] == [1]
    assert len(rec.candidates) == 3


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="same length"):
        recommend([1.0], ["engine", "engine"], {})
    with pytest.raises(ValueError, match="negative"):
        recommend([1.0], ["engine"], {"engine": -1})
    with pytest.raises(ValueError, match="coverage_weight"):
        recommend([1.0], ["engine"], {}, coverage_weight=-1)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(1, 3600), st.sampled_from(["engine", "ladder", "ambulance"])),
        min_size=1,
        max_size=15,
    ),
    st.dictionaries(st.sampled_from(["engine", "ladder", "ambulance"]), st.integers(1, 4)),
)
def test_selection_fills_each_type_up_to_the_count_with_its_best_scores(
    units: list[tuple[float, str]], card: dict[str, int]
) -> None:
    eta = [e for e, _ in units]
    types = [t for _, t in units]
    rec = recommend(eta, types, card)
    for unit_type, count in card.items():
        of_type = [c for c in rec.candidates if c.unit_type == unit_type]
        chosen = [c for c in of_type if c.selected]
        assert len(chosen) == min(count, len(of_type))
        assert rec.shortfall.get(unit_type, 0) == max(0, count - len(of_type))
        rest = [c for c in of_type if not c.selected]
        if chosen and rest:
            assert max(c.score_s for c in chosen) <= min(c.score_s for c in rest)
