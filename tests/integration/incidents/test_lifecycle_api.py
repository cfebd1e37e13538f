"""Grading, the commander's override, lifecycle steps, situation reports, event groups and the
timeline over HTTP; alarms proposing incidents through the bus."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.clock import VirtualClock
from lifeline.plans.events import PlanActivated
from lifeline.security.model import Role
from lifeline.warning.events import IncidentProposed
from tests.integration.incidents.helpers import (
    AT_SEA,
    FUTIAN,
    PARK,
    call_body,
    incident_world,
    relogin,
)

ROLES = (Role.DUTY_OFFICER, Role.COMMANDER)


def test_facts_regrade_and_a_commander_overrides_with_a_justification(
    platform: Platform, client: TestClient
) -> None:
    world = incident_world(platform, client, roles=ROLES)
    officer = world.headers(Role.DUTY_OFFICER, "city")
    commander = world.headers(Role.COMMANDER, "city")
    made = client.post(
        "/incidents/calls", json=call_body(FUTIAN, "accident.hazmat.leak"), headers=officer
    ).json()
    incident_id = made["incident"]["id"]
    assert made["incident"]["grade"] == "IV"
    regraded = client.put(
        f"/incidents/{incident_id}/facts",
        json={"facts": {"deaths": 2, "serious_injuries": 12}, "reason": "hospital figures 09:10"},
        headers=officer,
    )
    assert regraded.status_code == 200, regraded.text
    body = regraded.json()
    assert body["grade"] == "III"
    assert body["grade_reason"].startswith("serious injuries")
    assert "12 ≥ 10 → grade III" in body["grade_reason"]
    assert "hospital figures 09:10" in body["grade_reason"]
    # a duty officer may not override; a commander may, with a justification
    refused = client.post(
        f"/incidents/{incident_id}/grade",
        json={"grade": "II", "justification": "chlorine plume near a school"},
        headers=officer,
    )
    assert refused.status_code == 403
    missing = client.post(
        f"/incidents/{incident_id}/grade",
        json={"grade": "II", "justification": " "},
        headers=commander,
    )
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "justification"
    overridden = client.post(
        f"/incidents/{incident_id}/grade",
        json={"grade": "II", "justification": "chlorine plume near a school"},
        headers=commander,
    ).json()
    assert (overridden["grade"], overridden["computed_grade"]) == ("II", "III")
    assert overridden["grade_overridden"] is True
    # new facts below the override leave it; facts graver than it end it
    kept = client.put(
        f"/incidents/{incident_id}/facts",
        json={"facts": {"deaths": 4, "serious_injuries": 12}, "reason": "update"},
        headers=officer,
    ).json()
    assert kept["grade"] == "II"
    graver = client.put(
        f"/incidents/{incident_id}/facts",
        json={"facts": {"deaths": 31, "serious_injuries": 12}, "reason": "update 2"},
        headers=officer,
    ).json()
    assert (graver["grade"], graver["grade_overridden"]) == ("I", False)
    timeline = client.get(f"/incidents/{incident_id}/timeline", headers=officer).json()
    grades = [
        (e["payload"]["previous_grade"], e["payload"]["grade"], e["payload"]["overridden"])
        for e in timeline
        if e["type"] == "IncidentGraded"
    ]
    assert grades == [
        (None, "IV", False),
        ("IV", "III", False),
        ("III", "II", True),
        ("II", "I", False),
    ]
    facts = [e for e in timeline if e["type"] == "IncidentFactsUpdated"]
    assert facts[0]["payload"]["changes"]["serious_injuries"] == [0, 12]


def test_the_lifecycle_records_who_and_when_and_refuses_skipped_steps(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = incident_world(platform, client, roles=ROLES)
    officer = world.headers(Role.DUTY_OFFICER, "city")
    commander = world.headers(Role.COMMANDER, "city")
    incident_id = client.post("/incidents/calls", json=call_body(FUTIAN), headers=officer).json()[
        "incident"
    ]["id"]
    skip = client.post(
        f"/incidents/{incident_id}/status", json={"status": "stabilised"}, headers=commander
    )
    assert skip.status_code == 409
    clock.advance(timedelta(minutes=2))
    verified = client.post(
        f"/incidents/{incident_id}/verify", json={"note": "CCTV"}, headers=officer
    )
    assert verified.json()["status"] == "verified"
    assert (
        client.post(
            f"/incidents/{incident_id}/status", json={"status": "responding"}, headers=officer
        ).status_code
        == 403
    )
    for step in ("responding", "stabilised", "closed", "reviewed"):
        clock.advance(timedelta(minutes=2))
        moved = client.post(
            f"/incidents/{incident_id}/status", json={"status": step}, headers=commander
        )
        assert moved.status_code == 200, moved.text
    steps = moved.json()["steps"]
    assert [s["status"] for s in steps] == [
        "reported", "verified", "responding", "stabilised", "closed", "reviewed",
    ]  # fmt: skip
    assert steps[1]["note"] == "CCTV"
    assert steps[1]["by"] != steps[2]["by"]  # the officer verified, the commander responded
    assert steps[5]["at"] > steps[2]["at"]
    changed = [
        e["payload"]["status"]
        for e in client.get(f"/incidents/{incident_id}/timeline", headers=officer).json()
        if e["type"] == "IncidentStatusChanged"
    ]
    assert changed == ["verified", "responding", "stabilised", "closed", "reviewed"]


def test_sitreps_reminders_by_grade_and_event_groups(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = incident_world(platform, client, roles=ROLES)
    officer = world.headers(Role.DUTY_OFFICER, "city")
    commander = world.headers(Role.COMMANDER, "city")
    grave = client.post(
        "/incidents/calls",
        json=call_body(FUTIAN, "natural.typhoon", facts={"deaths": 30}),
        headers=officer,
    ).json()["incident"]
    general = client.post(
        "/incidents/calls", json=call_body(PARK, "natural.flood.rainstorm"), headers=officer
    ).json()["incident"]
    assert (grave["grade"], general["grade"]) == ("I", "IV")
    group = client.post(
        "/incidents/groups",
        json={
            "name": "Typhoon Mangkhut",
            "hazard": "typhoon",
            "organisation_id": world.org["city"],
        },
        headers=commander,
    )
    assert group.status_code == 201, group.text
    for incident in (grave, general):
        grouped = client.put(
            f"/incidents/{incident['id']}/group",
            json={"group_id": group.json()["id"]},
            headers=commander,
        )
        assert grouped.status_code == 200, grouped.text
    in_group = client.get(
        "/incidents", params={"group_id": group.json()["id"]}, headers=officer
    ).json()
    assert in_group["total"] == 2
    clock.advance(timedelta(minutes=31))
    officer = relogin(client, "duty_officer.city")
    due = client.post("/incidents/sitrep-reminders", headers=officer).json()
    assert [d["incident_id"] for d in due] == [grave["id"]]  # grade I: every 30 min
    assert client.post("/incidents/sitrep-reminders", headers=officer).json() == []  # once
    filed = client.post(
        f"/incidents/{grave['id']}/sitreps", json={"summary": "winds easing"}, headers=officer
    )
    assert filed.status_code == 201, filed.text
    assert filed.json()["number"] == 1
    assert filed.json()["grade"] == "I"
    listed = client.get(f"/incidents/{grave['id']}/sitreps", headers=officer).json()
    assert [s["summary"] for s in listed] == ["winds easing"]
    types = [
        e["type"] for e in client.get(f"/incidents/{grave['id']}/timeline", headers=officer).json()
    ]
    assert types.count("SituationReportDue") == 1
    assert "SituationReportFiled" in types
    assert "IncidentGrouped" in types


def test_the_timeline_includes_other_contexts_events_naming_the_incident(
    platform: Platform, client: TestClient
) -> None:
    world = incident_world(platform, client)
    officer = world.headers(Role.DUTY_OFFICER, "city")
    incident_id = client.post("/incidents/calls", json=call_body(FUTIAN), headers=officer).json()[
        "incident"
    ]["id"]
    with platform.uow() as uow:  # a plan activation, as the plans context records it
        uow.record(
            PlanActivated(
                aggregate_id="activation-1",
                plan_id="plan-1",
                plan_code="urban-fire",
                plan_version=3,
                incident_id=incident_id,
                level="III",
                automatic=True,
            )
        )
        uow.commit()
    platform.relay.drain()
    timeline = client.get(f"/incidents/{incident_id}/timeline", headers=officer).json()
    assert [e["type"] for e in timeline][-1] == "PlanActivated"
    assert timeline[-1]["aggregate_id"] == "activation-1"
    seqs = [e["seq"] for e in timeline]
    assert seqs == sorted(seqs)


def test_an_alarm_proposing_an_incident_opens_it_and_one_at_sea_is_quarantined(
    platform: Platform, client: TestClient
) -> None:
    world = incident_world(platform, client)
    officer = world.headers(Role.DUTY_OFFICER, "city")
    with platform.uow() as uow:
        uow.record(
            IncidentProposed(
                aggregate_id="alarm-1",
                alarm_id="alarm-1",
                incident_type="accident.fire.warehouse",
                hazard="fire",
                level="red",
                rank=4,
                title="Smoke detectors, warehouse 3",
                lon=PARK.lon,
                lat=PARK.lat,
            ),
            IncidentProposed(
                aggregate_id="alarm-2",
                alarm_id="alarm-2",
                incident_type="",
                hazard="gas_leak",
                level="orange",
                rank=3,
                title="Offshore platform",
                lon=AT_SEA.lon,
                lat=AT_SEA.lat,
            ),
        )
        uow.commit()
    platform.relay.drain()
    listed = client.get("/incidents", headers=officer).json()
    assert listed["total"] == 1
    incident = listed["items"][0]
    assert (incident["source"], incident["incident_type"]) == ("alarm", "accident.fire.warehouse")
    assert incident["organisation_id"] == world.org["park"]
    received = [
        e
        for e in client.get(f"/incidents/{incident['id']}/timeline", headers=officer).json()
        if e["type"] == "ReportReceived"
    ]
    assert received[0]["payload"]["alarm_id"] == "alarm-1"
    rejected = client.get("/incidents/rejections", headers=officer).json()
    assert [(r["source"], r["reasons"][0][0]) for r in rejected] == [("alarm", "location")]
    assert rejected[0]["record"]["alarm_id"] == "alarm-2"
    # a call about the same warehouse fire joins the alarm's incident
    call = client.post(
        "/incidents/calls", json=call_body(PARK, "accident.fire"), headers=officer
    ).json()
    assert call["verdict"] == "merge"
    assert call["incident"]["id"] == incident["id"]
