"""Intake over HTTP with real sign-in: calls, duplicates, the merge queue, department systems,
jurisdiction and bad input (problem+json and the quarantine)."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.clock import VirtualClock
from lifeline.security.model import Role
from lifeline.security.service import CreateServiceAccount
from tests.integration.incidents.helpers import (
    AT_SEA,
    FUTIAN,
    LUOHU,
    PARK,
    call_body,
    incident_world,
    offset,
    relogin,
)


def test_a_call_opens_a_graded_incident_owned_by_the_deepest_area(
    platform: Platform, client: TestClient
) -> None:
    world = incident_world(platform, client, levels=("city", "district", "sibling"))
    officer = world.headers(Role.DUTY_OFFICER, "city")
    made = client.post(
        "/incidents/calls",
        json=call_body(PARK, facts={"deaths": 3, "serious_injuries": 2}),
        headers=officer,
    )
    assert made.status_code == 201, made.text
    out = made.json()
    assert out["verdict"] == "new"
    incident = out["incident"]
    # the park's area lies inside Futian's: the deeper one (the park) owns the incident
    assert incident["organisation_id"] == world.org["park"]
    assert incident["category"] == "accident"
    assert incident["status"] == "reported"
    # Regulation 493: three deaths reach grade III ("以上" includes the bound)
    assert incident["grade"] == "III"
    assert "deaths 3 ≥ 3" in incident["grade_reason"]
    assert incident["steps"][0]["status"] == "reported"
    assert incident["steps"][0]["by"].startswith("user:")
    timeline = client.get(f"/incidents/{incident['id']}/timeline", headers=officer).json()
    assert [e["type"] for e in timeline] == ["IncidentOpened", "ReportReceived", "IncidentGraded"]
    # the sibling district's officer does not see it; Futian's does (the park is below it)
    sibling = world.headers(Role.DUTY_OFFICER, "sibling")
    assert client.get(f"/incidents/{incident['id']}", headers=sibling).status_code == 404
    district = world.headers(Role.DUTY_OFFICER, "district")
    assert client.get(f"/incidents/{incident['id']}", headers=district).status_code == 200
    assert client.get("/incidents", headers=sibling).json()["total"] == 0


def test_a_second_call_nearby_within_the_window_merges_into_the_main_incident(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = incident_world(platform, client)
    officer = world.headers(Role.DUTY_OFFICER, "city")
    first = client.post("/incidents/calls", json=call_body(FUTIAN), headers=officer).json()
    main_id = first["incident"]["id"]
    clock.advance(timedelta(minutes=4))
    second = client.post(
        "/incidents/calls",
        json=call_body(offset(FUTIAN, east_m=120), "accident.fire", phone="13800000002"),
        headers=officer,
    ).json()
    assert second["verdict"] == "merge"
    assert second["incident"]["id"] == main_id
    assert second["incident"]["report_count"] == 2
    reports = client.get(f"/incidents/{main_id}/reports", headers=officer).json()
    assert [r["incident_type"] for r in reports] == ["accident.fire.building", "accident.fire"]
    # a report far away, a different kind of incident, or after the window opens a new one
    far = client.post(
        "/incidents/calls", json=call_body(offset(FUTIAN, north_m=900)), headers=officer
    ).json()
    other = client.post(
        "/incidents/calls",
        json=call_body(FUTIAN, "accident.traffic.road", phone="13800000003"),
        headers=officer,
    ).json()
    clock.advance(timedelta(minutes=12))  # beyond the window, within the ambiguity band
    officer = relogin(client, "duty_officer.city")
    later = client.post(
        "/incidents/calls", json=call_body(FUTIAN, phone="13800000004"), headers=officer
    ).json()
    assert later["verdict"] == "ask"
    assert [c["main_id"] for c in later["candidates"]] == [main_id]
    clock.advance(timedelta(minutes=25))  # beyond the band: unrelated
    officer = relogin(client, "duty_officer.city")
    late = client.post(
        "/incidents/calls", json=call_body(offset(FUTIAN, north_m=-900)), headers=officer
    ).json()
    assert (far["verdict"], other["verdict"], late["verdict"]) == ("new", "new", "new")
    assert client.get("/incidents", headers=officer).json()["total"] == 5


def test_the_same_caller_a_little_further_away_merges(
    platform: Platform, client: TestClient
) -> None:
    world = incident_world(platform, client)
    officer = world.headers(Role.DUTY_OFFICER, "city")
    first = client.post("/incidents/calls", json=call_body(FUTIAN), headers=officer).json()
    again = client.post(
        "/incidents/calls", json=call_body(offset(FUTIAN, east_m=330)), headers=officer
    ).json()
    assert again["verdict"] == "merge"
    assert again["incident"]["id"] == first["incident"]["id"]


def test_ambiguous_duplicates_wait_for_a_person_who_confirms_or_rejects(
    platform: Platform, client: TestClient
) -> None:
    world = incident_world(platform, client)
    officer = world.headers(Role.DUTY_OFFICER, "city")
    a = client.post("/incidents/calls", json=call_body(FUTIAN, phone="1"), headers=officer)
    b = client.post(
        "/incidents/calls", json=call_body(offset(FUTIAN, east_m=300), phone="2"), headers=officer
    )
    assert a.json()["verdict"] == "new"
    assert b.json()["verdict"] == "ask"  # 300 m: beyond 200 m but within the ambiguity band
    a_id, b_id = a.json()["incident"]["id"], b.json()["incident"]["id"]
    # a third report between both: two strong matches → ask again, naming both
    c = client.post(
        "/incidents/calls", json=call_body(offset(FUTIAN, east_m=150), phone="3"), headers=officer
    ).json()
    assert c["verdict"] == "ask"
    assert {x["main_id"] for x in c["candidates"]} == {a_id, b_id}
    queue = client.get("/incidents/merge-candidates", headers=officer).json()
    assert len(queue) == 3
    b_candidate = next(x for x in queue if x["incident_id"] == b_id)
    rejected = client.post(
        f"/incidents/merge-candidates/{b_candidate['id']}/reject",
        json={"note": "different building"},
        headers=officer,
    )
    assert rejected.json()["status"] == "rejected"
    c_to_a = next(x for x in c["candidates"] if x["main_id"] == a_id)
    merged = client.post(
        f"/incidents/merge-candidates/{c_to_a['id']}/confirm", json={}, headers=officer
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["id"] == a_id
    assert merged.json()["report_count"] == 2
    child = client.get(f"/incidents/{c['incident']['id']}", headers=officer).json()
    assert child["status"] == "merged"
    assert child["merged_into"] == a_id
    # c's other candidate is superseded: nothing left pending
    assert client.get("/incidents/merge-candidates", headers=officer).json() == []
    again = client.post(f"/incidents/merge-candidates/{c_to_a['id']}/confirm", headers=officer)
    assert again.status_code == 409
    types = [e["type"] for e in client.get(f"/incidents/{a_id}/timeline", headers=officer).json()]
    assert "IncidentsMerged" in types
    assert "MergeCandidateQueued" in types  # the child's events join the main's timeline


def test_bad_input_names_the_field_and_is_quarantined(
    platform: Platform, client: TestClient
) -> None:
    world = incident_world(
        platform, client, roles=(Role.DUTY_OFFICER, Role.ANALYST), levels=("city", "district")
    )
    officer = world.headers(Role.DUTY_OFFICER, "city")
    at_sea = client.post("/incidents/calls", json=call_body(AT_SEA), headers=officer)
    assert at_sea.status_code == 422
    assert at_sea.headers["content-type"] == "application/problem+json"
    assert at_sea.json()["errors"][0]["field"] == "location"
    assert "outside the jurisdiction" in at_sea.json()["errors"][0]["reason"]
    unknown = client.post(
        "/incidents/calls", json=call_body(FUTIAN, "accident.alien_landing"), headers=officer
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "incident_type"
    bad_point = client.post(
        "/incidents/calls",
        json=call_body(FUTIAN) | {"location": {"type": "Point", "coordinates": [200, 22]}},
        headers=officer,
    )
    assert bad_point.status_code == 422
    assert bad_point.json()["errors"][0]["field"].startswith("location")
    negative = client.post(
        "/incidents/calls", json=call_body(FUTIAN, facts={"deaths": -1}), headers=officer
    )
    assert negative.status_code == 422
    assert negative.json()["errors"][0]["field"] == "facts.deaths"
    # nothing was opened; the three domain refusals wait in the quarantine with their reasons
    assert client.get("/incidents", headers=officer).json()["total"] == 0
    kept = client.get("/incidents/rejections", headers=officer)
    assert kept.status_code == 200, kept.text
    reasons = [r["reasons"][0][0] for r in kept.json()]
    assert sorted(reasons) == ["incident_type", "location", "location.coordinates.lon"]
    # a district officer may not enter a call for the other district
    district = world.headers(Role.DUTY_OFFICER, "district")
    refused = client.post("/incidents/calls", json=call_body(LUOHU), headers=district)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["reason"] == "outside your organisation's jurisdiction"
    # an analyst may read but not enter calls
    analyst = world.headers(Role.ANALYST, "city")
    assert (
        client.post("/incidents/calls", json=call_body(FUTIAN), headers=analyst).status_code == 403
    )


def test_a_polygon_location_is_placed_at_its_centroid_and_kept_as_the_affected_area(
    platform: Platform, client: TestClient
) -> None:
    world = incident_world(platform, client)
    officer = world.headers(Role.DUTY_OFFICER, "city")
    ring = [
        [offset(FUTIAN, e, n).lon, offset(FUTIAN, e, n).lat]
        for e, n in ((-300, -300), (300, -300), (300, 300), (-300, 300), (-300, -300))
    ]
    body = call_body(FUTIAN, "natural.flood.rainstorm")
    body["location"] = {"type": "Polygon", "coordinates": [ring]}
    made = client.post("/incidents/calls", json=body, headers=officer)
    assert made.status_code == 201, made.text
    incident = made.json()["incident"]
    assert incident["affected_area"]["type"] == "Polygon"
    lon, lat = incident["location"]["coordinates"]
    assert abs(lon - FUTIAN.lon) < 1e-4
    assert abs(lat - FUTIAN.lat) < 1e-4


def test_department_systems_report_with_a_service_account_and_resending_is_idempotent(
    platform: Platform, client: TestClient
) -> None:
    world = incident_world(platform, client)
    made = platform.bus.handle(
        CreateServiceAccount(
            name="gas company dispatch",
            organisation_id=world.org["city"],
            roles=frozenset({Role.DUTY_OFFICER}),
        ),
        SYSTEM_ACTOR,
    )
    key = {"X-API-Key": made.api_key}
    body = call_body(FUTIAN, "accident.gas.pipeline_leak") | {"external_ref": "GAS-2026-0042"}
    body.pop("reporter")
    first = client.post("/incidents/reports", json=body, headers=key)
    assert first.status_code == 201, first.text
    assert first.json()["incident"]["source"] == "department"
    again = client.post("/incidents/reports", json=body, headers=key)
    assert again.json()["replayed"] is True
    assert again.json()["report_id"] == first.json()["report_id"]
    officer = world.headers(Role.DUTY_OFFICER, "city")
    assert client.get("/incidents", headers=officer).json()["total"] == 1
    as_person = client.post(
        "/incidents/reports", json=body | {"external_ref": "X"}, headers=officer
    )
    assert as_person.status_code == 403
    missing = client.post(
        "/incidents/reports",
        json={k: v for k, v in body.items() if k != "external_ref"},
        headers=key,
    )
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "external_ref"


def test_exercise_reports_never_merge_with_real_ones(
    platform: Platform, client: TestClient
) -> None:
    world = incident_world(platform, client)
    officer = world.headers(Role.DUTY_OFFICER, "city")
    real = client.post("/incidents/calls", json=call_body(FUTIAN), headers=officer).json()
    drill = client.post(
        "/incidents/calls", json=call_body(FUTIAN, exercise=True), headers=officer
    ).json()
    assert drill["verdict"] == "new"
    assert drill["incident"]["exercise"] is True
    assert real["incident"]["exercise"] is False
    only_real = client.get("/incidents", params={"exercise": "false"}, headers=officer).json()
    assert [i["id"] for i in only_real["items"]] == [real["incident"]["id"]]


def test_a_person_merges_two_incidents_found_to_be_one_emergency(
    platform: Platform, client: TestClient
) -> None:
    world = incident_world(platform, client, levels=("city", "sibling"))
    officer = world.headers(Role.DUTY_OFFICER, "city")
    a = client.post("/incidents/calls", json=call_body(FUTIAN), headers=officer).json()
    b = client.post(
        "/incidents/calls", json=call_body(offset(FUTIAN, north_m=800), phone="2"), headers=officer
    ).json()
    assert b["verdict"] == "new"
    a_id, b_id = a["incident"]["id"], b["incident"]["id"]
    no_reason = client.post(
        f"/incidents/{b_id}/merge", json={"into_id": a_id, "note": ""}, headers=officer
    )
    assert no_reason.status_code == 422
    itself = client.post(
        f"/incidents/{a_id}/merge", json={"into_id": a_id, "note": "x"}, headers=officer
    )
    assert itself.json()["errors"][0]["field"] == "into_id"
    # an officer of another district cannot reach either incident
    sibling = world.headers(Role.DUTY_OFFICER, "sibling")
    hidden = client.post(
        f"/incidents/{b_id}/merge", json={"into_id": a_id, "note": "same smoke"}, headers=sibling
    )
    assert hidden.status_code == 404
    merged = client.post(
        f"/incidents/{b_id}/merge",
        json={"into_id": a_id, "note": "the same smoke plume seen from the north"},
        headers=officer,
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["report_count"] == 2
    assert client.get(f"/incidents/{b_id}", headers=officer).json()["merged_into"] == a_id
    again = client.post(
        f"/incidents/{b_id}/merge", json={"into_id": a_id, "note": "again"}, headers=officer
    )
    assert again.status_code == 409
    timeline = client.get(f"/incidents/{a_id}/timeline", headers=officer).json()
    merges = [e["payload"] for e in timeline if e["type"] == "IncidentsMerged"]
    assert merges == [{"merged_id": b_id, "reports": 1, "automatic": False, "candidate_id": None}]
