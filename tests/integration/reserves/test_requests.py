"""Request → approve → commit → ship → receive over HTTP, with real sign-in and audit."""

from __future__ import annotations

from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.security.model import Role
from tests.integration.security.world import build_world

SITE = {"type": "Point", "coordinates": [114.06, 22.55]}


def test_a_request_travels_from_request_to_receipt(platform: Platform, client: TestClient) -> None:
    world = build_world(
        platform,
        client,
        roles=(Role.RESERVE_OFFICER, Role.COMMANDER),
        levels=("district", "sibling"),
    )
    officer = world.headers(Role.RESERVE_OFFICER, "district")
    commander = world.headers(Role.COMMANDER, "district")
    depot = client.post(
        "/reserves/depots",
        json={
            "name": "Futian hazmat depot",
            "organisation_id": world.org["district"],
            "level": "district",
            "location": {"type": "Point", "coordinates": [114.05, 22.54]},
            "capacity_volume_m3": 100,
            "capacity_weight_kg": 10_000,
        },
        headers=officer,
    ).json()
    lot = client.post(
        "/reserves/lots",
        json={"depot_id": depot["id"], "material_code": "0801001", "quantity": 10},
        headers=officer,
    ).json()
    made = client.post(
        "/reserves/requests",
        json={
            "organisation_id": world.org["district"],
            "incident_id": "CHEM-7",
            "destination": SITE,
            "lines": {"0801001": 6},
        },
        headers=officer,
    )
    assert made.status_code == 201, made.text
    rid = made.json()["id"]
    assert made.json()["status"] == "requested"
    # an officer may not approve; a commander may, once
    assert client.post(f"/reserves/requests/{rid}/approve", headers=officer).status_code == 403
    assert client.post(f"/reserves/requests/{rid}/ship", headers=officer).status_code == 409
    approved = client.post(f"/reserves/requests/{rid}/approve", headers=commander)
    assert approved.json()["status"] == "approved"
    assert client.post(f"/reserves/requests/{rid}/approve", headers=commander).status_code == 409
    committed = client.post(f"/reserves/requests/{rid}/commit", json={}, headers=commander)
    assert committed.status_code == 200, committed.text
    assert committed.json()["commitments"] == [
        {"lot_id": lot["id"], "depot_id": depot["id"], "material_code": "0801001", "quantity": 6}
    ]
    held = client.get(f"/reserves/lots/{lot['id']}", headers=officer).json()
    assert (held["reserved"], held["available"]) == (6, 4)
    grab = client.post(
        f"/reserves/lots/{lot['id']}/issue",
        json={"quantity": 5, "incident_id": "OTHER"},
        headers=officer,
    )
    assert grab.status_code == 409  # the committed six are not anyone else's
    shipped = client.post(f"/reserves/requests/{rid}/ship", headers=officer)
    assert shipped.json()["status"] == "shipped"
    after = client.get(f"/reserves/lots/{lot['id']}", headers=officer).json()
    assert (after["quantity"], after["reserved"]) == (4, 0)
    ledger = client.get(f"/reserves/lots/{lot['id']}/movements", headers=officer).json()
    assert ledger[-1]["kind"] == "issue"
    assert ledger[-1]["incident_id"] == "CHEM-7"
    received = client.post(
        f"/reserves/requests/{rid}/receive", json={"note": "signed by site lead"}, headers=officer
    )
    assert received.json()["status"] == "received"
    timeline = client.get(f"/reserves/requests/{rid}/timeline", headers=officer).json()
    assert [e["type"] for e in timeline] == ["MaterialRequested"] + ["RequestStatusChanged"] * 4
    assert [e["payload"].get("to_status") for e in timeline[1:]] == [
        "approved", "committed", "shipped", "received",
    ]  # fmt: skip
    sibling = world.headers(Role.COMMANDER, "sibling")
    assert client.get(f"/reserves/requests/{rid}", headers=sibling).status_code == 404
    assert client.get("/reserves/requests", headers=sibling).json() == []


def test_commit_refuses_shortfalls_and_cancel_frees_reserved_stock(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(
        platform, client, roles=(Role.RESERVE_OFFICER, Role.COMMANDER), levels=("district",)
    )
    officer = world.headers(Role.RESERVE_OFFICER, "district")
    commander = world.headers(Role.COMMANDER, "district")
    depot = client.post(
        "/reserves/depots",
        json={
            "name": "Futian depot",
            "organisation_id": world.org["district"],
            "level": "district",
            "location": {"type": "Point", "coordinates": [114.05, 22.54]},
            "capacity_volume_m3": 100,
            "capacity_weight_kg": 10_000,
        },
        headers=officer,
    ).json()
    lot = client.post(
        "/reserves/lots",
        json={"depot_id": depot["id"], "material_code": "0301001", "quantity": 30},
        headers=officer,
    ).json()

    def request(quantity: int) -> str:
        made = client.post(
            "/reserves/requests",
            json={
                "organisation_id": world.org["district"],
                "incident_id": "FLOOD-2",
                "destination": SITE,
                "lines": {"0301001": quantity},
            },
            headers=officer,
        )
        client.post(f"/reserves/requests/{made.json()['id']}/approve", headers=commander)
        return str(made.json()["id"])

    big = request(50)
    short = client.post(f"/reserves/requests/{big}/commit", json={}, headers=commander)
    assert short.status_code == 409
    assert "short of 0301001 × 20" in short.json()["detail"]
    assert client.get(f"/reserves/requests/{big}", headers=officer).json()["status"] == "approved"
    wrong = client.post(
        f"/reserves/requests/{request(10)}/commit",
        json={"commitments": {lot["id"]: 7}},
        headers=commander,
    )
    assert wrong.status_code == 422  # 7 does not cover the 10 requested
    small = request(10)
    client.post(
        f"/reserves/requests/{small}/commit",
        json={"commitments": {lot["id"]: 10}},
        headers=commander,
    )
    assert client.get(f"/reserves/lots/{lot['id']}", headers=officer).json()["available"] == 20
    cancelled = client.post(
        f"/reserves/requests/{small}/cancel", json={"reason": "water receded"}, headers=commander
    )
    assert cancelled.json()["status"] == "cancelled"
    assert client.get(f"/reserves/lots/{lot['id']}", headers=officer).json()["available"] == 30
    bad = client.post(
        "/reserves/requests",
        json={
            "organisation_id": world.org["district"],
            "incident_id": "X",
            "destination": SITE,
            "lines": {"0301001": 1.5},
        },
        headers=officer,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "lines[0].quantity"
