"""Optimal dispatch against brute force and the greedy nearest-unit baseline."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifeline.dispatch.optimize import AssignmentResult, greedy, optimal

INF = math.inf


def test_greedy_is_beaten_when_the_nearest_unit_is_needed_elsewhere() -> None:
    # unit 0 is nearest to both; incident 0 (grave) can also take unit 1 at little extra cost,
    # incident 1 has nothing else near
    eta = np.array([[100.0, 110.0], [120.0, 900.0]])
    demand = [{"engine": 1}, {"engine": 1}]
    weights = [4.0, 1.0]
    g = greedy(eta, ["engine", "engine"], demand, weights)
    o = optimal(eta, ["engine", "engine"], demand, weights)
    assert g.pairs == ((0, 0), (1, 1))
    assert o.pairs == ((0, 1), (1, 0))
    assert o.objective_s == 4 * 120 + 110 < g.objective_s == 4 * 100 + 900


def test_short_of_units_the_gravest_incident_is_served() -> None:
    eta = np.array([[300.0, 100.0]])
    o = optimal(eta, ["engine"], [{"engine": 1}, {"engine": 1}], [8.0, 1.0])
    assert o.pairs == ((0, 0),)
    assert o.shortfall == {(1, "engine"): 1}


def test_types_never_substitute_and_unreachable_units_are_not_sent() -> None:
    eta = np.array([[10.0], [20.0], [INF]])
    o = optimal(eta, ["ladder", "engine", "engine"], [{"engine": 2}], [1.0])
    assert o.pairs == ((1, 0),)
    assert o.shortfall == {(0, "engine"): 1}
    assert o.total_eta_s == 20.0


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="units, incidents"):
        optimal(np.zeros((2, 2)), ["engine"], [{}, {}], [1.0, 1.0])
    with pytest.raises(ValueError, match="weights"):
        optimal(np.zeros((1, 1)), ["engine"], [{"engine": 1}], [0.0])
    with pytest.raises(ValueError, match="non-negative"):
        greedy(np.full((1, 1), -1.0), ["engine"], [{"engine": 1}], [1.0])


def _penalised(result: AssignmentResult, eta: np.ndarray, weights: list[float]) -> float:
    finite = eta[np.isfinite(eta)]
    penalty = 10.0 * (float(finite.max()) if finite.size else 1.0) + 3_600.0
    return result.objective_s + sum(weights[i] * penalty * n for (i, _), n in
                                    result.shortfall.items())  # fmt: skip


def _brute_force(eta: np.ndarray, types: list[str], demand: list[dict[str, int]],
                 weights: list[float]) -> float:  # fmt: skip
    """Every way of giving each unit an incident or nothing; the best penalised cost."""
    best = INF
    n_units, n_inc = eta.shape
    for choice in itertools.product(range(-1, n_inc), repeat=n_units):
        got: dict[tuple[int, str], int] = {}
        ok = True
        for u, i in enumerate(choice):
            if i < 0:
                continue
            key = (i, types[u])
            got[key] = got.get(key, 0) + 1
            if got[key] > demand[i].get(types[u], 0) or not math.isfinite(eta[u, i]):
                ok = False
                break
        if not ok:
            continue
        pairs = tuple((u, i) for u, i in enumerate(choice) if i >= 0)
        short = {(i, t): c - got.get((i, t), 0) for i, d in enumerate(demand)
                 for t, c in d.items() if c > got.get((i, t), 0)}  # fmt: skip
        result = AssignmentResult(
            pairs=pairs, shortfall=short,
            objective_s=float(sum(weights[i] * eta[u, i] for u, i in pairs)), total_eta_s=0.0,
        )  # fmt: skip
        best = min(best, _penalised(result, eta, weights))
    return best


instances = st.integers(1, 5).flatmap(
    lambda n_units: st.integers(1, 3).flatmap(
        lambda n_inc: st.tuples(
            st.lists(
                st.lists(st.one_of(st.floats(10, 2000), st.just(INF)),
                         min_size=n_inc, max_size=n_inc),
                min_size=n_units, max_size=n_units,
            ),
            st.lists(st.sampled_from(["engine", "ambulance"]), min_size=n_units,
                     max_size=n_units),
            st.lists(
                st.fixed_dictionaries({"engine": st.integers(0, 2),
                                       "ambulance": st.integers(0, 1)}),
                min_size=n_inc, max_size=n_inc,
            ),
            st.lists(st.sampled_from([1.0, 2.0, 4.0, 8.0]), min_size=n_inc, max_size=n_inc),
        )
    )
)  # fmt: skip


@settings(max_examples=80, deadline=None)
@given(instances)
def test_optimal_matches_brute_force_and_never_loses_to_greedy(
    instance: tuple[list[list[float]], list[str], list[dict[str, int]], list[float]],
) -> None:
    rows, types, demand, weights = instance
    eta = np.array(rows)
    o = optimal(eta, types, demand, weights)
    g = greedy(eta, types, demand, weights)
    for result in (o, g):
        units = [u for u, _ in result.pairs]
        assert len(units) == len(set(units))  # never a double-assigned unit
        for u, i in result.pairs:
            assert math.isfinite(eta[u, i])
    assert _penalised(o, eta, weights) == pytest.approx(_brute_force(eta, types, demand, weights))
    assert _penalised(o, eta, weights) <= _penalised(g, eta, weights) + 1e-6
