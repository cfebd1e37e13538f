"""Alarm lifecycle over HTTP and the batch sink: composites, absence, silences, flapping,
escalation, handling, roll-up and the live stream."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.clock import VirtualClock
from lifeline.monitoring.batch import SensorKind
from lifeline.security.model import Role
from tests.integration.security.world import World, build_world
from tests.integration.warning.helpers import feed, stream


def _world(platform: Platform, client: TestClient) -> World:
    return build_world(
        platform,
        client,
        roles=(Role.PARK_MANAGER, Role.DUTY_OFFICER),
        levels=("city", "district", "park", "sibling"),
    )


def _rule(client: TestClient, world: World, definition: dict[str, Any]) -> dict[str, Any]:
    made = client.post(
        "/warning/rules",
        json={"organisation_id": world.org["park"], "definition": definition},
        headers=world.headers(Role.PARK_MANAGER, "park"),
    )
    assert made.status_code == 201, made.text
    rule: dict[str, Any] = made.json()
    return rule


def _alarms(client: TestClient, world: World, **params: Any) -> list[dict[str, Any]]:
    resp = client.get(
        "/warning/alarms", params=params, headers=world.headers(Role.DUTY_OFFICER, "city")
    )
    assert resp.status_code == 200, resp.text
    items: list[dict[str, Any]] = resp.json()["items"]
    return items


def _events(client: TestClient, world: World, alarm_id: str) -> list[dict[str, Any]]:
    timeline: list[dict[str, Any]] = client.get(
        f"/warning/alarms/{alarm_id}/timeline", headers=world.headers(Role.DUTY_OFFICER, "city")
    ).json()
    return timeline


SMOKE_AND_HEAT = {
    "name": "Smoke and temperature rise within 50 m",
    "hazard": "fire",
    "scale": "national",
    "condition": {
        "type": "composite",
        "op": "all",
        "scope": "radius",
        "within_m": 50,
        "level": "red",
        "of": [
            {"kind": "smoke", "type": "threshold", "raise_at": 5, "clear_below": 4},
            {"kind": "temperature", "type": "rate_of_change", "raise_at": 6, "clear_below": 1},
        ],
    },
}


def test_composite_within_a_radius_fires_only_for_nearby_sensors(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = _world(platform, client)
    _rule(client, world, SMOKE_AND_HEAT)
    park = world.org["park"]
    smoke = stream("smoke-a", park, SensorKind.SMOKE, "det-a", 114.0500, 22.5400)
    near = stream("temp-near", park, SensorKind.TEMPERATURE, "t-near", 114.0503, 22.5401)
    far = stream("temp-far", park, SensorKind.TEMPERATURE, "t-far", 114.0600, 22.5400)
    # heat rising far away (≈1 km) with smoke here: nothing
    feed(platform, smoke, [8.0, 8.0])
    feed(platform, far, [20.0, 21.0, 22.0], step_s=5)  # +12 °C/min
    assert _alarms(client, world) == []
    clock.advance(timedelta(seconds=30))
    feed(platform, near, [20.0, 21.0, 22.0], step_s=5)  # ≈30 m away
    alarms = _alarms(client, world)
    assert len(alarms) == 1
    alarm = alarms[0]
    assert (alarm["source_id"], alarm["level"]) == ("smoke-a", "red")
    assert alarm["evidence"]["active"]["temperature"] == ["temp-near"]
    # the smoke clears: so does the composite
    feed(platform, smoke, [1.0])
    assert _alarms(client, world, status="open") == []


def test_composite_on_one_thing_with_a_negated_leaf(platform: Platform, client: TestClient) -> None:
    world = _world(platform, client)
    _rule(
        client,
        world,
        {
            "name": "Gas without ventilation",
            "hazard": "gas_leak",
            "condition": {
                "type": "composite",
                "op": "all",
                "scope": "thing",
                "level": "orange",
                "of": [
                    {"kind": "combustible_gas", "type": "threshold", "raise_at": 20},
                    {"kind": "flow", "type": "threshold", "raise_at": 1, "not": True},
                ],
            },
        },
    )
    park = world.org["park"]
    gas = stream("gas-1", park, SensorKind.COMBUSTIBLE_GAS, "room-1")
    fan = stream("fan-1", park, SensorKind.FLOW, "room-1")
    feed(platform, fan, [5.0])
    feed(platform, gas, [25.0])
    assert _alarms(client, world) == []  # ventilation running
    feed(platform, fan, [0.0])
    alarms = _alarms(client, world)
    assert [(a["source_id"], a["level"]) for a in alarms] == [("room-1", "orange")]


def test_absence_silence_and_maintenance(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = _world(platform, client)
    rule = _rule(
        client,
        world,
        {
            "name": "Water-level gauge silent",
            "hazard": "sensor_offline",
            "select": {"kind": "water_level"},
            "condition": {"type": "absence", "after_s": 300, "level": "blue"},
        },
    )
    officer = world.headers(Role.DUTY_OFFICER, "park")
    gauge = stream("gauge-1", world.org["park"], SensorKind.WATER_LEVEL, "gauge")
    other = stream("gauge-2", world.org["park"], SensorKind.WATER_LEVEL, "gauge-b")
    feed(platform, [gauge, other], [1.2])
    silenced = client.post(
        "/warning/silences",
        json={
            "organisation_id": world.org["park"],
            "kind": "maintenance",
            "ends_at": (clock.now() + timedelta(hours=1)).isoformat(),
            "reason": "gauge-2 being recalibrated",
            "source_id": "gauge-2",
        },
        headers=officer,
    )
    assert silenced.status_code == 201, silenced.text
    clock.advance(timedelta(seconds=301))
    run = client.post("/warning/escalations/run", headers=officer)
    assert run.json()["absence_alarms"] == 1  # the other is under maintenance
    alarms = _alarms(client, world)
    assert [(a["source_id"], a["level"], a["rule_id"]) for a in alarms] == [
        ("gauge-1", "blue", rule["id"])
    ]
    # data again: the absence alarm clears
    feed(platform, gauge, [1.3])
    assert _alarms(client, world, status="open") == []
    ended = client.delete(f"/warning/silences/{silenced.json()['id']}", headers=officer)
    assert ended.json()["ended_at"] is not None
    bad = client.post(
        "/warning/silences",
        json={
            "organisation_id": world.org["park"],
            "ends_at": (clock.now() - timedelta(hours=1)).isoformat(),
            "reason": "x",
        },
        headers=officer,
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "ends_at"


FLAPPY = {
    "name": "Flappy smoke",
    "hazard": "fire",
    "select": {"kind": "smoke"},
    "condition": {"type": "threshold", "levels": [{"level": "yellow", "raise_at": 5}]},
    "flapping": {"max_changes": 4, "window_s": 600},
}


def test_flapping_alarm_holds_its_clear_until_quiet(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = _world(platform, client)
    _rule(client, world, FLAPPY)
    detector = stream("smoke-f", world.org["park"])
    for _ in range(4):
        feed(platform, detector, [6.0])
        clock.advance(timedelta(seconds=5))
        feed(platform, detector, [1.0])
        clock.advance(timedelta(seconds=5))
    alarms = _alarms(client, world)
    # the first alarm raised and cleared; the second's clear was the fourth change within the
    # window, so it flaps: it stays open and the later raises re-trigger it
    assert [a["status"] for a in alarms] == ["open", "cleared"]
    flapping = alarms[0]
    assert flapping["flapping"] is True
    assert flapping["retrigger_count"] == 2
    types = [e["type"] for e in _events(client, world, flapping["id"])]
    assert types.count("AlarmFlapping") == 1
    assert "AlarmCleared" not in types
    officer = world.headers(Role.DUTY_OFFICER, "park")
    clock.advance(timedelta(seconds=601))
    assert client.post("/warning/escalations/run", headers=officer).json()["flapping_cleared"] == 1
    one = client.get(f"/warning/alarms/{flapping['id']}", headers=officer).json()
    assert (one["status"], one["clear_reason"]) == ("cleared", "condition ended; flapping settled")


def test_escalation_steps_run_in_order_until_acknowledged(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = _world(platform, client)
    definition = {
        "name": "Gas leak",
        "hazard": "gas_leak",
        "incident_type": "accident.hazmat.gas",
        "select": {"kind": "combustible_gas"},
        "condition": {"type": "threshold", "levels": [{"level": "yellow", "raise_at": 20}]},
        "escalation": [
            {"type": "notify", "role": "duty_officer"},
            {"type": "wait", "seconds": 60},
            {"type": "repeat", "times": 1},
            {"type": "raise_level"},
            {"type": "open_incident"},
        ],
    }
    _rule(client, world, definition)
    officer = world.headers(Role.DUTY_OFFICER, "park")
    feed(platform, stream("gas-e", world.org["park"], SensorKind.COMBUSTIBLE_GAS), [30.0])
    alarm = _alarms(client, world)[0]
    assert client.post("/warning/escalations/run", headers=officer).json()["steps_run"] == 2
    assert client.post("/warning/escalations/run", headers=officer).json()["steps_run"] == 0
    clock.advance(timedelta(seconds=61))
    client.post("/warning/escalations/run", headers=officer)  # repeat → notify → wait
    clock.advance(timedelta(seconds=61))
    client.post("/warning/escalations/run", headers=officer)  # repeat spent → raise → incident
    events = _events(client, world, alarm["id"])
    steps = [(e["payload"]["step_type"], e["payload"]["level"]) for e in events
             if e["type"] == "AlarmEscalated"]  # fmt: skip
    assert steps == [
        ("notify", None),
        ("notify", None),
        ("raise_level", "orange"),
        ("open_incident", None),
    ]
    proposed = [e for e in events if e["type"] == "IncidentProposed"]
    assert proposed[0]["payload"]["incident_type"] == "accident.hazmat.gas"
    one = client.get(f"/warning/alarms/{alarm['id']}", headers=officer).json()
    assert (one["level"], one["next_step_at"]) == ("orange", None)

    # a second alarm is acknowledged at once: no escalation step runs for it
    feed(platform, stream("gas-f", world.org["park"], SensorKind.COMBUSTIBLE_GAS), [30.0])
    second = _alarms(client, world, source_id="gas-f")[0]
    acked = client.post(f"/warning/alarms/{second['id']}/acknowledge", headers=officer)
    assert acked.json()["acknowledged_by"].startswith("user:")
    assert client.post("/warning/escalations/run", headers=officer).json()["steps_run"] == 0


def test_handling_rollup_and_scope(platform: Platform, client: TestClient) -> None:
    world = _world(platform, client)
    _rule(client, world, {**FLAPPY, "name": "Smoke"})
    feed(platform, stream("smoke-r1", world.org["park"], thing_id="det-1"), [6.0])
    feed(platform, stream("smoke-r2", world.org["park"], thing_id="det-2"), [6.0])
    officer = world.headers(Role.DUTY_OFFICER, "park")
    alarm = _alarms(client, world, source_id="smoke-r1")[0]
    assigned = client.post(
        f"/warning/alarms/{alarm['id']}/assign", json={"assignee": "zhang.wei"}, headers=officer
    )
    assert assigned.json()["assigned_to"] == "zhang.wei"
    said = client.post(
        f"/warning/alarms/{alarm['id']}/comments", json={"text": "patrol sent"}, headers=officer
    )
    assert said.status_code == 201
    listed = client.get(f"/warning/alarms/{alarm['id']}/comments", headers=officer).json()
    assert [c["text"] for c in listed] == ["patrol sent"]
    client.post(f"/warning/alarms/{alarm['id']}/acknowledge", headers=officer)
    assert len(_alarms(client, world, acknowledged=False)) == 1

    city = world.headers(Role.DUTY_OFFICER, "city")
    nodes = client.get("/warning/rollup", headers=city).json()
    by_id = {n["id"]: n for n in nodes}
    for level in ("city", "district", "park"):
        node = by_id[world.org[level]]
        assert (node["open"], node["unacknowledged"], node["max_rank"]) == (2, 1, 2)
    assert by_id["det-1"]["parent_id"] == world.org["park"]
    assert by_id["smoke-r1"]["parent_id"] == "det-1"
    sibling = world.headers(Role.DUTY_OFFICER, "sibling")
    assert client.get("/warning/rollup", headers=sibling).json()[0]["open"] == 0
    refused = client.post(
        f"/warning/alarms/{alarm['id']}/resolve", json={"reason": "x"}, headers=sibling
    )
    assert refused.status_code == 404
    resolved = client.post(
        f"/warning/alarms/{alarm['id']}/resolve", json={"reason": "false alarm"}, headers=officer
    )
    assert resolved.json()["status"] == "cleared"
    again = client.post(f"/warning/alarms/{alarm['id']}/acknowledge", headers=officer)
    assert again.status_code == 409


def test_live_stream_sends_alarm_events_in_scope_only(
    platform: Platform, client: TestClient
) -> None:
    world = _world(platform, client)
    _rule(client, world, {**FLAPPY, "name": "Smoke"})
    feed(platform, stream("smoke-s1", world.org["park"]), [6.0])
    sibling_org = world.org["sibling"]
    client.post(
        "/warning/rules",
        json={"organisation_id": sibling_org, "definition": {**FLAPPY, "name": "Sibling"}},
        headers=world.headers(Role.PARK_MANAGER, "sibling"),
    )
    feed(platform, stream("smoke-x", sibling_org), [6.0])
    feed(platform, stream("smoke-s1", world.org["park"]), [1.0])
    frames: list[dict[str, Any]] = []
    with client.stream(
        "GET",
        "/warning/stream",
        params={"after": 0, "max_events": 2},
        headers=world.headers(Role.DUTY_OFFICER, "district"),
    ) as resp:
        assert resp.headers["content-type"].startswith("text/event-stream")
        for line in resp.iter_lines():
            if line.startswith("data: "):
                frames.append(json.loads(line[len("data: ") :]))
    assert [f["type"] for f in frames] == ["AlarmRaised", "AlarmCleared"]
    assert {f["organisation_id"] for f in frames} == {world.org["park"]}
