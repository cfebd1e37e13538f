"""Anomaly rules: a detected anomaly on a selected datastream opens an alarm with the usual
lifecycle (one open alarm per (rule, source), re-trigger counts, clear after quiet)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.clock import VirtualClock
from lifeline.monitoring.batch import SensorKind
from lifeline.security.model import Role
from tests.integration.security.world import World, build_world
from tests.integration.warning.helpers import feed, stream

ANOMALY_RULE: dict[str, Any] = {
    "name": "Pipeline pressure anomaly",
    "hazard": "gas_leak",
    "incident_type": "accident.hazmat.gas",
    "select": {"kind": "pipeline_pressure"},
    "condition": {
        "type": "anomaly",
        "levels": [{"level": "yellow", "score_at": 5}, {"level": "red", "score_at": 1e6}],
        "reasons": ["spike", "shift_down"],
        "clear_after_s": 300,
    },
}


def _world(platform: Platform, client: TestClient) -> World:
    world = build_world(
        platform, client, roles=(Role.PARK_MANAGER, Role.DUTY_OFFICER), levels=("park", "sibling")
    )
    made = client.post(
        "/warning/rules",
        json={"organisation_id": world.org["park"], "definition": ANOMALY_RULE},
        headers=world.headers(Role.PARK_MANAGER, "park"),
    )
    assert made.status_code == 201, made.text
    return world


def _steady(n: int, seed: int) -> list[float]:
    rng = np.random.default_rng(seed)
    return [float(v) for v in 0.40 + rng.normal(0, 0.002, n)]


def test_a_detected_anomaly_raises_retriggers_and_clears_after_quiet(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = _world(platform, client)
    officer = world.headers(Role.DUTY_OFFICER, "park")
    pipe = stream("pipe-a1", world.org["park"], SensorKind.PIPELINE_PRESSURE)
    other = stream("smoke-a1", world.org["park"], SensorKind.SMOKE)  # not selected by kind

    feed(platform, [pipe, other], [*_steady(300, 1), 0.25], step_s=60.0)
    alarms = client.get("/warning/alarms", headers=officer).json()["items"]
    assert [(a["source_id"], a["level"], a["status"]) for a in alarms] == [
        ("pipe-a1", "yellow", "open")
    ]
    alarm = alarms[0]
    assert alarm["evidence"]["reason"] == "spike"
    assert alarm["evidence"]["score"] >= 5
    assert alarm["rule_snapshot"]["condition"]["type"] == "anomaly"

    # another anomaly after the detector's cooldown: the same alarm re-triggered, not a second
    clock.advance(timedelta(seconds=60))
    after_first = alarm["evidence"]["at_s"] + 3600.0
    feed(platform, pipe, [*_steady(60, 2), 0.25], t0_s=after_first, step_s=60.0)
    alarms = client.get("/warning/alarms", headers=officer).json()["items"]
    assert len(alarms) == 1
    assert alarms[0]["id"] == alarm["id"]
    assert alarms[0]["retrigger_count"] == 1

    # quiet for less than clear_after_s: still open; past it: cleared by the escalation run
    clock.advance(timedelta(seconds=200))
    run = client.post("/warning/escalations/run", headers=officer).json()
    assert run["anomaly_cleared"] == 0
    clock.advance(timedelta(seconds=120))
    run = client.post("/warning/escalations/run", headers=officer).json()
    assert run["anomaly_cleared"] == 1
    one = client.get(f"/warning/alarms/{alarm['id']}", headers=officer).json()
    assert (one["status"], one["clear_reason"]) == ("cleared", "condition ended")
    timeline = client.get(f"/warning/alarms/{alarm['id']}/timeline", headers=officer).json()
    assert [e["type"] for e in timeline] == ["AlarmRaised", "AlarmRetriggered", "AlarmCleared"]
    # the sibling district's streams are outside the rule's organisation
    sibling = world.headers(Role.DUTY_OFFICER, "sibling")
    assert client.get("/warning/alarms", headers=sibling).json()["total"] == 0


def test_an_anomaly_outside_the_rule_raises_nothing(platform: Platform, client: TestClient) -> None:
    world = _world(platform, client)
    outside = stream("pipe-s1", world.org["sibling"], SensorKind.PIPELINE_PRESSURE)
    feed(platform, outside, [*_steady(300, 3), 0.25], step_s=60.0)
    with platform.uow(read_only=True) as uow:
        detected = uow.timeline("datastream", "pipe-s1")
    assert [e.type for e in detected] == ["AnomalyDetected"]  # detected, but no rule there
    manager = world.headers(Role.DUTY_OFFICER, "sibling")
    assert client.get("/warning/alarms", headers=manager).json()["total"] == 0
