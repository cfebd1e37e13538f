"""From a device's HTTP batch through monitoring's ingest to alarms: the rule evaluator is a
batch sink in the same transaction as the stored observations."""

from __future__ import annotations

from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.clock import VirtualClock
from tests.integration.monitoring.helpers import build_network


def test_device_observations_raise_threshold_and_composite_alarms(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    net = build_network(platform, client)
    manager = net.manager("district")
    district = net.world.org["district"]
    for definition in (
        {
            "name": "Smoke",
            "hazard": "fire",
            "select": {"kind": "smoke"},
            "condition": {"type": "threshold", "levels": [{"level": "yellow", "raise_at": 2}]},
        },
        {
            "name": "Smoke with heat on one detector",
            "hazard": "fire",
            "condition": {
                "type": "composite",
                "scope": "thing",
                "level": "red",
                "of": [
                    {"kind": "smoke", "type": "threshold", "raise_at": 2},
                    {"kind": "temperature", "type": "rate_of_change", "raise_at": 5},
                ],
            },
            "propose_incident_at": "red",
        },
    ):
        made = client.post(
            "/warning/rules",
            json={"organisation_id": district, "definition": definition},
            headers=manager,
        )
        assert made.status_code == 201, made.text
    t = clock.now().timestamp()
    smoke, temp = net.streams[("a", "smoke")], net.streams[("a", "temperature")]
    rows = [
        {"datastream_id": temp, "phenomenon_time": t - 120, "result": 22.0},
        {"datastream_id": temp, "phenomenon_time": t - 60, "result": 30.0},  # +8 °C/min
        {"datastream_id": smoke, "phenomenon_time": t - 30, "result": 3.5},
    ]
    resp = client.post(
        "/monitoring/observations:batch", json={"observations": rows}, headers=net.device("a")
    )
    assert resp.status_code == 200, resp.text
    assert resp.json()["accepted"] == 3
    alarms = client.get("/warning/alarms", headers=manager).json()["items"]
    by_title = {a["title"]: a for a in alarms}
    assert set(by_title) == {"Smoke", "Smoke with heat on one detector"}
    assert by_title["Smoke"]["source_id"] == smoke
    composite = by_title["Smoke with heat on one detector"]
    assert (composite["source_id"], composite["level"]) == (net.things["a"], "red")
    assert composite["incident_proposed"] is True
    # the other district's devices and managers see none of it
    assert client.get("/warning/alarms", headers=net.manager("sibling")).json()["total"] == 0
