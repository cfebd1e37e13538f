"""TreeWarmer: keeps the road network's search trees on the points its source names."""

from __future__ import annotations

import threading

import pytest

from lifeline.geo.road import RoadTravelTimes
from lifeline.geo.synthetic import synthetic_network
from lifeline.geo.travel import LonLat
from lifeline.geo.warming import TreeWarmer


@pytest.fixture
def travel() -> RoadTravelTimes:
    return RoadTravelTimes(synthetic_network(400, seed=3))


def _points(travel: RoadTravelTimes, *nodes: int) -> list[LonLat]:
    net = travel.network
    return [(float(net.lon[n]), float(net.lat[n])) for n in nodes]


def test_a_round_keeps_the_trees_of_the_points_the_source_names(travel: RoadTravelTimes) -> None:
    points = _points(travel, 5, 50, 5)
    warmer = TreeWarmer(travel, lambda: points)
    done = warmer.warm_once()
    assert (done.warmth.kept, done.warmth.searched) == (2, 2)
    assert done.took_s >= 0
    assert warmer.last == done
    assert warmer.rounds == 1
    points[:] = _points(travel, 50)
    assert warmer.warm_once().warmth.dropped == 1
    assert travel.kept_trees == 1


def test_the_background_thread_warms_at_start_on_wake_and_survives_a_failing_source(
    travel: RoadTravelTimes,
) -> None:
    calls: list[int] = []
    called = threading.Condition()
    points = _points(travel, 7)

    def source() -> list[LonLat]:
        with called:
            calls.append(len(calls))
            called.notify_all()
        if len(calls) == 2:
            raise RuntimeError("database away")
        return points

    warmer = TreeWarmer(travel, source, interval_s=3600)
    warmer.start()
    try:
        with called:
            assert called.wait_for(lambda: len(calls) >= 1, timeout=10)
        assert warmer.running
        warmer.wake()  # the source fails this time: logged, the thread goes on
        with called:
            assert called.wait_for(lambda: len(calls) >= 2, timeout=10)
        warmer.wake()
        with called:
            assert called.wait_for(lambda: len(calls) >= 3, timeout=10)
    finally:
        warmer.stop()
    assert not warmer.running
    assert travel.kept_trees == 1


def test_the_interval_must_be_positive(travel: RoadTravelTimes) -> None:
    with pytest.raises(ValueError, match="interval_s"):
        TreeWarmer(travel, list, interval_s=0)
