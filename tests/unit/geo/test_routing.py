"""Bounded Dijkstra matrices and paths against networkx on the same graph."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
import pytest

from lifeline.geo.network import RoadNetwork
from lifeline.geo.routing import shortest_path, times_between
from lifeline.geo.synthetic import synthetic_network


@pytest.fixture(scope="module")
def net() -> RoadNetwork:
    return synthetic_network(400, seed=3)


def _nx(net: RoadNetwork) -> nx.DiGraph:
    g = nx.DiGraph()
    for u, v, t in zip(net.tail.tolist(), net.head.tolist(), net.time_s.tolist(), strict=True):
        g.add_edge(u, v, weight=t)
    return g


def test_matrix_matches_networkx_in_chunks(net: RoadNetwork) -> None:
    rng = np.random.default_rng(0)
    sources = rng.choice(net.node_count, 7, replace=False).astype(np.int64)
    targets = rng.choice(net.node_count, 11, replace=False).astype(np.int64)
    g = _nx(net)
    expected = np.array(
        [[nx.dijkstra_path_length(g, int(s), int(t)) for t in targets] for s in sources]
    )
    one_block = times_between(net.forward, sources, targets)
    chunked = times_between(net.forward, sources, targets, block_bytes=8 * net.node_count * 2)
    assert one_block == pytest.approx(expected)
    assert np.array_equal(one_block, chunked)
    # the transpose searched from the targets gives the same times
    backward = times_between(net.backward, targets, sources).T
    assert backward == pytest.approx(expected)


def test_the_horizon_turns_farther_times_into_inf(net: RoadNetwork) -> None:
    sources = np.array([0], dtype=np.int64)
    targets = np.arange(net.node_count, dtype=np.int64)
    full = times_between(net.forward, sources, targets)[0]
    limit = float(np.median(full))
    bounded = times_between(net.forward, sources, targets, limit_s=limit)[0]
    inside = full <= limit
    assert np.array_equal(bounded[inside], full[inside])
    assert np.isinf(bounded[~inside]).all()
    assert inside.sum() < net.node_count


def test_shortest_path_follows_edges_and_sums_to_the_time(net: RoadNetwork) -> None:
    g = _nx(net)
    path = shortest_path(net.forward, 5, net.node_count - 7)
    assert path is not None
    assert path[0] == 5
    assert path[-1] == net.node_count - 7
    total = sum(g[u][v]["weight"] for u, v in itertools.pairwise(path))
    assert total == pytest.approx(nx.dijkstra_path_length(g, 5, net.node_count - 7))


def test_empty_inputs_give_empty_matrices(net: RoadNetwork) -> None:
    empty = np.zeros(0, dtype=np.int64)
    assert times_between(net.forward, empty, np.array([1])).shape == (0, 1)
    assert times_between(net.forward, np.array([1]), empty).shape == (1, 0)


def test_no_path_within_the_limit_is_none(net: RoadNetwork) -> None:
    far = int(np.argmax(times_between(net.forward, np.array([0]), np.arange(net.node_count))[0]))
    assert shortest_path(net.forward, 0, far, limit_s=1.0) is None
    assert shortest_path(net.forward, 0, far) is not None
