"""Rules through the HTTP API, observations through the batch sink, alarms back over HTTP."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.clock import VirtualClock
from lifeline.security.model import Role
from tests.integration.security.world import build_world
from tests.integration.warning.helpers import feed, stream

SMOKE_RULE = {
    "name": "Warehouse smoke",
    "hazard": "fire",
    "incident_type": "accident.fire.building",
    "scale": "national",
    "select": {"kind": "smoke"},
    "condition": {
        "type": "threshold",
        "levels": [
            {"level": "yellow", "raise_at": 5, "clear_below": 4},
            {"level": "red", "raise_at": 10, "clear_below": 8},
        ],
    },
    "propose_incident_at": "red",
}


def test_threshold_rule_raises_upgrades_and_clears_an_alarm(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = build_world(
        platform, client, roles=(Role.PARK_MANAGER, Role.DUTY_OFFICER), levels=("park", "sibling")
    )
    manager = world.headers(Role.PARK_MANAGER, "park")
    made = client.post(
        "/warning/rules",
        json={"organisation_id": world.org["park"], "definition": SMOKE_RULE},
        headers=manager,
    )
    assert made.status_code == 201, made.text
    rule = made.json()
    assert rule["version"] == 1
    detector = stream("smoke-1", world.org["park"])

    feed(platform, detector, [1.0, 2.0, 6.0, 6.5])
    alarms = client.get("/warning/alarms", headers=manager).json()
    assert alarms["total"] == 1
    alarm = alarms["items"][0]
    assert (alarm["level"], alarm["rank"], alarm["status"]) == ("yellow", 2, "open")
    assert alarm["rule_version"] == 1
    assert alarm["rule_snapshot"]["name"] == "Warehouse smoke"
    assert alarm["evidence"]["value"] == 6.0

    clock.advance(timedelta(seconds=10))
    feed(platform, detector, [12.0, 9.0])  # up to red; 9 is above red's clear (8)
    one = client.get(f"/warning/alarms/{alarm['id']}", headers=manager).json()
    assert (one["level"], one["max_rank"], one["incident_proposed"]) == ("red", 4, True)

    clock.advance(timedelta(seconds=10))
    feed(platform, detector, [7.0, 3.0])
    one = client.get(f"/warning/alarms/{alarm['id']}", headers=manager).json()
    assert one["status"] == "cleared"
    assert one["clear_reason"] == "condition ended"
    timeline = client.get(f"/warning/alarms/{alarm['id']}/timeline", headers=manager).json()
    assert [e["type"] for e in timeline] == [
        "AlarmRaised",
        "AlarmLevelChanged",
        "IncidentProposed",
        "AlarmLevelChanged",
        "AlarmCleared",
    ]
    # the sibling district sees none of it
    sibling = world.headers(Role.DUTY_OFFICER, "sibling")
    assert client.get("/warning/alarms", headers=sibling).json()["total"] == 0
    assert client.get(f"/warning/alarms/{alarm['id']}", headers=sibling).status_code == 404


def test_rule_versions_are_kept_and_alarms_keep_the_version_that_fired(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(platform, client, roles=(Role.PARK_MANAGER,), levels=("park",))
    manager = world.headers(Role.PARK_MANAGER, "park")
    rule = client.post(
        "/warning/rules",
        json={"organisation_id": world.org["park"], "definition": SMOKE_RULE},
        headers=manager,
    ).json()
    stricter = {**SMOKE_RULE, "name": "Warehouse smoke v2"}
    stricter["condition"] = {
        "type": "threshold",
        "levels": [{"level": "orange", "raise_at": 3, "clear_below": 2}],
    }
    revised = client.put(
        f"/warning/rules/{rule['id']}",
        json={"definition": stricter, "note": "lower threshold"},
        headers=manager,
    )
    assert revised.status_code == 200, revised.text
    assert revised.json()["version"] == 2
    versions = client.get(f"/warning/rules/{rule['id']}/versions", headers=manager).json()
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["definition"]["name"] == "Warehouse smoke"
    feed(platform, stream("smoke-9", world.org["park"]), [4.0])
    alarm = client.get("/warning/alarms", headers=manager).json()["items"][0]
    assert (alarm["rule_version"], alarm["level"]) == (2, "orange")
    assert alarm["rule_snapshot"]["name"] == "Warehouse smoke v2"


def test_bad_rule_answers_problem_json_naming_each_field(
    platform: Platform, client: TestClient
) -> None:
    world = build_world(
        platform, client, roles=(Role.PARK_MANAGER, Role.DUTY_OFFICER), levels=("park",)
    )
    manager = world.headers(Role.PARK_MANAGER, "park")
    bad = {
        **SMOKE_RULE,
        "scale": "national",
        "condition": {
            "type": "threshold",
            "levels": [{"level": "purple", "raise_at": 5, "clear_below": 9}],
        },
    }
    resp = client.post(
        "/warning/rules",
        json={"organisation_id": world.org["park"], "definition": bad},
        headers=manager,
    )
    assert resp.status_code == 422
    assert resp.headers["content-type"].startswith("application/problem+json")
    fields = {e["field"] for e in resp.json()["errors"]}
    assert {
        "definition.condition.levels[0].level",
        "definition.condition.levels[0].clear_below",
    } <= fields
    assert client.get("/warning/rules", headers=manager).json()["total"] == 0
    officer = world.headers(Role.DUTY_OFFICER, "park")
    refused = client.post(
        "/warning/rules",
        json={"organisation_id": world.org["park"], "definition": SMOKE_RULE},
        headers=officer,
    )
    assert refused.status_code == 403
