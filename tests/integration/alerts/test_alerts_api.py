"""Authoring and approval of public warnings over HTTP, with real sign-in, on every backend."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from fastapi.testclient import TestClient

from lifeline.alerts.cap import validate
from lifeline.alerts.cap.model import CapMsgType, CapStatus
from lifeline.alerts.identifiers import parse_identifier
from lifeline.alerts.levels import COLOUR_PARAMETER, colour_of
from lifeline.bootstrap import Platform
from lifeline.kernel.clock import VirtualClock
from lifeline.security.model import Role
from tests.integration.conftest import T0
from tests.integration.security.world import PASSWORD, World, build_world

ROLES = (Role.DUTY_OFFICER, Role.COMMANDER)
FUTIAN_RING = [[114.02, 22.52], [114.09, 22.52], [114.09, 22.57], [114.02, 22.57], [114.02, 22.52]]


def _world(platform: Platform, client: TestClient) -> World:
    return build_world(platform, client, roles=ROLES, levels=("district", "sibling"))


def _draft(world: World, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "organisation_id": world.org["district"],
        "template_id": "typhoon",
        "colour": "orange",
        "signal": "orange",
        "areas": [{"polygon": FUTIAN_RING, "admin_codes": ["440304"]}],
        "area_names": {"zh-CN": "福田区", "en": "Futian District"},
        "expires_at": (T0 + timedelta(hours=12)).isoformat(),
    }
    return body | changes


def _post(client: TestClient, world: World, role: Role, url: str, body: Any = None) -> Any:
    headers = world.headers(role, "district")
    return client.post(url, json=body, headers=headers)


def _publish_orange(client: TestClient, world: World) -> dict[str, Any]:
    drafted = _post(client, world, Role.DUTY_OFFICER, "/alerts", _draft(world))
    assert drafted.status_code == 201, drafted.text
    alert_id = drafted.json()["id"]
    assert _post(client, world, Role.DUTY_OFFICER, f"/alerts/{alert_id}/submit").status_code == 200
    assert _post(client, world, Role.COMMANDER, f"/alerts/{alert_id}/approve").status_code == 200
    published = _post(client, world, Role.COMMANDER, f"/alerts/{alert_id}/publish")
    assert published.status_code == 200, published.text
    body: dict[str, Any] = published.json()
    return body


def test_draft_submit_approve_publish_gives_a_valid_bilingual_cap(
    platform: Platform, client: TestClient
) -> None:
    world = _world(platform, client)
    drafted = _post(client, world, Role.DUTY_OFFICER, "/alerts", _draft(world))
    assert drafted.status_code == 201, drafted.text
    alert = drafted.json()
    assert alert["state"] == "draft"
    ident = parse_identifier(alert["identifier"])
    assert ident.region_code == "440304"  # Futian's administrative code
    assert ident.entered_at == T0
    assert [t["headline"] for t in alert["texts"]] == [
        "福田区台风橙色预警",
        "orange typhoon warning for Futian District",
    ]
    alert_id = alert["id"]
    # the duty officer may draft but not approve or publish
    early = _post(client, world, Role.COMMANDER, f"/alerts/{alert_id}/publish")
    assert early.status_code == 409
    assert (
        _post(client, world, Role.DUTY_OFFICER, f"/alerts/{alert_id}/submit").json()["state"]
        == "submitted"
    )
    refused = _post(client, world, Role.DUTY_OFFICER, f"/alerts/{alert_id}/approve")
    assert refused.status_code == 403
    approved = _post(client, world, Role.COMMANDER, f"/alerts/{alert_id}/approve")
    assert approved.json()["approved_by"] != alert["created_by"]
    published = _post(client, world, Role.COMMANDER, f"/alerts/{alert_id}/publish")
    assert published.json()["state"] == "published"

    cap = client.get(
        f"/alerts/{alert_id}/cap", headers=world.headers(Role.DUTY_OFFICER, "district")
    )
    assert cap.status_code == 200
    assert cap.headers["content-type"].startswith("application/common-alerting-protocol+xml")
    report = validate(cap.content)
    assert report.ok, report.errors
    assert report.alert is not None
    assert report.alert.identifier == alert["identifier"]
    assert report.alert.sent.utcoffset() == timedelta(hours=8)
    assert [i.language for i in report.alert.infos] == ["zh-CN", "en"]
    info = report.alert.infos[0]
    assert info.severity == "Severe"
    assert info.parameter(COLOUR_PARAMETER) == "orange"
    assert info.parameter("localSignal") == "orange"
    assert colour_of(info) == "orange"
    ring = info.areas[0].polygons[0]
    assert ring[0] == (22.52, 114.02)  # CAP writes lat,lon
    assert info.areas[0].area_desc == "福田区"

    timeline = client.get(
        "/audit/events",
        params={"aggregate_type": "alert", "aggregate_id": alert_id},
        headers=world.headers(Role.COMMANDER, "district"),
    )
    assert timeline.status_code == 200, timeline.text
    events = timeline.json()
    assert [e["type"] for e in events] == [
        "AlertDrafted",
        "AlertSubmitted",
        "AlertApproved",
        "AlertPublished",
    ]
    assert events[-1]["payload"]["template_id"] == "typhoon"  # the template is snapshotted
    assert events[-1]["payload"]["approved_by"] == approved.json()["approved_by"]


def test_orange_and_red_need_a_second_person_yellow_does_not(
    platform: Platform, client: TestClient
) -> None:
    world = _world(platform, client)
    for colour, expected in (("red", 403), ("orange", 403), ("yellow", 200)):
        drafted = _post(
            client, world, Role.COMMANDER, "/alerts", _draft(world, colour=colour, signal=None)
        )
        alert_id = drafted.json()["id"]
        _post(client, world, Role.COMMANDER, f"/alerts/{alert_id}/submit")
        own = _post(client, world, Role.COMMANDER, f"/alerts/{alert_id}/approve")
        assert own.status_code == expected, (colour, own.text)
        if expected == 403:
            assert "second person" in own.json()["detail"]


def test_update_supersedes_and_cancel_references_the_original(
    platform: Platform, client: TestClient
) -> None:
    world = _world(platform, client)
    original = _publish_orange(client, world)
    update = _post(
        client,
        world,
        Role.COMMANDER,
        f"/alerts/{original['id']}/update",
        {"colour": "red", "signal": "red", "note": "强度加强"},
    )
    assert update.status_code == 201, update.text
    update_id = update.json()["id"]
    assert update.json()["msg_type"] == "Update"
    assert update.json()["texts"][0]["headline"] == "福田区台风红色预警"
    _post(client, world, Role.DUTY_OFFICER, f"/alerts/{update_id}/submit")
    # the commander drafted the red update, so the commander cannot approve it
    assert _post(client, world, Role.COMMANDER, f"/alerts/{update_id}/approve").status_code == 403
    headers = world.headers(Role.COMMANDER, "district")
    assert client.get(f"/alerts/{original['id']}", headers=headers).json()["state"] == "published"

    drafted = _post(client, world, Role.DUTY_OFFICER, "/alerts", _draft(world))
    cancel = _post(
        client, world, Role.COMMANDER, f"/alerts/{original['id']}/cancel", {"note": "台风转向"}
    )
    assert cancel.status_code == 201, cancel.text
    assert cancel.json()["state"] == "published"
    assert client.get(f"/alerts/{original['id']}", headers=headers).json()["state"] == "cancelled"
    cap = validate(client.get(f"/alerts/{cancel.json()['id']}/cap", headers=headers).content)
    assert cap.ok, cap.errors
    assert cap.alert is not None
    assert cap.alert.msg_type is CapMsgType.CANCEL
    assert [r.identifier for r in cap.alert.references] == [original["identifier"]]
    assert cap.alert.references[0].sent == cap.alert.sent  # published and cancelled at T0
    # a cancelled alert cannot be cancelled again; publishing the stale update finds no target
    again = _post(client, world, Role.COMMANDER, f"/alerts/{original['id']}/cancel", {"note": "x"})
    assert again.status_code == 409
    assert drafted.status_code == 201


def test_publishing_an_update_supersedes_the_original(
    platform: Platform, client: TestClient
) -> None:
    world = _world(platform, client)
    original = _publish_orange(client, world)
    update = _post(
        client, world, Role.DUTY_OFFICER, f"/alerts/{original['id']}/update", {"note": "x"}
    )
    assert update.status_code == 403  # updating is an approver's right
    update = _post(
        client, world, Role.COMMANDER, f"/alerts/{original['id']}/update", {"colour": "yellow"}
    )
    update_id = update.json()["id"]
    _post(client, world, Role.COMMANDER, f"/alerts/{update_id}/submit")
    assert _post(client, world, Role.COMMANDER, f"/alerts/{update_id}/approve").status_code == 200
    assert _post(client, world, Role.COMMANDER, f"/alerts/{update_id}/publish").status_code == 200
    headers = world.headers(Role.COMMANDER, "district")
    assert client.get(f"/alerts/{original['id']}", headers=headers).json()["state"] == "superseded"
    cap = validate(client.get(f"/alerts/{update_id}/cap", headers=headers).content)
    assert cap.ok, cap.errors
    assert cap.alert is not None
    assert cap.alert.msg_type is CapMsgType.UPDATE
    assert cap.alert.references[0].identifier == original["identifier"]


def test_cancelling_unknown_or_foreign_alerts_is_404_and_expiry_is_seen(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = _world(platform, client)
    original = _publish_orange(client, world)
    missing = _post(client, world, Role.COMMANDER, "/alerts/no-such-alert/cancel", {"note": "x"})
    assert missing.status_code == 404
    sibling = world.headers(Role.COMMANDER, "sibling")
    foreign = client.post(f"/alerts/{original['id']}/cancel", json={"note": "x"}, headers=sibling)
    assert foreign.status_code == 404
    assert client.get(f"/alerts/{original['id']}", headers=sibling).status_code == 404
    assert client.get("/alerts", headers=sibling).json()["items"] == []
    listed = client.get("/alerts", headers=world.headers(Role.COMMANDER, "district")).json()
    assert [a["id"] for a in listed["items"]] == [original["id"]]
    clock.advance(timedelta(hours=12))
    login = {"username": "commander.district", "password": PASSWORD}
    token = client.post("/auth/login", json=login).json()["access_token"]
    world.tokens[(Role.COMMANDER, "district")] = token
    headers = world.headers(Role.COMMANDER, "district")
    assert client.get(f"/alerts/{original['id']}", headers=headers).json()["state"] == "expired"
    late = _post(client, world, Role.COMMANDER, f"/alerts/{original['id']}/cancel", {"note": "x"})
    assert late.status_code == 409


def test_exercise_alerts_are_published_but_never_public(
    platform: Platform, client: TestClient
) -> None:
    world = _world(platform, client)
    drafted = _post(client, world, Role.DUTY_OFFICER, "/alerts", _draft(world, status="Exercise"))
    alert_id = drafted.json()["id"]
    _post(client, world, Role.DUTY_OFFICER, f"/alerts/{alert_id}/submit")
    _post(client, world, Role.COMMANDER, f"/alerts/{alert_id}/approve")
    assert _post(client, world, Role.COMMANDER, f"/alerts/{alert_id}/publish").status_code == 200
    with platform.engine.connect() as conn:
        payload = conn.execute(
            sa.text("SELECT payload FROM event_log WHERE type = 'AlertPublished'")
        ).scalar_one()
    event = json.loads(payload) if isinstance(payload, str) else payload
    assert event["public"] is False
    assert event["status"] == "Exercise"
    headers = world.headers(Role.COMMANDER, "district")
    cap = validate(client.get(f"/alerts/{alert_id}/cap", headers=headers).content)
    assert cap.alert is not None
    assert cap.alert.status is CapStatus.EXERCISE
    assert not cap.alert.is_public_real


def test_bad_drafts_name_the_field(platform: Platform, client: TestClient) -> None:
    world = _world(platform, client)
    open_ring = FUTIAN_RING[:-1]
    cases = [
        (_draft(world, areas=[{"polygon": open_ring}]), "/alert/info[1]/area[1]/polygon[1]"),
        (_draft(world, expires_at=(T0 - timedelta(hours=1)).isoformat()), "expires_at"),
        (_draft(world, signal="yellow"), "signal"),
        (_draft(world, area_names={"fr": "Futian"}), "area_names"),
        (_draft(world, template_id="volcano"), "template_id"),
        (_draft(world, unexpected=1), "unexpected"),
    ]
    for body, field in cases:
        resp = _post(client, world, Role.DUTY_OFFICER, "/alerts", body)
        assert resp.status_code == 422, (field, resp.text)
        assert resp.headers["content-type"] == "application/problem+json"
        assert field in resp.text, resp.text
