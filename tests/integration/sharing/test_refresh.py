"""Scheduled refresh of HTTP JSON sources: leased so two workers never fetch one dataset at once,
failures recorded on failed runs and retried with backoff, freshness following the schedule; the
server's loop and ``lifeline ingest refresh`` do the fetching (a local HTTP server, no internet)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from lifeline.api.app import create_app
from lifeline.bootstrap import Platform, build_platform, refresh_worker
from lifeline.cli.main import app
from lifeline.config import Settings
from lifeline.kernel.clock import VirtualClock
from lifeline.security.model import Role
from lifeline.sharing.model import RunStatus
from tests.integration.security.world import build_world
from tests.integration.sharing.hub import make_dataset, steward
from tests.integration.sharing.test_agreements_api import login

TEAM_MAPPING = """
record_type: team
key: [id]
fields:
  external_id: {column: id}
  name: {column: name}
  kind: {column: kind}
  members: {column: members}
"""


class _TeamsApi(BaseHTTPRequestHandler):
    """Two teams, and a third without a name; answers 503 while ``failing`` is set."""

    failing: ClassVar[threading.Event]
    hits: ClassVar[list[str]]

    def do_GET(self) -> None:
        self.hits.append(self.path)
        if self.failing.is_set():
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = {"items": [
            {"id": "T1", "name": "龙岗区专业救援队", "kind": "professional", "members": 40},
            {"id": "T2", "name": "蓝天救援队", "kind": "social", "members": 25},
            {"id": "T3", "name": "", "kind": "social", "members": 5},
        ]}  # fmt: skip
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def teams_api() -> Iterator[type[_TeamsApi]]:
    handler = type("TeamsApi", (_TeamsApi,), {"failing": threading.Event(), "hits": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_address[1]}/teams"  # type: ignore[attr-defined]
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        jwt_secret="test-secret-" + "x" * 32,
        log_json=False,
        relay_interval_s=0.05,
        delivery_loop=False,
        sharing_refresh_loop=False,  # the test drives the workers; the loop has its own test
        sharing_refresh_backoff_base_s=60,
        sharing_refresh_lease_s=900,
    )


def _runs(client: TestClient, headers: dict[str, str], dataset_id: str) -> list[dict[str, Any]]:
    found = client.get(f"/sharing/datasets/{dataset_id}/runs", headers=headers)
    assert found.status_code == 200, found.text
    return list(found.json())


def test_scheduled_fetches_are_leased_retried_with_backoff_and_keep_freshness(
    platform: Platform,
    client: TestClient,
    clock: VirtualClock,
    engine: sa.Engine,
    teams_api: type[_TeamsApi],
) -> None:
    url: str = teams_api.url  # type: ignore[attr-defined]
    world = build_world(
        platform, client, roles=(Role.DATA_STEWARD, Role.ANALYST), levels=("district",)
    )
    headers = steward(world)
    dataset = make_dataset(
        client, headers, world.org["district"], record_type="team", mapping=TEAM_MAPPING
    )
    refresh_url = f"/sharing/datasets/{dataset['id']}/refresh"
    quality_url = f"/sharing/datasets/{dataset['id']}/quality"
    # the dataset has no interval yet: the schedule must name one; a non-HTTP URL is refused
    no_interval = client.put(refresh_url, json={"url": url}, headers=headers)
    assert no_interval.status_code == 422
    assert "interval_s" in no_interval.text
    assert client.put(refresh_url, json={"url": "file:///etc/passwd", "interval_s": 60},
                      headers=headers).status_code == 422  # fmt: skip
    analyst = world.headers(Role.ANALYST, "district")
    assert client.put(refresh_url, json={"url": url, "interval_s": 3600},
                      headers=analyst).status_code == 403  # fmt: skip

    scheduled = client.put(refresh_url, json={"url": url, "interval_s": 3600}, headers=headers)
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["attempts"] == 0
    got = client.get(f"/sharing/datasets/{dataset['id']}", headers=headers).json()
    assert got["refresh_interval_s"] == 3600
    assert client.get(quality_url, headers=headers).json()["freshness"]["status"] == "never"

    # two workers: the one holding the lease fetches, the other finds nothing to do
    first, second = refresh_worker(platform, owner="w1"), refresh_worker(platform, owner="w2")
    [claimed] = first.claim()
    assert claimed.dataset_id == dataset["id"]
    assert second.run_once() == []
    run = first.refresh(claimed)
    assert (run.status, run.read, run.accepted, run.quarantined) == (RunStatus.COMPLETED, 3, 2, 1)
    assert len(teams_api.hits) == 1
    assert first.run_once() == []
    assert second.run_once() == []
    report = client.get(quality_url, headers=headers).json()
    assert report["freshness"]["status"] == "fresh"
    assert report["refresh"]["next_run_at"].startswith(
        (clock.now() + timedelta(hours=1)).isoformat()[:19]
    )

    # the source fails: a failed run with the error, retried after 60 s, then 120 s
    teams_api.failing.set()
    clock.advance(timedelta(seconds=3601))
    headers = login(client, "data_steward.district")  # the first token has expired
    assert client.get(quality_url, headers=headers).json()["freshness"]["status"] == "stale"
    [failed] = second.run_once()
    assert failed.status is RunStatus.FAILED
    assert failed.error is not None
    assert "503" in failed.error
    runs = _runs(client, headers, dataset["id"])
    assert [r["status"] for r in runs] == ["completed", "failed"]
    assert "503" in runs[-1]["error"]
    assert (runs[-1]["read"], runs[-1]["accepted"]) == (0, 0)
    schedule = client.get(refresh_url, headers=headers).json()
    assert schedule["attempts"] == 1
    assert schedule["lease_owner"] is None
    assert "503" in schedule["last_error"]
    assert second.run_once() == []  # backing off
    clock.advance(timedelta(seconds=61))
    [again] = first.run_once()
    assert again.status is RunStatus.FAILED
    assert client.get(refresh_url, headers=headers).json()["attempts"] == 2
    clock.advance(timedelta(seconds=61))
    assert first.run_once() == []  # the second wait is 120 s
    report = client.get(quality_url, headers=headers).json()
    assert report["freshness"]["status"] == "stale"  # failed runs do not make it fresh
    assert report["refresh"]["failed_attempts"] == 2
    assert [h["status"] for h in report["history"]] == ["completed", "failed", "failed"]
    page = client.get(quality_url + ".html", headers=headers).text
    assert "Next fetch" in page
    assert page.count("失败 failed") == 2

    teams_api.failing.clear()
    clock.advance(timedelta(seconds=60))
    headers = login(client, "data_steward.district")
    [recovered] = second.run_once()
    assert (recovered.status, recovered.merged) == (RunStatus.COMPLETED, 2)
    assert client.get(refresh_url, headers=headers).json()["attempts"] == 0
    assert client.get(quality_url, headers=headers).json()["freshness"]["status"] == "fresh"

    # a worker that dies holding the lease: the dataset waits for the lease to expire
    clock.advance(timedelta(seconds=3601))
    assert len(first.claim()) == 1  # … and then first never settles
    assert second.run_once() == []
    clock.advance(timedelta(seconds=901))
    [taken_over] = second.run_once()
    assert taken_over.status is RunStatus.COMPLETED
    headers = login(client, "data_steward.district")

    with engine.connect() as conn:
        types = [
            t
            for (t,) in conn.execute(
                sa.text("SELECT type FROM event_log WHERE type IN "
                        "('RefreshScheduled', 'IngestRunFailed') ORDER BY seq")
            )
        ]  # fmt: skip
    assert types == ["RefreshScheduled", "IngestRunFailed", "IngestRunFailed"]

    # the command does the same (on the real clock, where the schedule is long due)
    runner = CliRunner()
    assert runner.invoke(app, ["ingest", "refresh", "--help"]).exit_code == 0
    db = platform.settings.database_url
    out = runner.invoke(app, ["ingest", "refresh", "--database-url", db])
    assert out.exit_code == 0, out.output
    assert f"dataset {dataset['id']}" in out.output
    assert "merged 2" in out.output
    assert len(_runs(client, headers, dataset["id"])) == 6

    assert client.delete(refresh_url, headers=headers).status_code == 204
    assert client.get(refresh_url, headers=headers).status_code == 404


def test_the_server_fetches_due_sources_by_itself(
    settings: Settings, engine: sa.Engine, clock: VirtualClock, teams_api: type[_TeamsApi]
) -> None:
    looping = build_platform(
        settings.model_copy(
            update={"sharing_refresh_loop": True, "sharing_refresh_interval_s": 0.1}
        ),
        clock=clock,
        engine=engine,
    )
    with TestClient(create_app(platform=looping)) as client:
        world = build_world(looping, client, roles=(Role.DATA_STEWARD,), levels=("district",))
        headers = steward(world)
        dataset = make_dataset(
            client, headers, world.org["district"], record_type="team", mapping=TEAM_MAPPING
        )
        url: str = teams_api.url  # type: ignore[attr-defined]
        scheduled = client.put(
            f"/sharing/datasets/{dataset['id']}/refresh",
            json={"url": url, "interval_s": 600},
            headers=headers,
        )
        assert scheduled.status_code == 200
        deadline = time.monotonic() + 30
        runs: list[dict[str, Any]] = []
        while time.monotonic() < deadline and not runs:
            time.sleep(0.1)
            runs = _runs(client, headers, dataset["id"])
        assert [r["status"] for r in runs] == ["completed"]
        assert runs[0]["file_name"] == url
        time.sleep(0.5)  # more rounds pass; nothing is due for ten minutes
        assert len(_runs(client, headers, dataset["id"])) == 1
        assert len(teams_api.hits) == 1
