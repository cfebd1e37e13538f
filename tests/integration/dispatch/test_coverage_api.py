"""Coverage and move-up over HTTP: after a dispatch empties a station, the recommended move-up
restores the five-minute standard, and the relocation is carried out."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.dispatch.model import UnitType
from lifeline.security.model import Role
from tests.integration.dispatch.city import City
from tests.integration.security.world import World, build_world


@pytest.fixture
def world(platform: Platform, client: TestClient) -> World:
    return build_world(platform, client, roles=(Role.COMMANDER,), levels=("district",))


def test_dispatch_then_move_up_restores_coverage(
    platform: Platform, client: TestClient, world: World
) -> None:
    city = City(platform, world.org["district"])
    # three stations ~5.6 km apart: at 30 km/h × 1.3 detour a unit covers only its own station
    for name, lat in (("north", 22.60), ("middle", 22.55), ("south", 22.50)):
        city.station(name, lat)
    city.unit("N1", UnitType.ENGINE, "north")
    city.unit("N2", UnitType.ENGINE, "north")
    m1 = city.unit("M1", UnitType.ENGINE, "middle")
    city.unit("S1", UnitType.ENGINE, "south")
    commander = world.headers(Role.COMMANDER, "district")
    full = client.get("/dispatch/coverage", headers=commander).json()
    assert full["coverage"]["fraction"] == 1.0
    assert full["idle_units"] == 4
    incident = city.incident(22.551)
    resp = client.post(
        f"/dispatch/units/{m1.id}/dispatch", json={"incident_id": incident}, headers=commander
    )
    assert resp.status_code == 200
    gap = client.get("/dispatch/coverage?standard_s=300", headers=commander).json()
    uncovered = [p["name"] for p in gap["coverage"]["points"] if not p["covered"]]
    assert uncovered == ["middle"]
    plan = client.post("/dispatch/move-up", json={"max_moves": 2}, headers=commander)
    assert plan.status_code == 200, plan.text
    body = plan.json()
    assert body["optimal"] is True
    assert body["before"]["fraction"] == pytest.approx(2 / 3, abs=1e-3)
    assert body["after"]["fraction"] == 1.0
    assert [(mv["unit"]["station_name"], mv["to_station_name"]) for mv in body["moves"]] == [
        ("north", "middle")
    ]
    move = body["moves"][0]
    done = client.post(
        f"/dispatch/units/{move['unit']['id']}/relocate",
        json={"station_id": move["to_station_id"]},
        headers=commander,
    )
    assert done.status_code == 200, done.text
    assert done.json()["station_name"] == "middle"
    with platform.uow() as uow:
        events = [e.type for e in uow.timeline("unit", move["unit"]["id"])]
    assert events[-1] == "UnitRelocated"
    # a busy unit never moves up
    busy = client.post(
        f"/dispatch/units/{m1.id}/relocate",
        json={"station_id": city.stations["south"].id},
        headers=commander,
    )
    assert busy.status_code == 409


def test_custom_demand_points_and_bad_input(
    platform: Platform, client: TestClient, world: World
) -> None:
    city = City(platform, world.org["district"])
    city.station("middle", 22.55)
    city.unit("M1", UnitType.ENGINE, "middle")
    commander = world.headers(Role.COMMANDER, "district")
    body = {
        "demand_points": [
            {"location": {"type": "Point", "coordinates": [114.05, 22.551]}, "weight": 5000,
             "name": "园区"},
            {"location": {"type": "Point", "coordinates": [114.05, 22.70]}, "weight": 100,
             "name": "远郊"},
        ],
        "max_moves": 1,
    }  # fmt: skip
    resp = client.post("/dispatch/move-up", json=body, headers=commander).json()
    assert [p["covered"] for p in resp["before"]["points"]] == [True, False]
    assert resp["moves"] == []  # the only station cannot reach the far point
    bad = dict(body, demand_points=[{"location": {"type": "Point", "coordinates": [200, 0]}}])
    resp = client.post("/dispatch/move-up", json=bad, headers=commander)
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"].startswith("demand_points[0].location")
    resp = client.post("/dispatch/move-up", json={"max_moves": 99}, headers=commander)
    assert resp.status_code == 422
    assert client.get("/dispatch/coverage?standard_s=-1", headers=commander).status_code == 422
