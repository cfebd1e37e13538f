"""The public side: Atom/CAP feed and bilingual page of active warnings, without sign-in."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from lxml import etree

from lifeline.alerts.cap import validate
from lifeline.alerts.cap.model import CapStatus
from lifeline.bootstrap import Platform
from lifeline.kernel.clock import VirtualClock
from lifeline.security.model import Role
from tests.integration.alerts.test_alerts_api import _draft, _post, _publish_orange, _world

ATOM = "{http://www.w3.org/2005/Atom}"


def _entries(client: TestClient) -> list[etree._Element]:
    resp = client.get("/public/alerts.atom")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("application/atom+xml")
    feed = etree.fromstring(resp.content)
    assert feed.tag == ATOM + "feed"
    return feed.findall(ATOM + "entry")


def test_feed_and_page_show_active_actual_alerts_only(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = _world(platform, client)
    assert _entries(client) == []
    assert "No warnings are in force" in client.get("/public/warnings").text
    live = _publish_orange(client, world)
    drill = _post(client, world, Role.DUTY_OFFICER, "/alerts", _draft(world, status="Exercise"))
    drill_id = drill.json()["id"]
    _post(client, world, Role.DUTY_OFFICER, f"/alerts/{drill_id}/submit")
    _post(client, world, Role.COMMANDER, f"/alerts/{drill_id}/approve")
    assert _post(client, world, Role.COMMANDER, f"/alerts/{drill_id}/publish").status_code == 200

    entries = _entries(client)
    assert [e.findtext(ATOM + "id") for e in entries] == [f"urn:cap:{live['identifier']}"]
    assert entries[0].findtext(ATOM + "title") == "福田区台风橙色预警"
    link = entries[0].find(ATOM + "link")
    assert link is not None
    href = link.get("href")
    assert href is not None
    cap = client.get(href.replace("http://testserver", ""))
    assert cap.status_code == 200
    report = validate(cap.content)
    assert report.ok, report.errors
    assert report.alert is not None
    assert report.alert.status is CapStatus.ACTUAL
    hidden = client.get(f"/public/alerts/{drill.json()['identifier']}.xml")
    assert hidden.status_code == 404  # an exercise never reaches the public

    page = client.get("/public/warnings")
    assert page.headers["content-type"].startswith("text/html")
    assert "福田区台风橙色预警" in page.text
    assert "orange typhoon warning for Futian District" in page.text
    assert "<script" not in page.text
    assert "http://" not in page.text
    assert "https://" not in page.text

    clock.advance(timedelta(hours=12))  # past expires_at
    assert _entries(client) == []
    assert client.get(href.replace("http://testserver", "")).status_code == 404


def test_cancelled_alert_leaves_the_feed(platform: Platform, client: TestClient) -> None:
    world = _world(platform, client)
    live = _publish_orange(client, world)
    assert len(_entries(client)) == 1
    cancel = _post(client, world, Role.COMMANDER, f"/alerts/{live['id']}/cancel", {"note": "解除"})
    assert cancel.status_code == 201
    ids = [e.findtext(ATOM + "id") for e in _entries(client)]
    assert f"urn:cap:{live['identifier']}" not in ids
    # the Cancel message itself is what the public now sees for this event
    assert ids == [f"urn:cap:{cancel.json()['identifier']}"]
    assert "已解除 · Cancelled" in client.get("/public/warnings").text
