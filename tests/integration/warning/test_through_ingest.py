"""From a device's HTTP batch through monitoring's ingest to alarms: the rule evaluator is a
batch sink in the same transaction as the stored observations."""

from __future__ import annotations

import json

import sqlalchemy as sa
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel import eventlog
from lifeline.kernel.clock import VirtualClock
from lifeline.monitoring.formats import parse_rows
from lifeline.monitoring.messages import IngestObservations
from lifeline.monitoring.service import authenticate_device
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


def test_an_alarm_posted_over_http_is_in_the_live_stream_when_the_answer_arrives(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    net = build_network(platform, client)
    manager = net.manager("district")
    made = client.post(
        "/warning/rules",
        json={
            "organisation_id": net.world.org["district"],
            "definition": {
                "name": "Smoke",
                "hazard": "fire",
                "select": {"kind": "smoke"},
                "condition": {"type": "threshold", "levels": [{"level": "red", "raise_at": 2}]},
            },
        },
        headers=manager,
    )
    assert made.status_code == 201, made.text
    with platform.engine.connect() as conn:
        before = eventlog.last_seq(conn)
    smoke = net.streams[("a", "smoke")]
    resp = client.post(
        "/monitoring/Observations",
        json={"Datastream": {"@iot.id": smoke}, "phenomenonTime": clock.now().isoformat(),
              "result": 3.5},
        headers=net.device("a"),
    )  # fmt: skip
    assert resp.status_code == 201, resp.text
    # committed before the answer: the stream has it at once, with no batch timer to wait for
    with client.stream(
        "GET", f"/warning/stream?after={before}&max_events=1", headers=manager
    ) as live:
        body = "".join(live.iter_text())
    assert "event: AlarmRaised" in body
    assert f'"source_id": "{smoke}"' in body


def test_devices_stored_together_commit_once_and_each_alarm_is_logged_under_its_device(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    net = build_network(platform, client)
    district = net.world.org["district"]
    made = client.post(
        "/warning/rules",
        json={
            "organisation_id": district,
            "definition": {
                "name": "Smoke",
                "hazard": "fire",
                "select": {"kind": "smoke"},
                "condition": {"type": "threshold", "levels": [{"level": "red", "raise_at": 2}]},
            },
        },
        headers=net.manager(),
    )
    assert made.status_code == 201, made.text
    t = clock.now().timestamp()
    commands = []
    for name in ("a", "b", "c"):
        device = authenticate_device(platform.uow, net.keys[name])
        rows = parse_rows([
            {"datastream_id": net.streams[(name, "smoke")], "phenomenon_time": t, "result": 3.5}
        ])  # fmt: skip
        commands.append((IngestObservations(rows=rows, source="mqtt"), device))
    with platform.engine.connect() as conn:
        before = eventlog.last_seq(conn)
    results = platform.bus.handle_together(commands)
    assert [r.accepted for r in results] == [1, 1, 1]
    with platform.engine.connect() as conn:
        raised = conn.execute(
            sa.select(eventlog.event_log.c.actor_id, eventlog.event_log.c.payload)
            .where(eventlog.event_log.c.seq > before, eventlog.event_log.c.type == "AlarmRaised")
            .order_by(eventlog.event_log.c.seq)
        ).all()
        checked, broken = eventlog.verify(conn)  # one chain, appended actor by actor
    assert broken is None
    assert checked > before
    by_source = {json.loads(payload)["source_id"]: actor for actor, payload in raised}
    assert by_source == {
        net.streams[("a", "smoke")]: f"service:{net.things['a']}",
        net.streams[("b", "smoke")]: f"service:{net.things['b']}",
    }  # c is outside the district's rule
