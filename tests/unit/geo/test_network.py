"""RoadNetwork.from_edges: validation, parallel edges, self-loops, strongly connected part."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.sparse.csgraph import connected_components

from lifeline.geo.network import (
    MIN_EDGE_TIME_S,
    DisconnectedNetwork,
    MalformedNetwork,
    RoadNetwork,
)

LON = [114.0, 114.001, 114.002, 114.003]
LAT = [22.5, 22.5, 22.5, 22.5]


def _edges(net: RoadNetwork) -> dict[tuple[int, int], float]:
    return {
        (int(u), int(v)): float(t) for u, v, t in zip(net.tail, net.head, net.time_s, strict=True)
    }


def test_parallel_edges_keep_the_fastest_and_self_loops_are_dropped() -> None:
    net = RoadNetwork.from_edges(
        "t", LON[:2], LAT[:2], [0, 0, 1, 1], [1, 1, 0, 1], [100, 100, 100, 5], [36, 72, 36, 36]
    )
    assert _edges(net) == {(0, 1): pytest.approx(5.0), (1, 0): pytest.approx(10.0)}
    assert net.node_count == 2
    assert net.dropped_nodes == 0


def test_only_the_largest_strongly_connected_part_is_kept_and_the_rest_reported() -> None:
    # 0 <-> 1 <-> 2 form a strongly connected triple; 3 can be entered but never left
    net = RoadNetwork.from_edges(
        "t", LON, LAT, [0, 1, 1, 2, 2], [1, 0, 2, 1, 3], [100] * 5, 36, min_kept_fraction=0.5
    )
    assert net.node_count == 3
    assert net.dropped_nodes == 1
    assert net.dropped_edges == 1
    assert net.lon.tolist() == LON[:3]
    assert sorted(_edges(net)) == [(0, 1), (1, 0), (1, 2), (2, 1)]
    summary = net.summary()
    assert (summary.nodes, summary.edges, summary.dropped_nodes) == (3, 4, 1)
    assert summary.one_way_edges == 0
    assert summary.length_km == pytest.approx(0.4)


def test_a_network_that_falls_apart_is_refused_with_the_numbers() -> None:
    with pytest.raises(DisconnectedNetwork, match=r"2 of 4 nodes \(50\.0%\)"):
        RoadNetwork.from_edges(
            "split", LON, LAT, [0, 1, 2, 3], [1, 0, 3, 2], [100] * 4, 36, min_kept_fraction=0.9
        )


@pytest.mark.parametrize(
    ("lon", "tail", "head", "length", "speed", "reason"),
    [
        (LON, [0], [1, 2], [1], [1], "differ in length"),
        (LON, [0], [7], [1], [1], "outside 0..3"),
        (LON, [0], [1], [-5], [1], "negative or not finite"),
        (LON, [0], [1], [5], [0], "positive number"),
        ([114.0, float("nan"), 114.0, 114.0], [0], [1], [5], [1], "finite"),
        ([190.0, 114.0, 114.0, 114.0], [0], [1], [5], [1], "outside lon"),
        (LON, [0.5], [1.5], [5], [1], "integer node indices"),
        (LON, [0, 1], [0, 1], [5, 5], [1, 1], "no edge between distinct nodes"),
    ],
)
def test_malformed_input_names_the_problem(
    lon: list[float],
    tail: list[float],
    head: list[float],
    length: list[float],
    speed: list[float],
    reason: str,
) -> None:
    with pytest.raises(MalformedNetwork, match=reason):
        RoadNetwork.from_edges("bad", lon, LAT, tail, head, length, speed)


def test_forward_and_backward_matrices_are_transposes() -> None:
    net = RoadNetwork.from_edges("t", LON[:3], LAT[:3], [0, 1, 2], [1, 2, 0], [10, 20, 30], 36)
    assert np.array_equal(net.forward.toarray().T, net.backward.toarray())
    assert net.summary().one_way_edges == 3


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(min_value=2, max_value=12),
    edges=st.lists(
        st.tuples(
            st.integers(0, 11),
            st.integers(0, 11),
            st.floats(0, 500),
            st.floats(1, 120),
        ),
        min_size=1,
        max_size=60,
    ),
)
def test_any_accepted_network_is_strongly_connected_simple_and_accounts_for_drops(
    n: int, edges: list[tuple[int, int, float, float]]
) -> None:
    edges = [(u % n, v % n, length, speed) for u, v, length, speed in edges]
    u, v, length, speed = (list(col) for col in zip(*edges, strict=True))
    lon = [114.0 + 0.001 * i for i in range(n)]
    try:
        net = RoadNetwork.from_edges("p", lon, [22.5] * n, u, v, length, speed, min_kept_fraction=0)
    except MalformedNetwork:
        assert all(a == b for a, b in zip(u, v, strict=True))  # only self-loops
        return
    except DisconnectedNetwork:
        return  # no strongly connected part of two or more nodes
    count, _ = connected_components(net.forward, directed=True, connection="strong")
    assert count == 1
    assert net.node_count + net.dropped_nodes == n
    pairs = list(zip(net.tail.tolist(), net.head.tolist(), strict=True))
    assert len(set(pairs)) == len(pairs)
    assert all(a != b for a, b in pairs)
    assert (net.time_s >= MIN_EDGE_TIME_S).all()
    distinct = {(a, b) for a, b in zip(u, v, strict=True) if a != b}
    assert net.edge_count + net.dropped_edges == len(distinct)
    for a, b, t in zip(net.tail.tolist(), net.head.tolist(), net.time_s.tolist(), strict=True):
        fastest = min(
            max(length_m / (kmh / 3.6), MIN_EDGE_TIME_S)
            for x, y, length_m, kmh in edges
            if lon[x] == net.lon[a] and lon[y] == net.lon[b]
        )
        assert t == pytest.approx(fastest)
