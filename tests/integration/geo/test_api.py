"""The geo API over HTTP: network summary, travel-time matrix, routes, errors and rights."""

from __future__ import annotations

from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.geo.road import RoadTravelTimes
from lifeline.security.model import Role
from tests.integration.security.world import build_world

FUTIAN = (114.0579, 22.5431)
EAST = (114.0700, 22.5480)
AT_SEA = (114.30, 22.20)


def test_duty_officer_reads_network_matrix_and_route(
    platform: Platform, client: TestClient
) -> None:
    assert isinstance(platform.travel, RoadTravelTimes)
    world = build_world(platform, client, roles=(Role.DUTY_OFFICER,), levels=("district",))
    officer = world.headers(Role.DUTY_OFFICER, "district")

    summary = client.get("/geo/network", headers=officer)
    assert summary.status_code == 200, summary.text
    body = summary.json()
    assert body["kind"] == "road"
    assert body["nodes"] == platform.travel.network.node_count
    assert body["one_way_edges"] > 0
    assert body["horizon_s"] == 1800
    assert "synthetic:2500" in body["description"]

    matrix = client.post(
        "/geo/travel-times",
        json={"origins": [list(FUTIAN), list(EAST)], "targets": [list(EAST), list(FUTIAN)]},
        headers=officer,
    )
    assert matrix.status_code == 200, matrix.text
    seconds = matrix.json()["seconds"]
    expected = platform.travel.matrix_s([FUTIAN, EAST], [EAST, FUTIAN])
    assert seconds == [[round(float(t), 1) for t in row] for row in expected]
    assert matrix.json()["unreachable"] == 0
    assert matrix.json()["based_on"] == platform.travel.description

    route = client.get(
        "/geo/route",
        params={"origin": "114.0579,22.5431", "target": "114.07,22.548"},
        headers=officer,
    )
    assert route.status_code == 200, route.text
    feature = route.json()
    assert feature["geometry"]["type"] == "LineString"
    assert feature["geometry"]["coordinates"][0] == list(FUTIAN)
    assert feature["geometry"]["coordinates"][-1] == list(EAST)
    assert feature["properties"]["eta_s"] == seconds[0][0]
    assert feature["properties"]["distance_m"] > 1000


def test_bad_points_get_problem_json_naming_the_field(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(platform, client, roles=(Role.DUTY_OFFICER,), levels=("district",))
    officer = world.headers(Role.DUTY_OFFICER, "district")
    at_sea = client.post(
        "/geo/travel-times",
        json={"origins": [list(FUTIAN), list(AT_SEA)], "targets": [list(EAST)]},
        headers=officer,
    )
    assert at_sea.status_code == 422
    assert at_sea.headers["content-type"].startswith("application/problem+json")
    problems = at_sea.json()["errors"]
    assert [p["field"] for p in problems] == ["origins[1]"]
    assert "from the nearest road" in problems[0]["reason"]

    out_of_range = client.post(
        "/geo/travel-times",
        json={"origins": [[200, 22.5]], "targets": [list(EAST)]},
        headers=officer,
    )
    assert out_of_range.status_code == 422
    assert out_of_range.json()["errors"][0]["field"].startswith("origins.0")

    empty = client.post(
        "/geo/travel-times", json={"origins": [], "targets": [list(EAST)]}, headers=officer
    )
    assert empty.status_code == 422
    assert empty.json()["errors"][0]["field"] == "origins"

    garbled = client.get(
        "/geo/route", params={"origin": "114.05", "target": "114.07,22.548"}, headers=officer
    )
    assert garbled.status_code == 422
    assert garbled.json()["errors"] == [
        {"field": "origin", "reason": "must be 'lon,lat' in degrees"}
    ]
    sea_route = client.get(
        "/geo/route",
        params={"origin": "114.0579,22.5431", "target": "114.3,22.2"},
        headers=officer,
    )
    assert sea_route.status_code == 422
    assert sea_route.json()["errors"][0]["field"] == "target"


def test_route_read_is_a_right_and_anonymous_callers_are_refused(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(platform, client, roles=(Role.DATA_STEWARD,), levels=("district",))
    steward = world.headers(Role.DATA_STEWARD, "district")
    assert client.get("/geo/network", headers=steward).status_code == 403
    refused = client.post(
        "/geo/travel-times",
        json={"origins": [list(FUTIAN)], "targets": [list(EAST)]},
        headers=steward,
    )
    assert refused.status_code == 403
    assert "route.read" in refused.json()["detail"]
    assert client.get("/geo/network").status_code == 401
