"""The seeded synthetic street grid."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse.csgraph import connected_components

from lifeline.geo.network import MalformedNetwork
from lifeline.geo.synthetic import SHENZHEN_CENTRE, synthetic_network


def test_same_seed_same_network_and_another_seed_differs() -> None:
    a, b, c = synthetic_network(900), synthetic_network(900), synthetic_network(900, seed=1)
    assert np.array_equal(a.lon, b.lon)
    assert np.array_equal(a.head, b.head)
    assert not np.array_equal(a.lon[:100], c.lon[:100])


def test_grid_is_strongly_connected_centred_on_shenzhen_with_one_way_streets() -> None:
    net = synthetic_network(2_500)
    assert 0.95 * 2_500 <= net.node_count <= 2_500
    count, _ = connected_components(net.forward, directed=True, connection="strong")
    assert count == 1
    assert abs(float(net.lon.mean()) - SHENZHEN_CENTRE[0]) < 0.01
    assert abs(float(net.lat.mean()) - SHENZHEN_CENTRE[1]) < 0.01
    summary = net.summary()
    assert summary.one_way_edges > 0.05 * summary.edges
    speeds = np.round(net.length_m / net.time_s * 3.6)
    assert set(np.unique(speeds).tolist()) <= {30.0, 60.0}
    assert (speeds == 60.0).any()


@pytest.mark.parametrize("nodes", [0, 3, 10_000_000])
def test_sizes_out_of_range_are_refused(nodes: int) -> None:
    with pytest.raises(MalformedNetwork, match="between 4 and"):
        synthetic_network(nodes)
