"""One-click unsubscribe through signed links: the confirmation page, RFC 8058 one-click POST
from the e-mail's List-Unsubscribe header, tampered links, withdrawal in the event log."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa
from fastapi.testclient import TestClient

from lifeline.alerts.channels import SmtpEmail
from lifeline.alerts.outbox import Channel
from lifeline.alerts.worker import DeliveryWorker
from lifeline.bootstrap import Platform, link_signer
from lifeline.kernel.clock import VirtualClock
from lifeline.security.model import Role
from tests.integration.alerts.receivers import smtp_server
from tests.integration.alerts.test_alerts_api import _publish_orange, _world

INSIDE = {"lon": 114.05, "lat": 22.54}
ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def _subscribe(client: TestClient, address: str, channel: str = "email") -> dict[str, Any]:
    resp = client.post(
        "/public/subscriptions",
        json={"channel": channel, "address": address, "consent": True} | INSIDE,
    )
    assert resp.status_code == 201, resp.text
    body: dict[str, Any] = resp.json()
    return body


def _path(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _events(platform: Platform, type_: str) -> list[dict[str, Any]]:
    with platform.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT payload FROM event_log WHERE type = :t ORDER BY seq"), {"t": type_}
        )
        return [json.loads(r[0]) for r in rows]


def test_the_link_shows_a_page_and_the_post_withdraws(
    platform: Platform, client: TestClient
) -> None:
    sub = _subscribe(client, "alice@example.org")
    url = sub["unsubscribe_url"]
    assert url.startswith(f"{platform.settings.public_base_url}/public/unsubscribe?token=")

    page = client.get(_path(url))
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<script" not in page.text.lower()
    assert "退订" in page.text
    assert "Unsubscribe" in page.text
    assert "a****@example.org" in page.text  # masked, never the whole address
    assert "alice@example.org" not in page.text
    form = re.search(r'<form method="post" action="([^"]+)"', page.text)
    assert form is not None
    action = form.group(1).replace("&amp;", "&")
    # visiting the link withdraws nothing
    assert _events(platform, "SubscriptionWithdrawn") == []

    done = client.post(action, data=ONE_CLICK)
    assert done.status_code == 200
    assert "已退订" in done.text
    [event] = _events(platform, "SubscriptionWithdrawn")
    assert event["channel"] == "email"
    assert "alice" not in json.dumps(event)  # the address is not in the log

    again = client.get(_path(url))  # the page now says it is withdrawn
    assert again.status_code == 200
    assert "已退订" in again.text
    assert client.post(action, data=ONE_CLICK).status_code == 200  # twice: no-op
    assert len(_events(platform, "SubscriptionWithdrawn")) == 1


def test_tampered_and_foreign_links_are_refused(platform: Platform, client: TestClient) -> None:
    sub = _subscribe(client, "bob@example.org")
    token = parse_qs(urlsplit(sub["unsubscribe_url"]).query)["token"][0]
    sub_id, mac = token.split(".")
    flipped = mac[:-1] + ("A" if mac[-1] != "A" else "B")
    other = _subscribe(client, "carol@example.org")["id"]
    for bad in (f"{sub_id}.{flipped}", f"{other}.{mac}", sub_id, "nonsense", f"{sub_id}.x"):
        page = client.get("/public/unsubscribe", params={"token": bad})
        assert page.status_code == 400, bad
        assert "链接无效" in page.text
        assert "cannot be used" in page.text
        refused = client.post("/public/unsubscribe", params={"token": bad}, data=ONE_CLICK)
        assert refused.status_code == 422, bad
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["errors"][0]["field"] == "token"
    missing = client.post("/public/unsubscribe")
    assert missing.status_code == 422
    assert "token" in missing.text
    # a valid signature for a subscription that does not exist
    ghost = link_signer(platform.settings).token("0190a000-0000-7000-8000-000000000000")
    assert client.get("/public/unsubscribe", params={"token": ghost}).status_code == 404
    assert client.post("/public/unsubscribe", params={"token": ghost}).status_code == 404
    assert _events(platform, "SubscriptionWithdrawn") == []


def test_email_carries_one_click_headers_that_withdraw_and_stop_queued_messages(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = _world(platform, client)
    _subscribe(client, "dora@example.org")
    erin = _subscribe(client, "erin@example.org")
    with smtp_server() as (inbox, smtp_port):
        first = _publish_orange(client, world)
        worker = DeliveryWorker(
            platform.uow,
            clock,
            {Channel.EMAIL: SmtpEmail("127.0.0.1", smtp_port, "alerts@lifeline.test")},
            links=link_signer(platform.settings),
        )
        assert worker.run_once().sent[Channel.EMAIL] == 2
        dora = next(m for m in inbox.messages if m["To"] == "dora@example.org")
        assert dora["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        header_url = str(dora["List-Unsubscribe"]).strip("<>")
        body = dora.get_payload(decode=True)
        assert isinstance(body, bytes)
        assert header_url in body.decode("utf-8")  # the body carries the same link
        # RFC 8058: the mail client POSTs List-Unsubscribe=One-Click to the header's URL
        assert client.post(_path(header_url), data=ONE_CLICK).status_code == 200

        # Erin withdraws while a second alert's messages are queued: hers is not sent
        second = _publish_orange(client, world)
        assert client.post(_path(erin["unsubscribe_url"]), data=ONE_CLICK).status_code == 200
        assert worker.run_once().sent[Channel.EMAIL] == 0
    headers = world.headers(Role.COMMANDER, "district")
    report = client.get(f"/alerts/{second['id']}/deliveries", headers=headers).json()
    assert report["by_channel"] == {"email": {"withdrawn": 1}}
    assert report["withdrawn"] == 1
    assert client.get(f"/alerts/{first['id']}/deliveries", headers=headers).json()["sent"] == 2
    withdrawn = _events(platform, "SubscriptionWithdrawn")
    assert [e["deliveries_withdrawn"] for e in withdrawn] == [0, 1]
