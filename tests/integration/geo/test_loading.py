"""Loading road networks: the Helsinki OSM extract, small hand-written OSM files, bad input,
and the composition root's choice between the road network and the great-circle fallback."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from lifeline.api.app import create_app
from lifeline.bootstrap import build_platform, load_travel_times
from lifeline.config import Settings
from lifeline.geo._osm import load_pbf
from lifeline.geo.loading import load_network
from lifeline.geo.network import DisconnectedNetwork, MalformedNetwork
from lifeline.geo.road import RoadTravelTimes
from lifeline.geo.travel import GreatCircleTravelTimes
from lifeline.kernel.errors import ConfigurationError
from lifeline.security.model import Role
from tests.integration.security.world import build_world

HELSINKI = Path(__file__).parents[2] / "data" / "roads" / "helsinki.osm.pbf"


def _osm(
    path: Path, nodes: dict[int, tuple[float, float]], ways: list[tuple[list[int], dict[str, str]]]
) -> Path:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="test">']
    for node_id, (lon, lat) in nodes.items():
        lines.append(f'<node id="{node_id}" version="1" lat="{lat}" lon="{lon}"/>')
    for way_id, (refs, tags) in enumerate(ways, start=1):
        lines.append(f'<way id="{way_id}" version="1">')
        lines += [f'<nd ref="{r}"/>' for r in refs]
        lines += [f'<tag k="{k}" v="{v}"/>' for k, v in tags.items()]
        lines.append("</way>")
    lines.append("</osm>")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


SQUARE = {
    1: (24.940, 60.170),
    2: (24.942, 60.170),
    3: (24.942, 60.171),
    4: (24.940, 60.171),
    5: (24.941, 60.1705),
}


def test_the_helsinki_extract_loads_with_one_way_streets_and_reports_what_was_dropped() -> None:
    net = load_pbf(HELSINKI)
    summary = net.summary()
    assert summary.nodes > 1_000
    assert summary.one_way_edges > 0
    assert summary.dropped_nodes > 0  # clipped ways at the extract's border
    lon_min, lat_min, lon_max, lat_max = summary.bbox
    assert 24.9 < lon_min < lon_max < 25.0
    assert 60.1 < lat_min < lat_max < 60.2
    travel = RoadTravelTimes(net)
    points = [(float(net.lon[i]), float(net.lat[i])) for i in range(0, net.node_count, 300)]
    times = travel.matrix_s(points, points)
    assert np.isfinite(times).all()
    assert (np.diag(times) == 0).all()
    assert (times[~np.eye(len(points), dtype=bool)] > 0).all()


def test_tags_decide_direction_speed_and_what_is_a_road(tmp_path: Path) -> None:
    path = _osm(
        tmp_path / "square.osm",
        SQUARE,
        [
            ([1, 2], {"highway": "residential", "oneway": "yes", "maxspeed": "36"}),
            ([2, 3], {"highway": "residential"}),
            ([4, 3], {"highway": "primary", "oneway": "-1"}),
            ([4, 1], {"highway": "residential", "junction": "roundabout"}),
            ([1, 5, 3], {"highway": "footway"}),
            ([9, 1], {"highway": "residential"}),  # node 9 lies outside the extract
        ],
    )
    net = load_network(str(path))
    assert net.node_count == 4  # the footway's middle node is not on any road
    position = {
        (round(float(x), 3), round(float(y), 3)): i
        for i, (x, y) in enumerate(zip(net.lon, net.lat, strict=True))
    }
    ids = {osm: position[lonlat] for osm, lonlat in SQUARE.items() if lonlat in position}
    edges = {
        (int(u), int(v)): (float(t), float(m))
        for u, v, t, m in zip(net.tail, net.head, net.time_s, net.length_m, strict=True)
    }
    assert (ids[1], ids[2]) in edges
    assert (ids[2], ids[1]) not in edges  # oneway=yes
    assert (ids[2], ids[3]) in edges
    assert (ids[3], ids[2]) in edges
    assert (ids[3], ids[4]) in edges  # oneway=-1: against the drawing direction 4 → 3
    assert (ids[4], ids[3]) not in edges
    assert (ids[4], ids[1]) in edges
    assert (ids[1], ids[4]) not in edges  # roundabouts are one-way
    t12, m12 = edges[(ids[1], ids[2])]
    assert t12 == pytest.approx(m12 / 10.0)  # maxspeed 36 km/h = 10 m/s
    assert m12 == pytest.approx(111.3, abs=1.0)  # 0.002° of longitude at 60.17° N


def test_bad_extracts_get_clear_errors(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.osm.pbf"
    garbage.write_bytes(b"\x00\x01 this is not a protocol buffer" * 10)
    with pytest.raises(MalformedNetwork, match="cannot read"):
        load_pbf(garbage)
    with pytest.raises(MalformedNetwork, match="does not exist"):
        load_pbf(tmp_path / "missing.osm.pbf")
    footpaths = _osm(tmp_path / "paths.osm", SQUARE, [([1, 2, 3], {"highway": "footway"})])
    with pytest.raises(MalformedNetwork, match="no drivable road"):
        load_pbf(footpaths)
    one_way_line = _osm(
        tmp_path / "line.osm", SQUARE, [([1, 2, 3, 4], {"highway": "primary", "oneway": "yes"})]
    )
    with pytest.raises(DisconnectedNetwork, match="largest strongly connected part has 1 of 4"):
        load_pbf(one_way_line)


def test_settings_pick_the_adapter_and_bad_settings_fail_at_start_up() -> None:
    assert isinstance(load_travel_times(Settings()), GreatCircleTravelTimes)
    road = load_travel_times(Settings(road_network=str(HELSINKI), road_snap_max_m=250))
    assert isinstance(road, RoadTravelTimes)
    assert road.snapper.max_m == 250
    synthetic = load_travel_times(Settings(road_network="synthetic:400:7"))
    assert isinstance(synthetic, RoadTravelTimes)
    assert "seed 7" in synthetic.description
    for spec, reason in [
        ("synthetic:many", "synthetic:NODES"),
        ("synthetic:2", "between 4 and"),
        ("synthetic:400:7:1", "SPACING_M"),
        ("synthetic:400:7:400:9", "SPACING_M"),
        ("/nowhere/city.osm.pbf", "does not exist"),
    ]:
        with pytest.raises(ConfigurationError, match=reason) as caught:
            load_travel_times(Settings(road_network=spec))
        assert "LIFELINE_ROAD_NETWORK" in str(caught.value)


def test_without_a_network_travel_is_great_circle_and_routes_are_refused(
    settings: Settings, engine: Engine
) -> None:
    fallback = build_platform(settings.model_copy(update={"road_network": None}), engine=engine)
    assert isinstance(fallback.travel, GreatCircleTravelTimes)
    with TestClient(create_app(platform=fallback)) as client:
        world = build_world(fallback, client, roles=(Role.COMMANDER,), levels=("city",))
        commander = world.headers(Role.COMMANDER, "city")
        described = client.get("/geo/network", headers=commander).json()
        assert described == {"kind": "great-circle", "description": fallback.travel.description}
        matrix = client.post(
            "/geo/travel-times",
            json={"origins": [[114.05, 22.54]], "targets": [[114.06, 22.55]]},
            headers=commander,
        ).json()
        expected = fallback.travel.matrix_s([(114.05, 22.54)], [(114.06, 22.55)])[0, 0]
        assert matrix["seconds"] == [[round(float(expected), 1)]]
        refused = client.get(
            "/geo/route",
            params={"origin": "114.05,22.54", "target": "114.06,22.55"},
            headers=commander,
        )
        assert refused.status_code == 409
        assert "LIFELINE_ROAD_NETWORK" in refused.json()["detail"]


def test_a_synthetic_spacing_stretches_the_grid_over_the_city() -> None:
    """300 × 300 junctions 400 m apart span about 120 km: both ends of Shenzhen snap to it."""
    travel = load_travel_times(Settings(road_network="synthetic:90000:7:400"))
    dapeng, qianhai = (114.48, 22.59), (113.90, 22.53)
    seconds = travel.matrix_s([dapeng], [qianhai])
    assert seconds.shape == (1, 1)
    assert "synthetic:90000 (seed 7)" in travel.description
