"""Allocation proposals from real stock: nearest depot first, lots nearest expiry first,
reserved and expired stock left alone, unmet demand reported."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.clock import VirtualClock
from lifeline.kernel.geo import Point
from lifeline.reserves import messages as m
from lifeline.reserves.model import DepotLevel
from lifeline.security.model import Role
from tests.integration.security.world import build_world


def test_allocation_plan_over_http(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = build_world(platform, client, roles=(Role.RESERVE_OFFICER,), levels=("district",))
    officer = world.headers(Role.RESERVE_OFFICER, "district")
    bus = platform.bus

    def depot(name: str, lat: float) -> str:
        made = bus.handle(
            m.CreateDepot(
                name=name,
                organisation_id=world.org["district"],
                level=DepotLevel.DISTRICT,
                location=Point(114.05, lat),
                capacity_volume_m3=1_000,
                capacity_weight_kg=1_000_000,
            ),
            SYSTEM_ACTOR,
        )
        return str(made.id)

    near, far = depot("near", 22.55), depot("far", 22.75)
    today = clock.now().date()

    def lot(depot_id: str, quantity: int, days: int) -> str:
        made = bus.handle(
            m.ReceiveStock(
                depot_id=depot_id,
                material_code="0301001",
                quantity=quantity,
                expires_on=today + timedelta(days=days),
            ),
            SYSTEM_ACTOR,
        )
        return str(made.id)

    fresh = lot(near, 10, 600)
    old = lot(near, 4, 30)
    held = lot(near, 50, 10)
    bus.handle(m.ReserveStock(lot_id=held, quantity=50, incident_id="OTHER"), SYSTEM_ACTOR)
    remote = lot(far, 20, 300)
    resp = client.post(
        "/reserves/allocation",
        json={
            "incidents": [
                {
                    "incident_id": "QUAKE-1",
                    "location": {"type": "Point", "coordinates": [114.05, 22.54]},
                    "needs": {"0301001": 20, "0101001": 2},
                }
            ],
            "speed_kmh": 40,
        },
        headers=officer,
    )
    assert resp.status_code == 200, resp.text
    plan = resp.json()
    sent = {s["lot_id"]: s["quantity"] for s in plan["shipments"]}
    # the near depot's usable stock first (old lot nearest expiry included), then the far one;
    # the fully reserved lot is untouched
    assert sent == {old: 4, fresh: 10, remote: 6}
    assert plan["unmet"] == [{"incident_id": "QUAKE-1", "material_code": "0101001", "quantity": 2}]
    bad = client.post(
        "/reserves/allocation",
        json={
            "incidents": [
                {
                    "incident_id": "X",
                    "location": {"type": "Point", "coordinates": [114.05, 22.54]},
                    "needs": {"0101001": 1.5},
                }
            ]
        },
        headers=officer,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "incidents[0].needs.0101001"
