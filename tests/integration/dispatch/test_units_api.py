"""Units over HTTP: registration at a station, the status machine, AVL positions (single and
batch, with quarantine), scope and rights."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.dispatch.model import UnitType
from lifeline.kernel.clock import VirtualClock
from lifeline.registry.model import FacilityKind
from lifeline.security.model import Role
from tests.integration.dispatch.city import City
from tests.integration.security.world import World, build_world


@pytest.fixture
def world(platform: Platform, client: TestClient) -> World:
    return build_world(
        platform,
        client,
        roles=(Role.COMMANDER, Role.DEPARTMENT_LIAISON, Role.ANALYST),
        levels=("district", "sibling"),
    )


@pytest.fixture
def city(platform: Platform, world: World) -> City:
    city = City(platform, world.org["district"])
    city.station("福田消防站", 22.54)
    city.station("香蜜湖消防站", 22.56)
    return city


def test_register_list_and_get_a_unit(client: TestClient, world: World, city: City) -> None:
    liaison = world.headers(Role.DEPARTMENT_LIAISON, "district")
    station = city.stations["福田消防站"]
    resp = client.post(
        "/dispatch/units",
        json={"call_sign": "FT-E1", "unit_type": "fire_engine", "station_id": station.id,
              "capabilities": ["foam", "pump"]},
        headers=liaison,
    )  # fmt: skip
    assert resp.status_code == 201, resp.text
    unit = resp.json()
    assert unit["status"] == "available"
    assert unit["position"]["coordinates"] == [station.location.lon, station.location.lat]
    assert unit["capabilities"] == ["foam", "pump"]
    assert client.get(f"/dispatch/units/{unit['id']}", headers=liaison).json()["call_sign"] == (
        "FT-E1"
    )
    by_call_sign = client.get("/dispatch/units/FT-E1", headers=liaison)
    assert by_call_sign.json()["id"] == unit["id"]
    listed = client.get("/dispatch/units?unit_type=fire_engine", headers=liaison).json()
    assert [u["id"] for u in listed["items"]] == [unit["id"]]
    assert client.get("/dispatch/units?unit_type=ladder", headers=liaison).json()["total"] == 0


def test_bad_registrations_name_the_field(client: TestClient, world: World, city: City) -> None:
    liaison = world.headers(Role.DEPARTMENT_LIAISON, "district")
    station = city.stations["福田消防站"]
    cases = [
        ({"call_sign": "X1", "unit_type": "tank", "station_id": station.id}, "unit_type"),
        ({"call_sign": "X1", "unit_type": "fire_engine", "station_id": "nope"}, "station_id"),
        ({"call_sign": "X/1", "unit_type": "fire_engine", "station_id": station.id}, "call_sign"),
    ]
    for body, field in cases:
        resp = client.post("/dispatch/units", json=body, headers=liaison)
        assert resp.status_code == 422, resp.text
        assert resp.headers["content-type"] == "application/problem+json"
        assert field in [e["field"] for e in resp.json()["errors"]]
    shelter = city.station("避难所", 22.55, FacilityKind.SHELTER)
    resp = client.post(
        "/dispatch/units",
        json={"call_sign": "X2", "unit_type": "fire_engine", "station_id": shelter.id},
        headers=liaison,
    )
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "station_id"
    city.unit("DUP", UnitType.ENGINE, "福田消防站")
    resp = client.post(
        "/dispatch/units",
        json={"call_sign": "DUP", "unit_type": "fire_engine", "station_id": station.id},
        headers=liaison,
    )
    assert resp.status_code == 409
    assert client.get("/dispatch/units", headers=liaison).json()["total"] == 1


def test_rights_and_scope(client: TestClient, world: World, city: City) -> None:
    unit = city.unit("FT-E1", UnitType.ENGINE, "福田消防站")
    analyst = world.headers(Role.ANALYST, "district")
    station = city.stations["福田消防站"]
    resp = client.post(
        "/dispatch/units",
        json={"call_sign": "A1", "unit_type": "fire_engine", "station_id": station.id},
        headers=analyst,
    )
    assert resp.status_code == 403
    assert client.get(f"/dispatch/units/{unit.id}", headers=analyst).status_code == 200
    other = world.headers(Role.DEPARTMENT_LIAISON, "sibling")
    assert client.get(f"/dispatch/units/{unit.id}", headers=other).status_code == 404
    assert client.get("/dispatch/units", headers=other).json()["total"] == 0
    resp = client.post(
        f"/dispatch/units/{unit.id}/status", json={"status": "out_of_service"}, headers=other
    )
    assert resp.status_code == 404


def test_status_machine_refuses_illegal_steps(client: TestClient, world: World, city: City) -> None:
    unit = city.unit("FT-E1", UnitType.ENGINE, "福田消防站")
    liaison = world.headers(Role.DEPARTMENT_LIAISON, "district")

    def step(status: str) -> int:
        resp = client.post(
            f"/dispatch/units/{unit.id}/status", json={"status": status}, headers=liaison
        )
        return resp.status_code

    assert step("on_scene") == 409
    assert step("returning") == 409
    assert step("dispatched") == 422  # needs an incident: the dispatch order
    assert step("out_of_service") == 200
    assert step("en_route") == 409
    assert step("available") == 200
    body = client.get(f"/dispatch/units/{unit.id}", headers=liaison).json()
    assert body["status"] == "available"
    assert body["version"] == 3


def test_full_cycle_with_arrival(
    platform: Platform, client: TestClient, world: World, city: City, clock: VirtualClock
) -> None:
    unit = city.unit("FT-E1", UnitType.ENGINE, "福田消防站")
    incident = city.incident(22.55, grade="III")
    commander = world.headers(Role.COMMANDER, "district")
    liaison = world.headers(Role.DEPARTMENT_LIAISON, "district")
    resp = client.post(
        f"/dispatch/units/{unit.id}/dispatch", json={"incident_id": incident}, headers=commander
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "dispatched"
    assert resp.json()["incident_id"] == incident
    again = client.post(
        f"/dispatch/units/{unit.id}/dispatch", json={"incident_id": incident}, headers=commander
    )
    assert again.status_code == 409
    for status in ("en_route", "on_scene"):
        clock.advance(timedelta(seconds=120))
        resp = client.post(
            f"/dispatch/units/{unit.id}/status", json={"status": status}, headers=liaison
        )
        assert resp.status_code == 200, resp.text
        assert resp.json()["incident_id"] == incident
    for status in ("returning", "available"):
        resp = client.post(
            f"/dispatch/units/{unit.id}/status", json={"status": status}, headers=liaison
        )
        assert resp.status_code == 200
        assert resp.json()["incident_id"] is None
    with platform.uow() as uow:
        timeline = uow.timeline("unit", unit.id)
    types = [e.type for e in timeline]
    assert types == [
        "UnitRegistered", "UnitStatusChanged", "UnitDispatched", "UnitStatusChanged",
        "UnitStatusChanged", "UnitArrived", "UnitStatusChanged", "UnitStatusChanged",
    ]  # fmt: skip
    dispatched = timeline[2].payload
    assert dispatched["incident_id"] == incident
    assert dispatched["eta_s"] > 0
    assert "great-circle" in dispatched["travel_basis"]
    assert timeline[5].payload["response_s"] == 240.0


def test_dispatch_to_unknown_or_closed_incident(
    client: TestClient, world: World, city: City
) -> None:
    unit = city.unit("FT-E1", UnitType.ENGINE, "福田消防站")
    commander = world.headers(Role.COMMANDER, "district")
    resp = client.post(
        f"/dispatch/units/{unit.id}/dispatch", json={"incident_id": "nope"}, headers=commander
    )
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "incident_id"
    closed = city.incident(22.55)
    city.close(closed)
    resp = client.post(
        f"/dispatch/units/{unit.id}/dispatch", json={"incident_id": closed}, headers=commander
    )
    assert resp.status_code == 409
    resp = client.post(
        "/dispatch/units/nope/dispatch", json={"incident_id": closed}, headers=commander
    )
    assert resp.status_code == 404


def test_avl_single_and_batch_with_quarantine(
    client: TestClient, world: World, city: City, clock: VirtualClock
) -> None:
    unit = city.unit("FT-E1", UnitType.ENGINE, "福田消防站")
    other = city.unit("FT-E2", UnitType.ENGINE, "香蜜湖消防站")
    liaison = world.headers(Role.DEPARTMENT_LIAISON, "district")
    now = clock.now()
    resp = client.post(
        f"/dispatch/units/{unit.id}/position",
        json={"lon": 114.06, "lat": 22.545, "at": now.isoformat(), "speed_kmh": 40},
        headers=liaison,
    )
    assert resp.status_code == 202, resp.text
    body = client.get(f"/dispatch/units/{unit.id}", headers=liaison).json()
    assert body["position"]["coordinates"] == [114.06, 22.545]
    bad = client.post(
        f"/dispatch/units/{unit.id}/position", json={"lon": 214.0, "lat": 22.5}, headers=liaison
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "lon"
    batch = client.post(
        "/dispatch/positions",
        json={
            "fixes": [
                {"unit": "FT-E2", "lon": 114.07, "lat": 22.57, "at": now.isoformat()},
                {"unit": "ghost", "lon": 114.07, "lat": 22.57},
                {"unit": unit.id, "lon": 114.08, "lat": 22.58,
                 "at": (now - timedelta(minutes=5)).isoformat()},
                {"unit": unit.id, "lon": 114.0, "lat": 22.5, "at": "yesterday"},
                {"unit": unit.id, "lon": 114.0, "lat": 22.5, "heading_deg": 400},
            ]
        },
        headers=liaison,
    )  # fmt: skip
    assert batch.status_code == 200, batch.text
    out = batch.json()
    assert out["accepted"] == 2
    assert [(r["index"], r["reason"].split(":")[0]) for r in out["rejected"]] == [
        (1, "unit"), (3, "at"), (4, "heading_deg"),
    ]  # fmt: skip
    assert client.get(f"/dispatch/units/{other.id}", headers=liaison).json()["position"][
        "coordinates"
    ] == [114.07, 22.57]
    # the older fix is kept in the track but does not move the unit back
    body = client.get(f"/dispatch/units/{unit.id}", headers=liaison).json()
    assert body["position"]["coordinates"] == [114.06, 22.545]
    track = client.get(f"/dispatch/units/{unit.id}/track", headers=liaison).json()
    assert [f["position"]["coordinates"] for f in track] == [[114.06, 22.545], [114.08, 22.58]]
    quarantine = client.get("/dispatch/avl/quarantine", headers=liaison).json()
    assert quarantine["total"] == 4
    assert {q["unit_ref"] for q in quarantine["items"]} == {unit.id, "ghost"}
    assert all(q["reason"] and q["raw"] for q in quarantine["items"])
