"""Allocation as a transportation problem on arrays."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lifeline.reserves.allocation import allocate


def test_nearest_depot_first_then_the_next_and_unmet_is_reported() -> None:
    # two depots, one incident, one material: depot 0 at 10 min has 3, depot 1 at 25 min has 4
    result = allocate(
        demand=[[5.0]],
        time_min=[[10.0], [25.0]],
        lot_depot=[0, 1],
        lot_material=[0, 0],
        lot_available=[3.0, 4.0],
    )
    sent = {(s.lot, s.incident): s.quantity for s in result.shipments}
    assert sent == pytest.approx({(0, 0): 3.0, (1, 0): 2.0})
    assert result.cost == pytest.approx(3 * 10 + 2 * 25)
    short = allocate([[9.0]], [[10.0], [25.0]], [0, 1], [0, 0], [3.0, 4.0])
    assert short.unmet[0, 0] == pytest.approx(2.0)


def test_lots_nearest_expiry_are_preferred_within_one_depot() -> None:
    result = allocate(
        demand=[[4.0]],
        time_min=[[10.0]],
        lot_depot=[0, 0],
        lot_material=[0, 0],
        lot_available=[5.0, 5.0],
        lot_days_to_expiry=[400.0, 20.0],
    )
    assert [(s.lot, round(s.quantity, 6)) for s in result.shipments] == [(1, 4.0)]


def test_depots_beyond_the_time_limit_are_not_used() -> None:
    result = allocate([[2.0]], [[50.0]], [0], [0], [9.0], max_time_min=30.0)
    assert result.shipments == ()
    assert result.unmet[0, 0] == 2.0


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n_inc=st.integers(1, 4),
    n_dep=st.integers(1, 4),
    n_mat=st.integers(1, 3),
)
def test_shipments_respect_stock_and_meet_demand_when_possible(
    seed: int, n_inc: int, n_dep: int, n_mat: int
) -> None:
    rng = np.random.default_rng(seed)
    demand = rng.integers(0, 6, (n_inc, n_mat)).astype(float)
    times = rng.uniform(1, 60, (n_dep, n_inc))
    lot_depot = np.repeat(np.arange(n_dep), n_mat)
    lot_material = np.tile(np.arange(n_mat), n_dep)
    stock = rng.integers(0, 6, lot_depot.size).astype(float)
    result = allocate(demand, times, lot_depot, lot_material, stock)
    sent_by_lot = np.zeros(stock.size)
    got = np.zeros_like(demand)
    for s in result.shipments:
        assert lot_material[s.lot] == s.material
        sent_by_lot[s.lot] += s.quantity
        got[s.incident, s.material] += s.quantity
    assert np.all(sent_by_lot <= stock + 1e-6)
    np.testing.assert_allclose(got + result.unmet, demand, atol=1e-6)
    for k in range(n_mat):  # unmet only when the material's stock is used up
        total_stock = stock[lot_material == k].sum()
        expected_unmet = max(0.0, demand[:, k].sum() - total_stock)
        assert result.unmet[:, k].sum() == pytest.approx(expected_unmet, abs=1e-6)
