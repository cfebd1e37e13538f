"""The delivery loop: leases shared by several workers, an expired lease claimed again, the loop
inside the API's lifespan, and ``lifeline alerts deliver`` killed mid-delivery and restarted."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from lifeline.alerts.channels import IDEMPOTENCY_HEADER, SmtpEmail
from lifeline.alerts.outbox import OUTBOX, Channel
from lifeline.alerts.worker import DeliveryWorker
from lifeline.api.app import create_app
from lifeline.bootstrap import Platform, build_platform
from lifeline.config import Settings
from lifeline.kernel.clock import VirtualClock
from lifeline.security.model import Role
from tests.integration.alerts.receivers import smtp_server
from tests.integration.alerts.test_alerts_api import _publish_orange, _world

INSIDE = {"lon": 114.05, "lat": 22.54}
ROOT = Path(__file__).resolve().parents[3]


def _subscribe_all(client: TestClient, addresses: list[str]) -> None:
    for address in addresses:
        resp = client.post(
            "/public/subscriptions",
            json={"channel": "email", "address": address, "consent": True} | INSIDE,
        )
        assert resp.status_code == 201, resp.text


def _report(client: TestClient, world: Any, alert_id: str) -> dict[str, Any]:
    headers = world.headers(Role.COMMANDER, "district")
    body: dict[str, Any] = client.get(f"/alerts/{alert_id}/deliveries", headers=headers).json()
    return body


def test_two_workers_share_the_outbox_without_sending_anything_twice(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = _world(platform, client)
    recipients = [f"r{i:02d}@example.org" for i in range(24)]
    _subscribe_all(client, recipients)
    with smtp_server(delay_s=0.02) as (inbox, smtp_port):
        alert = _publish_orange(client, world)
        workers = [
            DeliveryWorker(
                platform.uow,
                clock,
                {Channel.EMAIL: SmtpEmail("127.0.0.1", smtp_port, "alerts@lifeline.test")},
                batch=4,
                owner=f"worker-{n}",
            )
            for n in range(2)
        ]
        threads = [threading.Thread(target=w.run_once) for w in workers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    keys = Counter(m[IDEMPOTENCY_HEADER] for m in inbox.messages)
    assert len(keys) == 24
    assert set(keys.values()) == {1}
    assert sorted(m["To"] for m in inbox.messages) == recipients
    assert sum(w.totals.sent[Channel.EMAIL] for w in workers) == 24
    assert _report(client, world, alert["id"])["by_channel"] == {"email": {"sent": 24}}


def test_a_dead_workers_lease_expires_and_another_worker_sends(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    world = _world(platform, client)
    _subscribe_all(client, ["a@example.org", "b@example.org"])
    with smtp_server() as (inbox, smtp_port):
        alert = _publish_orange(client, world)
        # a worker claims both messages and dies before sending either
        with platform.uow() as uow:
            claimed = uow.repo(OUTBOX).claim(
                Channel.EMAIL,
                clock.now(),
                10,
                owner="dead-worker",
                lease_until=clock.now() + timedelta(seconds=60),
            )
            uow.commit()
        assert len(claimed) == 2
        worker = DeliveryWorker(
            platform.uow,
            clock,
            {Channel.EMAIL: SmtpEmail("127.0.0.1", smtp_port, "alerts@lifeline.test")},
            lease_s=60,
        )
        assert worker.run_once().sent[Channel.EMAIL] == 0  # leased by the dead worker
        assert _report(client, world, alert["id"])["queued"] == 2
        clock.advance(timedelta(seconds=61))
        assert worker.run_once().sent[Channel.EMAIL] == 2  # the lease expired: claimed again
    assert sorted(m["To"] for m in inbox.messages) == ["a@example.org", "b@example.org"]


def test_the_api_runs_the_delivery_loop_while_serving_and_stops_it(
    settings: Settings, clock: VirtualClock
) -> None:
    with smtp_server() as (inbox, smtp_port):
        serving = settings.model_copy(
            update={
                "delivery_loop": True,
                "delivery_interval_s": 0.05,
                "smtp_host": "127.0.0.1",
                "smtp_port": smtp_port,
            }
        )
        platform = build_platform(serving, clock=clock)
        try:
            with TestClient(create_app(platform=platform)) as client:
                world = _world(platform, client)
                _subscribe_all(client, ["loop@example.org"])
                alert = _publish_orange(client, world)
                deadline = time.monotonic() + 60
                while _report(client, world, alert["id"])["sent"] < 1:
                    assert time.monotonic() < deadline, "the loop sent nothing"
                    time.sleep(0.05)
            # leaving the app stopped the loop: no channel thread is left running
            assert not [t for t in threading.enumerate() if t.name.startswith("delivery-")]
        finally:
            platform.close()
    assert [m["To"] for m in inbox.messages] == ["loop@example.org"]
    assert "/public/unsubscribe?token=" in inbox.messages[0]["List-Unsubscribe"]


def _deliver(database_url: str, smtp_port: int, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "src"),
        "LIFELINE_SMTP_HOST": "127.0.0.1",
        "LIFELINE_SMTP_PORT": str(smtp_port),
        "LIFELINE_DELIVERY_LEASE_S": "3",
        "LIFELINE_DELIVERY_INTERVAL_S": "0.2",
        "LIFELINE_LINK_SIGNING_KEY": "kill-test-link-key-0123456789",
        "LIFELINE_LOG_JSON": "false",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lifeline.cli",
            "alerts",
            "deliver",
            "--database-url",
            database_url,
            *list(args),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_killed_mid_delivery_the_restarted_loop_reaches_everyone_once_per_key(
    platform: Platform, client: TestClient
) -> None:
    """SIGKILL ``lifeline alerts deliver`` while the SMTP server holds its 4th message (received,
    not yet acknowledged, so never marked sent); a restarted loop sends the rest once the dead
    process's lease expires."""
    world = _world(platform, client)
    recipients = [f"r{i:02d}@example.org" for i in range(10)]
    _subscribe_all(client, recipients)
    with smtp_server(hold_at=4) as (inbox, smtp_port):
        alert = _publish_orange(client, world)
        first = _deliver(platform.settings.database_url, smtp_port)
        try:
            assert inbox.holding.wait(timeout=120), first.stderr.read() if first.stderr else ""
        finally:
            first.kill()  # SIGKILL: no cleanup, no commit
            first.communicate(timeout=60)
        assert first.returncode == -9
        assert len(inbox.messages) == 4
        report = _report(client, world, alert["id"])
        assert report["by_channel"] == {"email": {"sent": 3, "queued": 7}}
        inbox.release.set()

        restarted = _deliver(platform.settings.database_url, smtp_port, "--until-done")
        out, errors = restarted.communicate(timeout=180)
        assert restarted.returncode == 0, errors
        assert "sent 7" in out  # six never sent + the one in flight at the kill

    got = Counter(m["To"] for m in inbox.messages)
    assert set(got) == set(recipients)  # every recipient got the alert
    keys = Counter(m[IDEMPOTENCY_HEADER] for m in inbox.messages)
    assert len(keys) == 10  # one key per recipient and channel
    repeats = [k for k, n in keys.items() if n > 1]
    assert len(repeats) == 1  # only the message in flight at the kill went twice,
    assert keys[repeats[0]] == 2  # with the same key, so the receiver drops the repeat
    assert _report(client, world, alert["id"])["by_channel"] == {"email": {"sent": 10}}


def test_deliver_once_and_report_from_the_command_line(
    platform: Platform, client: TestClient
) -> None:
    from typer.testing import CliRunner

    from lifeline.cli.main import app

    world = _world(platform, client)
    _subscribe_all(client, ["cli@example.org"])
    resp = client.post(
        "/public/subscriptions",
        json={"channel": "webhook", "address": "http://127.0.0.1:9/x", "consent": True} | INSIDE,
    )
    assert resp.status_code == 201
    runner = CliRunner()
    url = platform.settings.database_url
    with smtp_server() as (inbox, smtp_port):
        alert = _publish_orange(client, world)
        env = {
            "LIFELINE_SMTP_HOST": "127.0.0.1",
            "LIFELINE_SMTP_PORT": str(smtp_port),
            "LIFELINE_LOG_JSON": "false",
        }
        delivered = runner.invoke(
            app, ["alerts", "deliver", "--once", "--database-url", url], env=env
        )
        assert delivered.exit_code == 0, delivered.output
        assert "sent 1" in delivered.output
    assert [m["To"] for m in inbox.messages] == ["cli@example.org"]
    report = runner.invoke(
        app, ["alerts", "report", alert["id"], "--database-url", url], env={"COLUMNS": "200"}
    )
    assert report.exit_code == 0, report.output
    rows = {
        cells[0]: cells[1:]
        for line in report.output.splitlines()
        if len(cells := [c.strip() for c in line.split("│")[1:-1]]) == 5
    }
    assert rows["email"] == ["0", "1", "0", "0"]
    assert rows["webhook"] == ["1", "0", "0", "0"]  # no webhook secret configured: still queued
    assert rows["total"] == ["1", "1", "0", "0"]
    missing = runner.invoke(app, ["alerts", "report", "no-such-alert", "--database-url", url])
    assert missing.exit_code == 1
