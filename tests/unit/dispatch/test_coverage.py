"""Coverage and the maximal-covering move-up, against hand-worked and brute-force answers."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifeline.dispatch.coverage import assess, move_up

INF = math.inf


def test_assess_takes_the_first_unit_at_each_point() -> None:
    report = assess([[100.0, 400.0, INF], [250.0, 350.0, INF]], [1.0, 2.0, 3.0], 300.0)
    assert report.first_s.tolist() == [100.0, 350.0, INF]
    assert report.covered.tolist() == [True, False, False]
    assert report.fraction == pytest.approx(1 / 6)


def test_two_engines_at_one_station_spread_out() -> None:
    # demand north (0) and south (1); stations north (0) and south (1); both units stand north
    station_to_demand = np.array([[60.0, 600.0], [600.0, 60.0]])
    units_at = station_to_demand[[0, 0]]
    drive = np.array([[0.0, 600.0], [0.0, 600.0]])
    result = move_up(units_at, station_to_demand, drive, [1.0, 1.0], 300.0, max_moves=2)
    assert result.before.covered.tolist() == [True, False]
    assert result.after.covered.tolist() == [True, True]
    assert len(result.moves) == 1  # one move suffices; a second gains nothing
    assert result.moves[0][1] == 1
    assert result.relocation_s == 600.0
    assert result.optimal


def test_no_moves_allowed_or_nothing_to_gain() -> None:
    station_to_demand = np.array([[60.0, 600.0], [600.0, 60.0]])
    units_at = station_to_demand[[0, 0]]
    drive = np.array([[0.0, 600.0], [0.0, 600.0]])
    assert move_up(units_at, station_to_demand, drive, [1, 1], 300.0, max_moves=0).moves == ()
    spread = station_to_demand[[0, 1]]
    drive = np.array([[0.0, 600.0], [600.0, 0.0]])
    assert move_up(spread, station_to_demand, drive, [1, 1], 300.0, max_moves=2).moves == ()


def test_heavier_demand_wins_when_units_are_short() -> None:
    station_to_demand = np.array([[60.0, INF, INF], [INF, 60.0, INF], [INF, INF, 60.0]])
    units_at = np.array([[INF, INF, INF]])  # one unit out of reach of everything
    drive = np.array([[100.0, 100.0, 500.0]])
    result = move_up(units_at, station_to_demand, drive, [1.0, 2.0, 5.0], 300.0, max_moves=1)
    assert result.moves == ((0, 2),)
    assert result.after.covered_weight == 5.0


def _brute(c: np.ndarray, a: np.ndarray, r: np.ndarray, w: list[float], t: float,
           m: int) -> float:  # fmt: skip
    best = assess(c, w, t).covered_weight
    n_units, n_sites = r.shape
    for choice in itertools.product(range(-1, n_sites), repeat=n_units):
        moved = [(u, s) for u, s in enumerate(choice) if s >= 0]
        if len(moved) > m or len({s for _, s in moved}) < len(moved):
            continue
        if any(not math.isfinite(r[u, s]) for u, s in moved):
            continue
        times = c.copy()
        for u, s in moved:
            times[u] = a[s]
        best = max(best, assess(times, w, t).covered_weight)
    return best


times = st.one_of(st.sampled_from([30.0, 120.0, 290.0, 310.0, 900.0]), st.just(INF))


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 3).flatmap(
        lambda n_units: st.integers(1, 3).flatmap(
            lambda n_sites: st.integers(1, 4).flatmap(
                lambda n_demand: st.tuples(
                    st.lists(st.lists(times, min_size=n_demand, max_size=n_demand),
                             min_size=n_units, max_size=n_units),
                    st.lists(st.lists(times, min_size=n_demand, max_size=n_demand),
                             min_size=n_sites, max_size=n_sites),
                    st.lists(st.lists(times, min_size=n_sites, max_size=n_sites),
                             min_size=n_units, max_size=n_units),
                    st.lists(st.sampled_from([1.0, 2.0, 7.0]), min_size=n_demand,
                             max_size=n_demand),
                    st.integers(0, 2),
                )
            )
        )
    )
)  # fmt: skip
def test_move_up_covers_as_much_as_brute_force(
    instance: tuple[list[list[float]], list[list[float]], list[list[float]], list[float], int],
) -> None:
    c, a, r, w, m = instance
    cc, aa, rr = np.array(c), np.array(a), np.array(r)
    result = move_up(cc, aa, rr, w, 300.0, max_moves=m)
    assert len(result.moves) <= m
    assert len({s for _, s in result.moves}) == len(result.moves)
    assert result.after.covered_weight == pytest.approx(_brute(cc, aa, rr, w, 300.0, m))
