"""Recommendation for one incident and dispatch plans for competing incidents, over HTTP; the
incident view is kept from the incidents' and plans' events."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.dispatch.model import UnitType
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.geo import Point
from lifeline.kernel.ids import new_id
from lifeline.plans.events import PlanActivated, PlanStoodDown, RequiredUnits, ResponseLevelRaised
from lifeline.reserves import messages as rm
from lifeline.reserves.model import DepotLevel
from lifeline.security.model import Role
from tests.integration.dispatch.city import City
from tests.integration.security.world import World, build_world


@pytest.fixture
def world(platform: Platform, client: TestClient) -> World:
    return build_world(
        platform, client, roles=(Role.COMMANDER, Role.ANALYST), levels=("district", "sibling")
    )


@pytest.fixture
def city(platform: Platform, world: World) -> City:
    city = City(platform, world.org["district"])
    for name, lat in (("north", 22.60), ("middle", 22.55), ("south", 22.50)):
        city.station(name, lat)
    return city


def test_incident_view_follows_the_events(client: TestClient, world: World, city: City) -> None:
    commander = world.headers(Role.COMMANDER, "district")
    incident = city.incident(22.55, grade="II", units={"fire_engine": 2, "ambulance": 1},
                             materials={"0301001": 20})  # fmt: skip
    views = client.get("/dispatch/incidents", headers=commander).json()
    assert [v["id"] for v in views] == [incident]
    view = views[0]
    assert view["grade"] == "II"
    assert view["required_units"] == {"fire_engine": 2, "ambulance": 1}
    assert view["required_materials"] == {"0301001": 20.0}
    assert view["run_cards"][0]["plan_code"] == "warehouse-fire"
    other = world.headers(Role.COMMANDER, "sibling")
    assert client.get("/dispatch/incidents", headers=other).json() == []
    city.close(incident)
    assert client.get("/dispatch/incidents", headers=commander).json() == []
    closed = client.get("/dispatch/incidents?include_closed=true", headers=commander).json()
    assert closed[0]["status"] == "closed"


def test_recommendation_ranks_by_eta_and_fills_the_run_card(
    client: TestClient, world: World, city: City
) -> None:
    near = city.unit("E-middle", UnitType.ENGINE, "middle")
    second = city.unit("E-middle-2", UnitType.ENGINE, "middle")
    far = city.unit("E-north", UnitType.ENGINE, "north")
    amb = city.unit("A-south", UnitType.AMBULANCE, "south")
    city.unit("L-north", UnitType.LADDER, "north")
    incident = city.incident(22.552, grade="III", units={"fire_engine": 2, "ambulance": 1,
                                                          "hazmat": 1})  # fmt: skip
    analyst = world.headers(Role.ANALYST, "district")
    resp = client.get(f"/dispatch/incidents/{incident}/recommendation", headers=analyst)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["from_run_card"] is True
    assert "great-circle" in body["travel_basis"]
    selected = {u["unit"]["call_sign"] for u in body["units"] if u["selected"]}
    assert selected == {"E-middle", "E-middle-2", "A-south"}
    assert body["shortfall"] == {"hazmat": 1}
    ranked = [u["unit"]["id"] for u in body["units"]]
    assert set(ranked) == {near.id, second.id, far.id, amb.id}  # the ladder is not asked for
    etas = {u["unit"]["call_sign"]: u["eta_s"] for u in body["units"]}
    assert 0 < etas["E-middle"] < etas["E-north"]
    # the sole ambulance leaves its station uncovered: its coverage loss is shown
    loss = {u["unit"]["call_sign"]: u["coverage_loss_s"] for u in body["units"]}
    assert loss["A-south"] > 0
    override = client.get(
        f"/dispatch/incidents/{incident}/recommendation?need=ladder", headers=analyst
    ).json()
    assert [u["unit"]["call_sign"] for u in override["units"] if u["selected"]] == ["L-north"]
    assert override["from_run_card"] is False
    bad = client.get(f"/dispatch/incidents/{incident}/recommendation?need=tank:2", headers=analyst)
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "query.need[0]"
    missing = client.get("/dispatch/incidents/nope/recommendation", headers=analyst)
    assert missing.status_code == 404
    other = world.headers(Role.ANALYST, "sibling")
    hidden = client.get(f"/dispatch/incidents/{incident}/recommendation", headers=other)
    assert hidden.status_code == 404


def test_coverage_penalty_keeps_the_lone_station_covered(
    client: TestClient, world: World, city: City
) -> None:
    """Two engines almost equally near: the one whose station has a second engine is sent."""
    city.unit("E-middle", UnitType.ENGINE, "middle")
    city.unit("E-south", UnitType.ENGINE, "south")
    city.unit("E-south-2", UnitType.ENGINE, "south")
    incident = city.incident(22.5251, units={"fire_engine": 1})  # a hair nearer the middle station
    analyst = world.headers(Role.ANALYST, "district")
    url = f"/dispatch/incidents/{incident}/recommendation"
    plain = client.get(url + "?coverage_weight=0", headers=analyst).json()
    assert [u["unit"]["call_sign"] for u in plain["units"] if u["selected"]] == ["E-middle"]
    weighed = client.get(url, headers=analyst).json()
    assert [u["unit"]["station_id"] for u in weighed["units"] if u["selected"]] == [
        city.stations["south"].id
    ]


def test_plan_propose_approve_dispatches_and_conflicts(
    platform: Platform, client: TestClient, world: World, city: City
) -> None:
    e1 = city.unit("E1", UnitType.ENGINE, "middle")
    city.unit("E2", UnitType.ENGINE, "north")
    city.unit("E3", UnitType.ENGINE, "south")
    # a grave fire and a minor one compete for the middle engine
    grave = city.incident(22.56, grade="I", units={"fire_engine": 2})
    minor = city.incident(22.54, grade="IV", units={"fire_engine": 1})
    commander = world.headers(Role.COMMANDER, "district")
    resp = client.post(
        "/dispatch/plans",
        json={"organisation_id": world.org["district"], "incident_ids": [grave, minor]},
        headers=commander,
    )
    assert resp.status_code == 201, resp.text
    plan = resp.json()
    assert plan["status"] == "proposed"
    assert plan["method"] == "optimal"
    by_incident: dict[str, set[str]] = {}
    for a in plan["assignments"]:
        by_incident.setdefault(a["incident_id"], set()).add(a["unit_id"])
    assert len(by_incident[grave]) == 2
    assert e1.id in by_incident[grave]
    assert len(by_incident[minor]) == 1
    assert plan["objective_s"] <= plan["greedy_objective_s"]
    # nothing is dispatched until approved
    assert client.get(f"/dispatch/units/{e1.id}", headers=commander).json()["status"] == (
        "available"
    )
    resp = client.post(f"/dispatch/plans/{plan['id']}/approve", json={}, headers=commander)
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "approved"
    units = client.get("/dispatch/units", headers=commander).json()["items"]
    assert {u["status"] for u in units} == {"dispatched"}
    assert {u["incident_id"] for u in units} == {grave, minor}
    again = client.post(f"/dispatch/plans/{plan['id']}/approve", json={}, headers=commander)
    assert again.status_code == 409
    # a second plan proposing the same (now busy) units finds none free
    resp = client.post(
        "/dispatch/plans",
        json={"organisation_id": world.org["district"], "incident_ids": [minor]},
        headers=commander,
    )
    assert resp.json()["assignments"] == []
    assert resp.json()["shortfalls"] == [
        {"incident_id": minor, "unit_type": "fire_engine", "missing": 1}
    ]
    with platform.uow() as uow:
        orders = [e for e in uow.timeline("unit", e1.id) if e.type == "UnitDispatched"]
    assert orders[0].payload["plan_id"] == plan["id"]


def test_stale_plan_approval_is_refused_whole(client: TestClient, world: World, city: City) -> None:
    e1 = city.unit("E1", UnitType.ENGINE, "middle")
    e2 = city.unit("E2", UnitType.ENGINE, "north")
    incident = city.incident(22.56, grade="II", units={"fire_engine": 2})
    commander = world.headers(Role.COMMANDER, "district")
    plan = client.post(
        "/dispatch/plans",
        json={"organisation_id": world.org["district"], "incident_ids": [incident]},
        headers=commander,
    ).json()
    other = city.incident(22.60, units={"fire_engine": 1})
    taken = client.post(
        f"/dispatch/units/{e2.id}/dispatch", json={"incident_id": other}, headers=commander
    )
    assert taken.status_code == 200
    resp = client.post(f"/dispatch/plans/{plan['id']}/approve", json={}, headers=commander)
    assert resp.status_code == 409
    # all or nothing: E1 was not sent either, and the plan is still open for an edit
    assert client.get(f"/dispatch/units/{e1.id}", headers=commander).json()["status"] == (
        "available"
    )
    edited = client.post(
        f"/dispatch/plans/{plan['id']}/approve",
        json={"assignments": [{"unit_id": e1.id, "incident_id": incident}], "note": "E2 busy"},
        headers=commander,
    )
    assert edited.status_code == 200, edited.text
    assert [a["unit_id"] for a in edited.json()["assignments"]] == [e1.id]
    assert edited.json()["note"] == "E2 busy"


def test_plan_bad_input_and_rights(client: TestClient, world: World, city: City) -> None:
    city.unit("E1", UnitType.ENGINE, "middle")
    no_card = city.incident(22.56)
    carded = city.incident(22.55, units={"fire_engine": 1})
    commander = world.headers(Role.COMMANDER, "district")
    org = world.org["district"]
    cases = [
        ({"organisation_id": org, "incident_ids": [no_card]}, "incident_ids[0]"),
        ({"organisation_id": org, "incident_ids": ["nope"]}, "incident_ids[0]"),
        ({"organisation_id": org, "incident_ids": [carded, carded]}, "incident_ids"),
        ({"organisation_id": org, "incident_ids": []}, "incident_ids"),
        ({"organisation_id": org, "incident_ids": [carded], "method": "random"}, "method"),
        ({"organisation_id": "nope", "incident_ids": [carded]}, "organisation_id"),
    ]
    for body, field in cases:
        resp = client.post("/dispatch/plans", json=body, headers=commander)
        assert resp.status_code == 422, (body, resp.text)
        assert resp.json()["errors"][0]["field"] == field
    analyst = world.headers(Role.ANALYST, "district")
    resp = client.post(
        "/dispatch/plans", json={"organisation_id": org, "incident_ids": [carded]},
        headers=analyst,
    )  # fmt: skip
    assert resp.status_code == 403
    plan = client.post(
        "/dispatch/plans", json={"organisation_id": org, "incident_ids": [carded]},
        headers=commander,
    ).json()  # fmt: skip
    resp = client.post(
        f"/dispatch/plans/{plan['id']}/approve",
        json={"assignments": [{"unit_id": "ghost", "incident_id": carded}]},
        headers=commander,
    )
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "assignments[0].unit_id"
    rejected = client.post(f"/dispatch/plans/{plan['id']}/reject", json={"note": "no"},
                           headers=commander)  # fmt: skip
    assert rejected.json()["status"] == "rejected"
    assert client.get(f"/dispatch/plans/{plan['id']}", headers=commander).json()["note"] == "no"
    assert client.get("/dispatch/plans", headers=commander).json()["total"] == 1
    other = world.headers(Role.COMMANDER, "sibling")
    assert client.get(f"/dispatch/plans/{plan['id']}", headers=other).status_code == 404


def test_plan_carries_materials_from_the_reserves(
    platform: Platform, client: TestClient, world: World, city: City
) -> None:
    city.unit("E1", UnitType.ENGINE, "middle")
    depot = platform.bus.handle(
        rm.CreateDepot(
            name="福田储备库", organisation_id=world.org["district"], level=DepotLevel.DISTRICT,
            location=Point(114.05, 22.53), capacity_volume_m3=1_000,
            capacity_weight_kg=1_000_000,
        ),
        SYSTEM_ACTOR,
    )  # fmt: skip
    platform.bus.handle(
        rm.ReceiveStock(depot_id=depot.id, material_code="0301001", quantity=15), SYSTEM_ACTOR
    )
    incident = city.incident(22.55, units={"fire_engine": 1}, materials={"0301001": 20})
    commander = world.headers(Role.COMMANDER, "district")
    plan = client.post(
        "/dispatch/plans",
        json={"organisation_id": world.org["district"], "incident_ids": [incident]},
        headers=commander,
    ).json()
    assert [(s["depot_id"], s["quantity"]) for s in plan["materials"]] == [(depot.id, 15.0)]
    assert plan["unmet_materials"] == [
        {"incident_id": incident, "material_code": "0301001", "quantity": 5.0}
    ]


def test_run_card_follows_level_raises_and_stand_downs(
    platform: Platform, client: TestClient, world: World, city: City
) -> None:
    incident = city.incident(22.55, grade="III")
    activation = new_id()
    city.publish(
        PlanActivated(
            aggregate_id=activation, plan_code="urban-fire", plan_version=1, level="IV",
            automatic=True, required_units=(RequiredUnits(unit_type="fire_engine", count=1),),
            organisation_id=city.org,
            plan_id="p",
            incident_id=incident,
        ),
    )  # fmt: skip
    commander = world.headers(Role.COMMANDER, "district")

    def card() -> dict[str, int]:
        views = client.get("/dispatch/incidents", headers=commander).json()
        return dict(views[0]["required_units"])

    assert card() == {"fire_engine": 1}
    city.publish(
        ResponseLevelRaised(
            aggregate_id=activation, plan_code="urban-fire", previous_level="IV", level="II",
            required_units=(RequiredUnits(unit_type="fire_engine", count=4),
                            RequiredUnits(unit_type="ladder", count=1)),
            organisation_id=city.org,
            plan_id="p",
            incident_id=incident,
        ),
    )  # fmt: skip
    assert card() == {"fire_engine": 4, "ladder": 1}
    city.publish(
        PlanStoodDown(
            aggregate_id=activation,
            organisation_id=city.org,
            plan_id="p",
            incident_id=incident,
            reason="out",
            cancelled_tasks=0,
        )
    )
    assert card() == {}
