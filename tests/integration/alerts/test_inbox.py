"""The app's inbox: a department reads the in-app messages of published alerts that reached
it, with the alert's words in Chinese and English; another organisation's messages stay out."""

from __future__ import annotations

from fastapi.testclient import TestClient

from lifeline.alerts.channels import InApp
from lifeline.alerts.outbox import Channel
from lifeline.alerts.seed import seed_alerts
from lifeline.alerts.worker import DeliveryWorker
from lifeline.bootstrap import Platform, link_signer
from lifeline.cli.demo import seed_demo
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.clock import VirtualClock
from lifeline.registry.model import DepartmentType
from lifeline.security.model import Role
from lifeline.security.service import CreateUser

PASSWORD = "inbox-test-password-1"


def _login(platform: Platform, client: TestClient, name: str, org: str) -> dict[str, str]:
    platform.bus.handle(
        CreateUser(username=name, display_name=name, password=PASSWORD, organisation_id=org,
                   roles=frozenset({Role.DEPARTMENT_LIAISON})),
        SYSTEM_ACTOR,
    )  # fmt: skip
    resp = client.post("/auth/login", json={"username": name, "password": PASSWORD})
    return {"Authorization": f"Bearer {resp.json()['access_token']}"}


def test_a_department_reads_the_alerts_delivered_to_it_in_the_app(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    demo = seed_demo(platform)
    alerts = seed_alerts(platform, demo.city)
    fire = _login(platform, client, "fire.liaison", demo.city.departments[DepartmentType.FIRE])
    assert client.get("/alerts/inbox", headers=fire).json() == []  # nothing sent yet
    DeliveryWorker(
        platform.uow, clock, {Channel.IN_APP: InApp()}, links=link_signer(platform.settings)
    ).run_once()

    inbox = client.get("/alerts/inbox", headers=fire)
    assert inbox.status_code == 200, inbox.text
    items = inbox.json()
    assert {i["alert_id"] for i in items} >= {alerts.typhoon.id, alerts.evacuation.id}
    typhoon = next(i for i in items if i["alert_id"] == alerts.typhoon.id)
    assert typhoon["colour"] == "orange"
    assert {t["language"] for t in typhoon["texts"]} == {"zh-CN", "en"}
    assert all(t["headline"] for t in typhoon["texts"])
    assert items == sorted(items, key=lambda i: i["sent_at"], reverse=True)
    # a park has no department inbox: the departments' messages are not shown to it
    park = _login(platform, client, "park.liaison", demo.city.park_id)
    assert client.get("/alerts/inbox", headers=park).json() == []
    assert client.get("/alerts/inbox").status_code == 401
    assert client.get("/alerts/inbox?limit=0", headers=fire).status_code == 422
