"""Overload: a full ingest intake sheds with 503 and Retry-After before accepting anything, and
every observation acknowledged with 2xx is stored (checked by counts, never by timing)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from lifeline.bootstrap import Platform
from lifeline.kernel.clock import VirtualClock
from lifeline.kernel.uow import UnitOfWork
from lifeline.monitoring.batch import ObservationBatch
from lifeline.monitoring.intake import BoundedIntake
from tests.integration.monitoring.helpers import Network, build_network


@pytest.fixture
def net(platform: Platform, client: TestClient) -> Network:
    return build_network(platform, client)


def _stored_keys(engine: Engine) -> set[tuple[str, int]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT d.id, o.phenomenon_time_us FROM monitoring_observation o "
                "JOIN monitoring_datastream d ON d.number = o.datastream_number"
            )
        ).all()
    return {(str(r[0]), int(r[1])) for r in rows}


def _quarantined(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT count(*) FROM monitoring_quarantine")).scalar_one())


def _metric(client: TestClient, line_start: str) -> float:
    text = client.get("/metrics").text
    return float(next(ln for ln in text.splitlines() if ln.startswith(line_start)).split()[-1])


def _keys(stream: str, times: list[float]) -> set[tuple[str, int]]:
    return {(stream, round(t * 1_000_000)) for t in times}


def test_a_full_intake_answers_503_with_retry_after_and_accepts_nothing_of_the_batch(
    platform: Platform, net: Network, client: TestClient, clock: VirtualClock, engine: Engine
) -> None:
    platform.ingest_intake = BoundedIntake(10)
    entered, go_on = threading.Event(), threading.Event()

    def slow_sink(batch: ObservationBatch, uow: UnitOfWork) -> None:
        entered.set()  # the first batch is inside its write transaction: the backlog is 8
        assert go_on.wait(30)

    platform.batch_sinks = (slow_sink,)
    t = clock.now().timestamp()
    smoke_a, smoke_b = net.streams[("a", "smoke")], net.streams[("b", "smoke")]
    times_a = [t - 80 + i for i in range(8)]
    times_b = [t - 40 + i for i in range(5)]
    body_a = {"datastream_id": smoke_a, "phenomenon_time": times_a, "results": [1.0] * 8}
    body_b = {"datastream_id": smoke_b, "phenomenon_time": times_b, "results": [2.0] * 5}
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(
            client.post, "/monitoring/observations:batch", json=body_a, headers=net.device("a")
        )
        assert entered.wait(30)
        shed = client.post("/monitoring/observations:batch", json=body_b, headers=net.device("b"))
        assert shed.status_code == 503
        assert shed.headers["content-type"].startswith("application/problem+json")
        assert int(shed.headers["Retry-After"]) >= 1
        assert shed.json()["type"].endswith("/overloaded")
        assert _metric(client, "lifeline_ingest_backlog_observations ") == 8
        assert _metric(client, 'lifeline_ingest_shed_observations_total{source="http"}') == 5
        go_on.set()
        acknowledged = first.result(timeout=60)
    assert acknowledged.status_code == 200
    assert acknowledged.json()["accepted"] == 8
    assert _stored_keys(engine) == _keys(smoke_a, times_a)  # nothing of the shed batch
    assert _quarantined(engine) == 0  # shed is not rejected: the client still holds it
    again = client.post("/monitoring/observations:batch", json=body_b, headers=net.device("b"))
    assert again.status_code == 200
    assert _stored_keys(engine) == _keys(smoke_a, times_a) | _keys(smoke_b, times_b)
    assert _metric(client, "lifeline_ingest_backlog_observations ") == 0
    assert _metric(client, 'lifeline_ingest_accepted_observations_total{source="http"}') == 13
    assert _metric(client, 'lifeline_ingest_committed_observations_total{source="http"}') == 13


def test_under_concurrent_writers_every_acknowledged_observation_is_stored_and_no_shed_one(
    platform: Platform, net: Network, client: TestClient, clock: VirtualClock, engine: Engine
) -> None:
    platform.ingest_intake = BoundedIntake(12)
    t = clock.now().timestamp()
    writers = [
        (d, k, part) for d in ("a", "b") for k in ("smoke", "temperature") for part in (0, 1)
    ]

    def write(writer: tuple[str, str, int]) -> list[tuple[int, set[tuple[str, int]]]]:
        device, kind, part = writer
        stream = net.streams[(device, kind)]
        out = []
        for batch in range(12):
            times = [t - 3000 + part * 1500 + batch * 10 + i for i in range(5)]
            body = {"datastream_id": stream, "phenomenon_time": times, "results": [3.0] * 5}
            resp = client.post(
                "/monitoring/observations:batch", json=body, headers=net.device(device)
            )
            assert resp.status_code in (200, 503), resp.text
            out.append((resp.status_code, _keys(stream, times)))
        return out

    with ThreadPoolExecutor(len(writers)) as pool:
        answers = [a for result in pool.map(write, writers) for a in result]
    acknowledged = set().union(*(keys for status, keys in answers if status == 200))
    shed = set().union(*(keys for status, keys in answers if status == 503))
    assert _stored_keys(engine) == acknowledged
    snap = platform.ingest_intake.snapshot()
    assert snap.accepted.get("http", 0) == len(acknowledged)
    assert snap.committed.get("http", 0) == len(acknowledged)
    assert snap.shed.get("http", 0) == len(shed)
    assert snap.backlog == 0
    assert snap.peak_backlog <= 12
