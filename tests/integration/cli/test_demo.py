"""``lifeline demo`` starts, serves the seeded city with working logins, and stops on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
