"""RoadNetwork.from_edges: validation, parallel edges, self-loops, strongly connected part."""

from __future__ import annotations

import numpy as np
import pytest

from lifeline.geo.network import DisconnectedNetwork, MalformedNetwork, RoadNetwork

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
