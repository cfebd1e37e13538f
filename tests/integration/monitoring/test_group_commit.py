"""HTTP ingest by group commit: concurrent devices' requests are stored, each exactly once and
answered with its own result, however the server groups them into transactions."""

from __future__ import annotations

import threading

import sqlalchemy as sa
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.clock import VirtualClock
from lifeline.kernel.group_commit import GroupCommit
from tests.integration.monitoring.helpers import build_network


def test_concurrent_requests_are_each_stored_once_and_answered_their_own_result(
    platform: Platform, client: TestClient, clock: VirtualClock
) -> None:
    net = build_network(platform, client)
    commits = platform.ingest_commits
    assert isinstance(commits, GroupCommit)
    before = (commits.commits, commits.commands)
    t = clock.now().timestamp()
    answers: dict[tuple[str, int], tuple[int, dict[str, object]]] = {}

    def send(name: str, k: int) -> None:
        rows = [
            {"datastream_id": net.streams[(name, "temperature")],
             "phenomenon_time": t - 100 + k, "result": 20.0 + k},
            {"datastream_id": net.streams[(name, "smoke")],
             "phenomenon_time": t - 100 + k, "result": 1e9 if k == 0 else 0.1},
        ]  # fmt: skip
        resp = client.post(
            "/monitoring/observations:batch", json={"observations": rows}, headers=net.device(name)
        )
        answers[(name, k)] = (resp.status_code, resp.json())

    threads = [
        threading.Thread(target=send, args=(name, k)) for name in ("a", "b", "c") for k in range(5)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == 15
    for (name, k), (status, body) in answers.items():
        assert status == 200, body
        expected = (1, 1) if k == 0 else (2, 0)  # k == 0: the smoke reading is out of range
        assert (body["accepted"], body["rejected"]) == expected, (name, k, body)
    with platform.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT count(*) FROM monitoring_observation")).scalar()
        kept = conn.execute(sa.text("SELECT count(*) FROM monitoring_quarantine")).scalar()
    assert (stored, kept) == (27, 3)
    groups, carried = commits.commits - before[0], commits.commands - before[1]
    assert carried == 15
    assert 1 <= groups <= 15
