"""The reserves API over HTTP with real sign-in: scope, roles, problem+json, reports, siting."""

from __future__ import annotations

from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.security.model import Role
from tests.integration.security.world import build_world

POINT = {"type": "Point", "coordinates": [114.05, 22.54]}


def _depot_body(organisation_id: str, name: str = "Futian central depot") -> dict[str, object]:
    return {
        "name": name,
        "organisation_id": organisation_id,
        "level": "district",
        "location": POINT,
        "capacity_volume_m3": 500,
        "capacity_weight_kg": 100_000,
        "operator": "Futian emergency bureau",
    }


def test_officer_runs_a_depot_and_other_districts_cannot_see_it(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(
        platform,
        client,
        roles=(Role.RESERVE_OFFICER, Role.ANALYST, Role.COMMANDER),
        levels=("city", "district", "sibling"),
    )
    officer = world.headers(Role.RESERVE_OFFICER, "district")
    made = client.post("/reserves/depots", json=_depot_body(world.org["district"]), headers=officer)
    assert made.status_code == 201, made.text
    depot = made.json()
    assert depot["location"] == POINT
    lot = client.post(
        "/reserves/lots",
        json={"depot_id": depot["id"], "material_code": "0801001", "quantity": 12},
        headers=officer,
    )
    assert lot.status_code == 201, lot.text
    lot_id = lot.json()["id"]
    issued = client.post(
        f"/reserves/lots/{lot_id}/issue",
        json={"quantity": 5, "incident_id": "HAZMAT-1"},
        headers=officer,
    )
    assert issued.json()["quantity"] == 7
    ledger = client.get(f"/reserves/lots/{lot_id}/movements", headers=officer).json()
    assert [(mv["kind"], mv["delta"]) for mv in ledger] == [("receive", 12), ("issue", -5)]
    # the sibling district's officer sees neither the depot nor the lot
    sibling = world.headers(Role.RESERVE_OFFICER, "sibling")
    assert client.get(f"/reserves/depots/{depot['id']}", headers=sibling).status_code == 404
    assert client.get(f"/reserves/lots/{lot_id}", headers=sibling).status_code == 404
    assert client.get("/reserves/depots", headers=sibling).json()["total"] == 0
    # the city analyst sees it but may not move stock; a commander may reserve but not issue
    analyst = world.headers(Role.ANALYST, "city")
    assert client.get("/reserves/depots", headers=analyst).json()["total"] == 1
    refused = client.post(
        f"/reserves/lots/{lot_id}/issue",
        json={"quantity": 1, "incident_id": "X"},
        headers=analyst,
    )
    assert refused.status_code == 403
    commander = world.headers(Role.COMMANDER, "city")
    held = client.post(
        f"/reserves/lots/{lot_id}/reserve",
        json={"quantity": 3, "incident_id": "HAZMAT-1"},
        headers=commander,
    )
    assert held.json()["available"] == 4


def test_bad_input_answers_problem_json_naming_the_field(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(platform, client, roles=(Role.RESERVE_OFFICER,), levels=("district",))
    officer = world.headers(Role.RESERVE_OFFICER, "district")
    depot = client.post(
        "/reserves/depots", json=_depot_body(world.org["district"]), headers=officer
    ).json()
    fractional = client.post(
        "/reserves/lots",
        json={"depot_id": depot["id"], "material_code": "0101001", "quantity": 2.5},
        headers=officer,
    )
    assert fractional.status_code == 422
    assert fractional.headers["content-type"] == "application/problem+json"
    assert fractional.json()["errors"][0]["field"] == "quantity"
    unknown = client.post(
        "/reserves/lots",
        json={"depot_id": depot["id"], "material_code": "0000000", "quantity": 1},
        headers=officer,
    )
    assert unknown.json()["errors"][0]["field"] == "material_code"
    lot = client.post(
        "/reserves/lots",
        json={"depot_id": depot["id"], "material_code": "0101001", "quantity": 3},
        headers=officer,
    ).json()
    overdraw = client.post(
        f"/reserves/lots/{lot['id']}/transfer",
        json={"quantity": 4, "to_depot_id": depot["id"]},
        headers=officer,
    )
    assert overdraw.status_code == 422  # the lot's own depot
    too_much = client.post(
        f"/reserves/lots/{lot['id']}/issue",
        json={"quantity": 4, "incident_id": "I-1"},
        headers=officer,
    )
    assert too_much.status_code == 409
    assert "only 3 available" in too_much.json()["detail"]
    extra = client.post(
        "/reserves/depots", json={**_depot_body(world.org["district"]), "x": 1}, headers=officer
    )
    assert extra.status_code == 422


def test_gap_report_alarms_and_siting_over_http(platform: Platform, client: TestClient) -> None:
    world = build_world(platform, client, roles=(Role.RESERVE_OFFICER,), levels=("district",))
    officer = world.headers(Role.RESERVE_OFFICER, "district")
    depot = client.post(
        "/reserves/depots", json=_depot_body(world.org["district"]), headers=officer
    ).json()
    client.post(
        "/reserves/lots",
        json={"depot_id": depot["id"], "material_code": "0301001", "quantity": 40},
        headers=officer,
    )
    standard = client.post(
        "/reserves/standards",
        json={
            "name": "Futian medical standard",
            "organisation_id": world.org["district"],
            "area_name": "Futian",
            "center": POINT,
            "population": 50_000,
            "hazard": "seismic",
            "lines": [{"material_code": "0301001", "per_1000_residents": 2}],
        },
        headers=officer,
    )
    assert standard.status_code == 201, standard.text
    report = client.get(
        f"/reserves/standards/{standard.json()['id']}/gaps?within_min=20&speed_kmh=40",
        headers=officer,
    ).json()
    line = report["lines"][0]
    assert (line["required"], line["on_hand"], line["shortage_on_hand"]) == (100, 40, 60)
    alarms = client.get("/reserves/alarms/expiry?within_days=800", headers=officer).json()
    assert [a["severity"] for a in alarms] == ["warning"]  # first-aid kits: 730-day shelf life
    sited = client.post(
        "/reserves/siting",
        json={
            "model": "p-median",
            "p": 1,
            "demand": [
                {"lon": 114.05, "lat": 22.54, "weight": 10},
                {"lon": 114.05, "lat": 22.64, "weight": 10},
                {"lon": 114.05, "lat": 22.59, "weight": 10},
            ],
            "candidates": [
                {"lon": 114.05, "lat": 22.54, "name": "south"},
                {"lon": 114.05, "lat": 22.59, "name": "middle"},
            ],
        },
        headers=officer,
    )
    assert sited.status_code == 200, sited.text
    geo = sited.json()
    assert geo["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in geo["features"]] == ["middle"]
    assert geo["properties"]["gap"] < 1e-6
    materials = client.get("/reserves/materials", headers=officer).json()
    assert any(x["code"] == "0801001" and x["countable"] for x in materials)
