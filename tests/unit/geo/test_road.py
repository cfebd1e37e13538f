"""RoadTravelTimes: the travel-time port on a road network."""

from __future__ import annotations

import numpy as np
import pytest

from lifeline.geo.network import RoadNetwork
from lifeline.geo.road import RoadTravelTimes
from lifeline.geo.snapping import haversine_pairs_m
from lifeline.geo.synthetic import synthetic_network
from lifeline.geo.travel import (
    GreatCircleTravelTimes,
    OffNetwork,
    TravelTimes,
    nearest_to_one_s,
    off_network,
    prepare_origins,
)

# a 1 km one-way street 0 → 1 at 36 km/h (100 s), and a 2 km way back 1 → 2 → 0 at 72 km/h
LON = [114.0, 114.0097, 114.005]
LAT = [22.5, 22.5, 22.51]


@pytest.fixture
def loop() -> RoadTravelTimes:
    net = RoadNetwork.from_edges(
        "loop", LON, LAT, [0, 1, 2], [1, 2, 0], [1000, 1000, 1000], [36, 72, 72]
    )
    return RoadTravelTimes(net, horizon_s=600, snap_max_m=300, access_kmh=18)


def test_one_way_streets_make_times_asymmetric(loop: RoadTravelTimes) -> None:
    a, b = (LON[0], LAT[0]), (LON[1], LAT[1])
    times = loop.matrix_s([a, b], [a, b])
    assert times[0, 1] == pytest.approx(100.0)
    assert times[1, 0] == pytest.approx(100.0)  # 50 s + 50 s round the loop
    assert np.diag(times) == pytest.approx([0.0, 0.0])
    assert loop.from_one_s(b, [a])[0] == pytest.approx(100.0)
    assert loop.to_one_s([a], b)[0] == pytest.approx(100.0)


def test_snapping_distance_is_travelled_at_the_access_speed(loop: RoadTravelTimes) -> None:
    near_a = (LON[0], LAT[0] + 0.0009)  # ≈ 100 m north of node 0, 20 s at 18 km/h
    t = loop.from_one_s(near_a, [(LON[1], LAT[1])])[0]
    assert t == pytest.approx(100.0 + 20.0, abs=0.5)


def test_times_beyond_the_horizon_are_inf() -> None:
    net = RoadNetwork.from_edges(
        "loop", LON, LAT, [0, 1, 2], [1, 2, 0], [1000, 1000, 1000], [36, 72, 72]
    )
    short = RoadTravelTimes(net, horizon_s=99.0)
    assert np.isinf(short.from_one_s((LON[0], LAT[0]), [(LON[1], LAT[1])])).all()


def test_matrix_is_the_same_searched_forward_or_backward() -> None:
    travel = RoadTravelTimes(synthetic_network(900, seed=2), horizon_s=1e6)
    rng = np.random.default_rng(4)
    net = travel.network
    pick = rng.choice(net.node_count, 12, replace=False)
    points = [(float(net.lon[i]) + 1e-4, float(net.lat[i])) for i in pick]
    few_origins = travel.matrix_s(points[:2], points)  # searched from the 2 origins
    few_targets = travel.matrix_s(points, points[:2])  # searched back from the 2 targets
    assert few_origins[:, :2] == pytest.approx(few_targets[:2, :])
    assert few_targets[:, 0] == pytest.approx(travel.to_one_s(points, points[0]))
    assert few_origins[1] == pytest.approx(travel.from_one_s(points[1], points))


def test_route_eta_is_the_matrix_time_and_the_line_runs_from_origin_to_target() -> None:
    travel = RoadTravelTimes(synthetic_network(900, seed=2), horizon_s=1e6)
    origin, target = (114.050, 22.537), (114.066, 22.548)
    route = travel.route(origin, target)
    assert route.eta_s == pytest.approx(travel.from_one_s(origin, [target])[0])
    assert route.coordinates[0] == origin
    assert route.coordinates[-1] == target
    feature = route.to_geojson()
    assert feature["geometry"] == {
        "type": "LineString",
        "coordinates": [list(c) for c in route.coordinates],
    }
    straight_m = haversine_pairs_m(
        np.array([origin[0]]), np.array([origin[1]]), np.array([target[0]]), np.array([target[1]])
    )[0]
    assert straight_m <= route.distance_m <= 2 * straight_m
    assert route.nodes == len(route.coordinates) - 2


def test_points_at_sea_are_unreachable_with_the_reason_and_routes_refuse_them(
    loop: RoadTravelTimes,
) -> None:
    a, b, sea = (LON[0], LAT[0]), (LON[1], LAT[1]), (114.3, 22.2)
    times = loop.matrix_s([a, sea, b], [b, sea])
    assert times[0, 0] == pytest.approx(100.0)
    assert times[2, 0] == pytest.approx(0.0)
    assert np.isinf(times[1]).all()
    assert np.isinf(times[:, 1]).all()
    assert np.isinf(loop.to_one_s([a, b], sea)).all()
    assert loop.to_one_s([sea, a], b)[1] == pytest.approx(100.0)
    assert np.isinf(loop.from_one_s(sea, [a, b])).all()
    assert np.isinf(nearest_to_one_s(loop, [a, sea], sea, 1)).all()
    assert list(nearest_to_one_s(loop, [sea, a], b, 1)) == [np.inf, pytest.approx(100.0)]
    problems = off_network(loop, [a, sea], "units")
    assert [p.field for p in problems] == ["units[1]"]
    assert "from the nearest road (limit 300 m)" in problems[0].reason
    assert [p.field for p in off_network(loop, [sea], "location", single=True)] == ["location"]
    assert off_network(loop, [a, b], "units") == []
    assert off_network(GreatCircleTravelTimes(), [sea], "units") == []
    with pytest.raises(OffNetwork) as single:
        loop.route(a, sea)
    assert [p.field for p in single.value.problems] == ["target"]


def test_origins_off_the_network_get_no_tree_and_do_not_spoil_kept_look_ups(
    loop: RoadTravelTimes,
) -> None:
    a, b, sea = (LON[0], LAT[0]), (LON[1], LAT[1]), (114.3, 22.2)
    assert loop.keep_trees([a, sea]) == 1
    times = loop.matrix_s([a, sea], [b])
    assert times[0, 0] == pytest.approx(100.0)
    assert np.isinf(times[1, 0])


def test_it_implements_the_port(loop: RoadTravelTimes) -> None:
    port: TravelTimes = loop
    assert "loop" in port.description
    assert "600 s" in port.description


@pytest.mark.parametrize("k", [1, 5, 40])
def test_nearest_to_one_ranks_the_k_fastest_exactly_and_searches_less(k: int) -> None:
    travel = RoadTravelTimes(synthetic_network(2_500, seed=6), horizon_s=1800)
    rng = np.random.default_rng(k)
    net = travel.network
    units = [(float(net.lon[i]), float(net.lat[i]) + 2e-4) for i in rng.choice(net.node_count, 40)]
    incident = (float(net.lon[1200]), float(net.lat[1200]))
    full = travel.to_one_s(units, incident)
    near = travel.nearest_to_one_s(units, incident, k, start_s=60)
    fastest = np.argsort(full, kind="stable")[:k]
    assert near[fastest] == pytest.approx(full[fastest])
    finite = np.isfinite(near)
    assert near[finite] == pytest.approx(full[finite])
    if k == 1:
        assert not finite.all()  # the search stopped before reaching every unit
    assert np.all(near[~finite] >= full[fastest].max())
    assert nearest_to_one_s(travel, units, incident, k)[fastest] == pytest.approx(full[fastest])


def test_nearest_to_one_falls_back_to_all_times_on_the_great_circle() -> None:
    fallback = GreatCircleTravelTimes()
    units = [(114.05, 22.54), (114.06, 22.55)]
    assert np.array_equal(
        nearest_to_one_s(fallback, units, (114.07, 22.55), 1),
        fallback.to_one_s(units, (114.07, 22.55)),
    )
    with pytest.raises(ValueError, match="k must be"):
        RoadTravelTimes(synthetic_network(100)).nearest_to_one_s(units, (114.0579, 22.5431), 0)


def test_kept_trees_answer_by_look_up_with_the_same_times(monkeypatch: pytest.MonkeyPatch) -> None:
    net = synthetic_network(900, seed=8)
    travel = RoadTravelTimes(net, horizon_s=1800)
    stations = [(float(net.lon[i]), float(net.lat[i]) + 1e-4) for i in (10, 300, 600)]
    incidents = [(float(net.lon[i]), float(net.lat[i])) for i in (50, 450, 899)]
    searched = travel.matrix_s(stations, incidents)
    nearest = travel.nearest_to_one_s(stations, incidents[0], 1)
    assert travel.keep_trees(stations) == 3

    def no_search(*_: object, **__: object) -> None:
        raise AssertionError("searched although every origin has a kept tree")

    monkeypatch.setattr("lifeline.geo.road.times_between", no_search)
    assert travel.matrix_s(stations, incidents) == pytest.approx(searched, rel=1e-6)
    assert travel.to_one_s(stations, incidents[1]) == pytest.approx(searched[:, 1], rel=1e-6)
    finite = np.isfinite(nearest)
    looked_up = travel.nearest_to_one_s(stations, incidents[0], 1)
    assert looked_up[finite] == pytest.approx(nearest[finite], rel=1e-6)
    with pytest.raises(AssertionError, match="searched"):  # an origin without a tree searches
        travel.to_one_s([*stations, incidents[2]], incidents[1])


def test_kept_trees_stay_within_their_memory_budget() -> None:
    net = synthetic_network(400, seed=8)
    travel = RoadTravelTimes(net, tree_budget_bytes=4 * net.node_count * 2)
    points = [(float(net.lon[i]), float(net.lat[i])) for i in (1, 100, 200)]
    assert travel.max_trees == 2
    assert travel.keep_trees(points) == 2
    # the least recently used tree was dropped, so these origins search again, same answer
    fresh = RoadTravelTimes(net)
    assert travel.to_one_s(points, points[0]) == pytest.approx(fresh.to_one_s(points, points[0]))


def test_warm_trees_keeps_the_first_origins_within_the_budget_and_drops_the_rest(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    net = synthetic_network(400, seed=8)
    travel = RoadTravelTimes(net, tree_budget_bytes=4 * net.node_count * 3)
    station_a, station_b, patrol, far_patrol = (
        (float(net.lon[i]), float(net.lat[i])) for i in (1, 100, 200, 300)
    )
    sea = (114.3, 22.2)
    first = travel.warm_trees([station_a, station_b, station_a, sea, patrol, far_patrol])
    assert (first.wanted, first.kept, first.searched, first.dropped) == (4, 3, 3, 0)
    assert first.beyond_budget == 1  # far_patrol: the budget holds three trees
    assert first.bytes == 3 * 4 * net.node_count
    fresh = RoadTravelTimes(net)
    expected = fresh.matrix_s([station_a, station_b, patrol], [far_patrol, station_a])

    def no_search(*_: object, **__: object) -> None:
        raise AssertionError("searched although every origin has a kept tree")

    with monkeypatch.context() as patched:
        patched.setattr("lifeline.geo.road.times_between", no_search)
        kept = travel.matrix_s([station_a, station_b, patrol], [far_patrol, station_a])
        assert kept == pytest.approx(expected, rel=1e-6)
        same = travel.warm_trees([station_a, station_b, patrol])  # nothing new: no search
        assert (same.searched, same.dropped, same.kept) == (0, 0, 3)
    moved = travel.warm_trees([station_a, station_b, far_patrol])  # the patrol moved
    assert (moved.kept, moved.searched, moved.dropped) == (3, 1, 1)
    assert travel.kept_trees == 3
    assert travel.tree_bytes == 3 * 4 * net.node_count  # the freed row was reused
    assert travel.to_one_s([far_patrol], station_a) == pytest.approx(
        fresh.to_one_s([far_patrol], station_a), rel=1e-6
    )
    assert travel.warm_trees([]).kept == 0
    assert RoadTravelTimes(net, tree_budget_bytes=0).warm_trees([station_a]).kept == 0


def test_prepare_origins_keeps_trees_on_the_road_network_only() -> None:
    net = synthetic_network(400, seed=8)
    travel = RoadTravelTimes(net)
    points = [(float(net.lon[i]), float(net.lat[i])) for i in (1, 100)]
    assert prepare_origins(travel, points) == 2
    assert prepare_origins(GreatCircleTravelTimes(), points) == 0


def test_a_route_beyond_the_horizon_is_still_found() -> None:
    net = synthetic_network(900, seed=2)
    short = RoadTravelTimes(net, horizon_s=30)
    long = RoadTravelTimes(net, horizon_s=1e6)
    origin, target = (114.050, 22.537), (114.066, 22.548)
    assert np.isinf(short.from_one_s(origin, [target])).all()
    assert short.route(origin, target).eta_s == pytest.approx(long.route(origin, target).eta_s)
    assert short.route(origin, target).eta_s > 30


def test_nearest_to_one_ends_when_k_exceeds_the_origins_even_without_a_horizon() -> None:
    net = synthetic_network(400, seed=8)
    unbounded = RoadTravelTimes(net, horizon_s=np.inf)
    units = [(float(net.lon[i]), float(net.lat[i])) for i in (1, 100, 399)]
    near = unbounded.nearest_to_one_s(units, units[0], k=10, start_s=1.0)
    assert near == pytest.approx(unbounded.to_one_s(units, units[0]))
    assert unbounded.nearest_to_one_s([], units[0], k=3).shape == (0,)
