"""``lifeline demo`` starts, serves the seeded city with working logins, and stops on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.integration.processes import free_port

PASSWORD = "lifeline-demo-2026"


def _login(base: str, username: str) -> dict[str, str]:
    answer = httpx.post(f"{base}/auth/login", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _wait_for(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"{what} within {seconds} s"
        time.sleep(0.5)


def _recent_parts_are_there(base: str, tmp_path: Path) -> None:
    """The demo's newer parts, by what the running server answers."""
    steward = _login(base, "data.steward")
    datasets = {d["name"]: d for d in httpx.get(f"{base}/sharing/datasets", headers=steward).json()}
    roster = datasets["Duty contacts roster"]
    # a rotated data key: version 2 alone, nothing left under version 1, records still read
    key = httpx.get(f"{base}/sharing/datasets/{roster['id']}/data-key", headers=steward).json()
    assert key["versions"] == [2]
    assert key["records_under_old_key"] == 0
    records = httpx.get(f"{base}/sharing/datasets/{roster['id']}/records", headers=steward).json()
    assert records["total"] == 3
    # the grantee's listing: the fire detachment's steward sees the roster, personal fields masked
    shared = httpx.get(f"{base}/sharing/shared", headers=_login(base, "steward.fire")).json()
    [item] = [s for s in shared if s["dataset_id"] == roster["id"]]
    assert set(item["masked_fields"]) == {"name", "phone"}
    # an anomaly rule's alarm at the Futian pipeline station
    futian = _login(base, "duty.futian")
    alarms = httpx.get(f"{base}/warning/alarms?limit=200", headers=futian).json()["items"]
    anomalies = [a for a in alarms if a["rule_snapshot"]["condition"]["type"] == "anomaly"]
    assert anomalies
    assert anomalies[0]["evidence"]["score"] >= 5
    # warm search trees for the units
    network = httpx.get(f"{base}/geo/network", headers=futian).json()
    assert network["kept_trees"] > 0
    # the intake's counters
    metrics = httpx.get(f"{base}/metrics").text
    assert 'lifeline_ingest_accepted_observations_total{source="demo"} 301.0' in metrics
    # the file drop: the nightly export was picked up (and moved to done/) …
    teams = datasets["Rescue teams (file drop)"]
    files_url = f"{base}/sharing/datasets/{teams['id']}/drop/files"
    [first] = httpx.get(files_url, headers=steward).json()
    assert first["status"] == "ingested"
    folder = tmp_path / "lifeline-demo-drops" / "emergency-bureau-teams"
    assert (folder / "done" / first["name"]).is_file()
    # … and a file dropped while the demo serves is picked up by the server by itself
    (folder / "teams-extra.csv").write_text(
        "队伍编号,队伍名称,类型,人数\nRT-009,坪山区应急救援队,professional,18\n", encoding="utf-8"
    )
    _wait_for(
        lambda: len(httpx.get(files_url, headers=steward).json()) == 2,
        60,
        "a dropped file picked up",
    )
    records_url = f"{base}/sharing/datasets/{teams['id']}/records"
    assert httpx.get(records_url, headers=steward).json()["total"] == 4


@pytest.mark.slow
def test_demo_serves_the_seeded_city(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lifeline.cli",
            "demo",
            "--port",
            str(port),
            "--db",
            str(tmp_path / "demo.sqlite"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        cwd=tmp_path,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240  # seeding every context and the scenario
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
            assert time.monotonic() < deadline, "demo did not answer /health within 240 s"
            time.sleep(0.2)
        assert httpx.get(f"{base}/ready").json()["status"] == "ready"
        token = httpx.post(
            f"{base}/auth/login", json={"username": "duty.futian", "password": "lifeline-demo-2026"}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        orgs = httpx.get(f"{base}/organisations?limit=500", headers=headers).json()
        names = {o["name"] for o in orgs["items"]}
        assert "福田区" in names
        assert "罗湖区" not in names  # a sibling district is invisible to Futian's duty officer
        admin = httpx.post(
            f"{base}/auth/login", json={"username": "admin", "password": "lifeline-demo-2026"}
        ).json()["access_token"]
        all_orgs = httpx.get(
            f"{base}/organisations?kind=district&limit=500",
            headers={"Authorization": f"Bearer {admin}"},
        ).json()
        assert all_orgs["total"] == 10
        landing = httpx.get(f"{base}/").text
        assert 'href="/public/warnings"' in landing
        assert httpx.get(f"{base}/public/warnings").status_code == 200
        docs = httpx.get(f"{base}/docs").text
        assert "/static/swagger/swagger-ui-bundle.js" in docs
        assert "cdn" not in docs.lower()
        assert httpx.get(f"{base}/static/swagger/swagger-ui-bundle.js").status_code == 200
        assert "lifeline_http_requests_total" in httpx.get(f"{base}/metrics").text
        _recent_parts_are_there(base, tmp_path)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            output, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
    assert proc.returncode == 0, output
    assert "Demo logins" in output
    assert "duty.futian" in output
    assert "plan park-warehouse-fire activated" in output  # the scenario ran through
    assert "Units recommended" in output
    assert base in output
