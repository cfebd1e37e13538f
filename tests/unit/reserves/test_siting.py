"""Siting models: exact (HiGHS) against brute force, heuristics against exact, GeoJSON out."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifeline.reserves.siting import (
    SitingProblem,
    maximal_covering_exact,
    maximal_covering_heuristic,
    p_median_exact,
    p_median_heuristic,
    set_covering_exact,
    set_covering_heuristic,
    to_geojson,
)


def _brute_p_median(problem: SitingProblem, p: int) -> float:
    m = problem.shape[1]
    return min(
        float(problem.weight @ problem.cost_min[:, list(s)].min(axis=1))
        for s in itertools.combinations(range(m), p)
    )


def _brute_max_cover(problem: SitingProblem, p: int, within: float) -> float:
    a = problem.coverage(within)
    m = problem.shape[1]
    return max(
        float(problem.weight @ a[:, list(s)].any(axis=1))
        for s in itertools.combinations(range(m), p)
    )


def test_hand_worked_line_of_four_towns() -> None:
    """Towns on a line at 0, 10, 20, 30 min with 100, 10, 10, 100 residents; candidates at the
    towns. One site: at 10 costs 100·10 + 0 + 10·10 + 100·20 = 3,100; at 20 likewise 3,100; at
    0 costs 0 + 100 + 200 + 3,000 = 3,300. Two sites: {0, 30} cost 10·10 + 10·10 = 200."""
    x = np.array([0.0, 10.0, 20.0, 30.0])
    problem = SitingProblem.from_cost_matrix(np.abs(x[:, None] - x[None, :]), [100, 10, 10, 100])
    one = p_median_exact(problem, 1)
    assert one.objective == pytest.approx(3100)
    assert one.sites in ((1,), (2,))
    two = p_median_exact(problem, 2)
    assert two.sites == (0, 3)
    assert two.objective == pytest.approx(200)
    assert two.gap < 1e-6
    # within 10 min a site at 10 reaches the towns at 0, 10, 20 (120 residents), as does one
    # at 20; two sites {0, 3} (or {1, 2}) cover all 220
    assert maximal_covering_exact(problem, 1, 10).objective == pytest.approx(120)
    assert maximal_covering_exact(problem, 2, 10).objective == pytest.approx(220)
    # everyone within 10 min needs two sites ({0 or 1} and {2 or 3})
    assert set_covering_exact(problem, 10).objective == 2
    assert set_covering_heuristic(problem, 10).objective == 2


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 100_000), p=st.integers(1, 3))
def test_exact_solvers_match_brute_force_and_heuristics_never_beat_them(seed: int, p: int) -> None:
    rng = np.random.default_rng(seed)
    problem = SitingProblem.from_cost_matrix(rng.uniform(0, 40, (12, 6)), rng.integers(1, 50, 12))
    exact = p_median_exact(problem, p)
    assert exact.objective == pytest.approx(_brute_p_median(problem, p))
    assert len(exact.sites) == p
    heuristic = p_median_heuristic(problem, p, reference=exact.objective)
    assert heuristic.objective >= exact.objective - 1e-6
    assert heuristic.gap == pytest.approx(
        (heuristic.objective - exact.objective) / heuristic.objective
    )
    cover = maximal_covering_exact(problem, p, 15.0)
    assert cover.objective == pytest.approx(_brute_max_cover(problem, p, 15.0))
    greedy = maximal_covering_heuristic(problem, p, 15.0)
    assert greedy.objective <= cover.objective + 1e-6
    assert greedy.objective >= (1 - 1 / np.e) * cover.objective - 1e-6


def test_heuristic_without_reference_reports_a_valid_bound() -> None:
    rng = np.random.default_rng(7)
    problem = SitingProblem.from_cost_matrix(rng.uniform(0, 60, (40, 10)), rng.integers(1, 9, 40))
    h = p_median_heuristic(problem, 3)
    exact = p_median_exact(problem, 3)
    assert h.bound <= exact.objective <= h.objective
    assert 0 <= h.gap < 1


def test_from_points_uses_great_circle_time_and_geojson_is_map_ready() -> None:
    demand = [[114.05, 22.54], [114.05, 22.64], [114.05, 22.59]]
    candidates = [[114.05, 22.54], [114.05, 22.64], [114.05, 22.59]]
    problem = SitingProblem.from_points(demand, candidates, [1, 1, 1], speed_kmh=60)
    # one site: at an end 0 + 11.12 + 5.56 = 16.68 min; in the middle 5.56 + 5.56 + 0 = 11.12
    # 0.1° of latitude ≈ 11,119.5 m → 11.12 min at 60 km/h
    assert problem.cost_min[0, 1] == pytest.approx(11.1195, abs=1e-3)
    result = p_median_exact(problem, 1)
    geo = to_geojson(result, candidates, ["A", "B", "mid"])
    assert geo["type"] == "FeatureCollection"
    features = geo["features"]
    assert isinstance(features, list)
    assert len(features) == 1
    assert features[0]["geometry"]["coordinates"] == [114.05, 22.59]
    assert features[0]["properties"]["name"] == "mid"


def test_bad_matrices_are_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        SitingProblem.from_cost_matrix([[1.0, -2.0]])
    with pytest.raises(ValueError, match="weight"):
        SitingProblem.from_cost_matrix([[1.0, 2.0]], [1.0, 2.0])
    problem = SitingProblem.from_cost_matrix([[1.0, 2.0]])
    with pytest.raises(ValueError, match="p must be"):
        p_median_exact(problem, 3)
    with pytest.raises(ValueError, match="within reach"):
        set_covering_exact(problem, 0.5)
