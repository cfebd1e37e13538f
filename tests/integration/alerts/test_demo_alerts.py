"""The demo publishes a typhoon warning and a park evacuation notice, seen on the public side."""

from __future__ import annotations

from fastapi.testclient import TestClient
from lxml import etree

from lifeline.alerts.cap import validate
from lifeline.alerts.levels import colour_of
from lifeline.alerts.model import AlertState
from lifeline.alerts.seed import seed_alerts
from lifeline.bootstrap import Platform
from lifeline.cli.demo import seed_demo

ATOM = "{http://www.w3.org/2005/Atom}"


def test_demo_alerts_are_published_and_public(platform: Platform, client: TestClient) -> None:
    demo = seed_demo(platform)
    feed = etree.fromstring(client.get("/public/alerts.atom").content)
    titles = sorted(e.findtext(ATOM + "title") or "" for e in feed.findall(ATOM + "entry"))
    assert titles == ["平湖电商物流园紧急疏散通知（红色）", "深圳市台风橙色预警"]
    for entry in feed.findall(ATOM + "entry"):
        link = entry.find(ATOM + "link")
        assert link is not None
        cap = validate(
            client.get((link.get("href") or "").replace("http://testserver", "")).content
        )
        assert cap.ok, cap.errors
        assert cap.alert is not None
        assert colour_of(cap.alert.infos[0]) in ("orange", "red")
    page = client.get("/public/warnings").text
    assert "Pinghu e-commerce logistics park" in page
    assert "Shenzhen" in page
    # seeding again publishes two more, each approved by someone other than its author
    again = seed_alerts(platform, demo.city)
    for alert in (again.typhoon, again.evacuation):
        assert alert.state is AlertState.PUBLISHED
        assert alert.approved_by != alert.created_by
    assert again.typhoon.identifier.startswith("440300")
    assert again.evacuation.identifier.startswith("440307")  # Longgang, the park's district
