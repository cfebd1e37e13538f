"""Dispatch on a road network: units and incidents off the network, and search trees kept warm
for the units' stations and positions."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from lifeline.bootstrap import Platform
from lifeline.cli.main import app
from lifeline.config import Settings
from lifeline.dispatch.model import UnitType
from lifeline.geo.road import RoadTravelTimes
from lifeline.kernel.clock import VirtualClock
from lifeline.security.model import Role
from tests.integration.dispatch.city import LON, City
from tests.integration.security.world import World, build_world

AT_SEA = (114.30, 22.30)  # south of Hong Kong island: kilometres from any road of the grid


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        jwt_secret="test-secret-" + "x" * 32,
        log_json=False,
        relay_interval_s=0.05,
        delivery_loop=False,
        road_network="synthetic:2500:0:400",  # a 20 km grid over Futian
        road_warm_interval_s=3600,  # one round at start; the tests call the next ones
    )


@pytest.fixture
def world(platform: Platform, client: TestClient) -> World:
    return build_world(
        platform,
        client,
        roles=(Role.COMMANDER, Role.ANALYST, Role.DEPARTMENT_LIAISON),
        levels=("district",),
    )


@pytest.fixture
def city(platform: Platform, world: World) -> City:
    city = City(platform, world.org["district"])
    for name, lat in (("north", 22.60), ("middle", 22.55), ("south", 22.50)):
        city.station(name, lat)
    return city


def _move(client: TestClient, headers: dict[str, str], unit_id: str, lon: float, lat: float,
          clock: VirtualClock) -> None:  # fmt: skip
    resp = client.post(
        f"/dispatch/units/{unit_id}/position",
        json={"lon": lon, "lat": lat, "at": clock.now().isoformat()},
        headers=headers,
    )
    assert resp.status_code == 202, resp.text


def test_a_unit_at_sea_is_unreachable_and_an_incident_at_sea_is_refused_by_field(
    client: TestClient, world: World, city: City, clock: VirtualClock, settings: Settings
) -> None:
    city.unit("E-middle", UnitType.ENGINE, "middle")
    city.unit("E-north", UnitType.ENGINE, "north")
    boat = city.unit("E-boat", UnitType.ENGINE, "south")
    _move(client, world.headers(Role.DEPARTMENT_LIAISON, "district"), boat.id, *AT_SEA, clock)
    incident = city.incident(22.552, grade="III", units={"fire_engine": 2})
    analyst = world.headers(Role.ANALYST, "district")

    resp = client.get(f"/dispatch/incidents/{incident}/recommendation", headers=analyst)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert "road network" in body["travel_basis"]
    units = {u["unit"]["call_sign"]: u for u in body["units"]}
    assert {c for c, u in units.items() if u["selected"]} == {"E-middle", "E-north"}
    assert units["E-boat"]["eta_s"] is None
    assert units["E-boat"]["selected"] is False
    assert "from the nearest road" in units["E-boat"]["unreachable"]
    assert units["E-middle"]["unreachable"] is None
    assert 0 < units["E-middle"]["eta_s"] < units["E-north"]["eta_s"]
    assert body["shortfall"] == {}
    cli = CliRunner().invoke(
        app,
        ["dispatch", "recommend", incident, "--database-url", settings.database_url],
        env={"LIFELINE_ROAD_NETWORK": settings.road_network or ""},
    )
    assert cli.exit_code == 0, cli.output
    assert "E-boat cannot reach the incident:" in cli.output
    assert "at sea or outside the road network" in " ".join(cli.output.split())

    at_sea = city.incident(AT_SEA[1], lon=AT_SEA[0], grade="II", units={"fire_engine": 1})
    refused = client.get(f"/dispatch/incidents/{at_sea}/recommendation", headers=analyst)
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    problems = refused.json()["errors"]
    assert [p["field"] for p in problems] == ["incident.location"]
    assert "at sea or outside the road network" in problems[0]["reason"]

    commander = world.headers(Role.COMMANDER, "district")
    plan = client.post(
        "/dispatch/plans",
        json={"organisation_id": world.org["district"], "incident_ids": [incident, at_sea]},
        headers=commander,
    )
    assert plan.status_code == 422
    assert [p["field"] for p in plan.json()["errors"]] == ["incident_ids[1]"]
    on_land = client.post(
        "/dispatch/plans",
        json={"organisation_id": world.org["district"], "incident_ids": [incident]},
        headers=commander,
    )
    assert on_land.status_code == 201, on_land.text
    assert {a["eta_s"] is not None for a in on_land.json()["assignments"]} == {True}


def _etas(client: TestClient, headers: dict[str, str], incident: str) -> dict[str, float]:
    resp = client.get(f"/dispatch/incidents/{incident}/recommendation", headers=headers)
    assert resp.status_code == 200, resp.text
    return {u["unit"]["call_sign"]: u["eta_s"] for u in resp.json()["units"]}


def test_search_trees_are_warmed_for_stations_and_moved_units(
    platform: Platform, client: TestClient, world: World, city: City, clock: VirtualClock
) -> None:
    warmer = platform.tree_warmer
    assert warmer is not None
    deadline = time.monotonic() + 30
    while warmer.rounds == 0 and time.monotonic() < deadline:  # the start-up round, in background
        time.sleep(0.05)
    assert warmer.running
    assert warmer.rounds >= 1
    analyst = world.headers(Role.ANALYST, "district")
    liaison = world.headers(Role.DEPARTMENT_LIAISON, "district")
    for station in ("north", "middle", "south"):
        city.unit(f"E-{station}", UnitType.ENGINE, station)
    patrol = city.unit("E-patrol", UnitType.ENGINE, "middle")
    _move(client, liaison, patrol.id, LON + 0.03, 22.57, clock)
    city.unit("A-middle", UnitType.AMBULANCE, "middle")
    incident = city.incident(22.53, grade="III", units={"fire_engine": 2, "ambulance": 1})

    cold = _etas(client, analyst, incident)
    network = client.get("/geo/network", headers=analyst).json()
    assert network["kept_trees"] == 0
    assert network["tree_capacity"] > 0

    first = warmer.warm_once().warmth
    assert first.wanted == 4  # three stations and the unit on patrol
    assert (first.kept, first.searched, first.beyond_budget) == (4, 4, 0)
    network = client.get("/geo/network", headers=analyst).json()
    assert network["kept_trees"] == 4
    assert network["tree_bytes"] >= 4 * 4 * network["nodes"]
    warm = _etas(client, analyst, incident)
    assert warm.keys() == cold.keys()
    for call_sign, eta in cold.items():
        assert warm[call_sign] == pytest.approx(eta, abs=0.2), call_sign

    again = warmer.warm_once().warmth
    assert (again.searched, again.dropped) == (0, 0)  # nothing moved: nothing searched

    _move(client, liaison, patrol.id, LON - 0.03, 22.52, clock)
    moved = warmer.warm_once().warmth
    assert (moved.kept, moved.searched, moved.dropped) == (4, 1, 1)
    travel = platform.travel
    assert isinstance(travel, RoadTravelTimes)
    assert travel.kept_trees == 4
    after = _etas(client, analyst, incident)
    assert after["E-patrol"] != pytest.approx(warm["E-patrol"], abs=1.0)


def test_without_a_road_network_nothing_is_warmed(database_url: str) -> None:
    from lifeline.bootstrap import build_platform

    plain = build_platform(Settings(database_url=database_url, log_json=False))
    try:
        assert plain.tree_warmer is None
    finally:
        plain.close()
