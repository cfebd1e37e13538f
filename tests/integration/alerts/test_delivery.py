"""Delivery through real channels on loopback: SMTP, signed webhooks, an SMS gateway, in-app;
retries with backoff; a failing channel never blocks the others; a delivery report per alert."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from fastapi.testclient import TestClient

from lifeline.alerts.channels import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    HttpSmsGateway,
    InApp,
    SignedWebhook,
    SmtpEmail,
    sign,
)
from lifeline.alerts.outbox import Backoff, Channel
from lifeline.alerts.worker import DeliveryWorker
from lifeline.bootstrap import Platform
from lifeline.kernel.clock import VirtualClock
from lifeline.security.model import Role
from tests.integration.alerts.receivers import http_server, smtp_server
from tests.integration.alerts.test_alerts_api import _draft, _post, _publish_orange, _world

SECRET = b"webhook-secret-for-tests"
INSIDE = {"lon": 114.05, "lat": 22.54}  # inside the Futian ring of the test alert
OUTSIDE = {"lon": 114.13, "lat": 22.55}  # Luohu


def _subscribe(client: TestClient, **body: Any) -> str:
    resp = client.post("/public/subscriptions", json={"consent": True} | body)
    assert resp.status_code == 201, resp.text
    sub_id: str = resp.json()["id"]
    return sub_id


def test_subscriptions_need_consent_and_a_place(client: TestClient) -> None:
    no_consent = client.post(
        "/public/subscriptions",
        json={"channel": "email", "address": "a@example.org", "consent": False} | INSIDE,
    )
    assert no_consent.status_code == 422
    assert "consent" in no_consent.text
    nowhere = client.post(
        "/public/subscriptions", json={"channel": "email", "address": "a@b.org", "consent": True}
    )
    assert nowhere.status_code == 422
    assert "admin_code" in nowhere.text


def test_publication_reaches_every_channel_and_retries_the_failing_one(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = _world(platform, client)
    with smtp_server() as (inbox, smtp_port), http_server(fail_first=1) as (hooks, base):
        for i in range(3):
            _subscribe(client, channel="email", address=f"r{i}@example.org", **INSIDE)
        _subscribe(client, channel="email", address="far@example.org", **OUTSIDE)
        _subscribe(
            client, channel="email", address="heat-only@example.org", hazards=["heat"], **INSIDE
        )
        _subscribe(client, channel="webhook", address=f"{base}/hook", language="en", **INSIDE)
        _subscribe(client, channel="sms", address="+8613800000001", admin_code="440304")
        _subscribe(client, channel="in_app", address="user-42", admin_code="440300")
        alert = _publish_orange(client, world)
        headers = world.headers(Role.COMMANDER, "district")
        report = client.get(f"/alerts/{alert['id']}/deliveries", headers=headers).json()
        assert report["queued"] == 5  # 3 e-mails, webhook, SMS; not far away, not heat-only
        assert report["by_channel"]["email"] == {"queued": 3}
        # in-app subscribed by Shenzhen's code 440300, which does not lie inside Futian's 440304
        assert "in_app" not in report["by_channel"]

        worker = DeliveryWorker(
            platform.uow,
            clock,
            {
                Channel.EMAIL: SmtpEmail("127.0.0.1", smtp_port, "alerts@lifeline.test"),
                Channel.WEBHOOK: SignedWebhook(SECRET),
                Channel.SMS: HttpSmsGateway(f"{base}/sms"),
                Channel.IN_APP: InApp(),
            },
            backoff=Backoff(base_s=30, max_s=600, max_attempts=5),
        )
        first = worker.run_once()
        assert first.sent[Channel.EMAIL] == 3
        # the webhook answered 500 once (and the SMS gateway, sharing the server, may have taken
        # that failure instead): one of the two failed, the other went through
        assert first.failed[Channel.WEBHOOK] + first.failed[Channel.SMS] == 1
        assert sorted(m["To"] for m in inbox.messages) == [f"r{i}@example.org" for i in range(3)]
        assert all(m["Subject"] == "福田区台风橙色预警" for m in inbox.messages)
        assert len({m[IDEMPOTENCY_HEADER] for m in inbox.messages}) == 3

        assert worker.run_once().sent == dict.fromkeys(Channel, 0)  # backoff: not due yet
        clock.advance(timedelta(seconds=30))
        second = worker.run_once()
        assert second.sent[Channel.WEBHOOK] + second.sent[Channel.SMS] == 1

        hook = next(r for r in hooks.requests if r[0] == "/hook")
        _, hook_headers, body = hook
        assert hook_headers[SIGNATURE_HEADER] == sign(SECRET, body)
        payload = json.loads(body)
        assert payload["identifier"] == alert["identifier"]
        assert payload["cap"].startswith("<?xml")
        sms = json.loads(next(r for r in hooks.requests if r[0] == "/sms")[2])
        assert sms["to"] == "+8613800000001"
        assert all(len(part) <= 70 for part in sms["parts"])
        assert "".join(sms["parts"]).startswith("【预警】福田区台风橙色预警")

        report = client.get(f"/alerts/{alert['id']}/deliveries", headers=headers).json()
        assert report == {
            "alert_id": alert["id"],
            "by_channel": {"email": {"sent": 3}, "sms": {"sent": 1}, "webhook": {"sent": 1}},
            "queued": 0,
            "sent": 5,
            "failed": 0,
            "withdrawn": 0,
            "dead_letters": [],
            "by_recipient": {"subscriber": 5},
        }


def test_a_dead_channel_gives_up_after_max_attempts_without_blocking_email(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = _world(platform, client)
    with smtp_server() as (inbox, smtp_port):
        _subscribe(client, channel="email", address="ok@example.org", **INSIDE)
        _subscribe(client, channel="webhook", address="http://127.0.0.1:9/nothing", **INSIDE)
        alert = _publish_orange(client, world)
        worker = DeliveryWorker(
            platform.uow,
            clock,
            {
                Channel.EMAIL: SmtpEmail("127.0.0.1", smtp_port, "alerts@lifeline.test"),
                Channel.WEBHOOK: SignedWebhook(SECRET, timeout_s=1),
            },
            backoff=Backoff(base_s=10, max_s=40, max_attempts=3),
        )
        delays = []
        for _ in range(3):
            result = worker.run_once()
            delays.append(result.failed[Channel.WEBHOOK])
            clock.advance(timedelta(seconds=40))
        assert delays == [1, 1, 1]
        assert [m["To"] for m in inbox.messages] == ["ok@example.org"]
        headers = world.headers(Role.COMMANDER, "district")
        report = client.get(f"/alerts/{alert['id']}/deliveries", headers=headers).json()
        assert report["by_channel"] == {"email": {"sent": 1}, "webhook": {"failed": 1}}
        [dead] = report["dead_letters"]  # the dead letter, with its last error
        assert dead["channel"] == "webhook"
        assert dead["recipient_kind"] == "subscriber"
        assert dead["attempts"] == 3
        assert dead["address"] == "http://127.0.0.1:9/…"  # masked
        assert "ConnectError" in dead["last_error"]
        assert worker.run_once().failed[Channel.WEBHOOK] == 0  # gave up: no more attempts


def test_exercise_alerts_queue_nothing(platform: Platform, client: TestClient) -> None:
    world = _world(platform, client)
    _subscribe(client, channel="email", address="r@example.org", **INSIDE)
    drafted = _post(client, world, Role.DUTY_OFFICER, "/alerts", _draft(world, status="Exercise"))
    alert_id = drafted.json()["id"]
    _post(client, world, Role.DUTY_OFFICER, f"/alerts/{alert_id}/submit")
    _post(client, world, Role.COMMANDER, f"/alerts/{alert_id}/approve")
    _post(client, world, Role.COMMANDER, f"/alerts/{alert_id}/publish")
    headers = world.headers(Role.COMMANDER, "district")
    report = client.get(f"/alerts/{alert_id}/deliveries", headers=headers).json()
    assert report["by_channel"] == {}
