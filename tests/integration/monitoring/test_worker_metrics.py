"""The MQTT ingest worker process (``lifeline monitoring mqtt-worker --metrics-port``) serves
its intake counters, its message counters and its micro-batch histograms as Prometheus text,
read over HTTP from a real worker subscribed to a real broker (Mosquitto)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.mqtt import broker_address, new_client
from lifeline.monitoring.mqtt import publish_properties, topic_for
from tests.integration.monitoring.helpers import build_network
from tests.integration.processes import free_port, sample

pytestmark = pytest.mark.mqtt
ROOT = Path(__file__).resolve().parents[3]


def _scrape(port: int) -> str:
    resp = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5)
    assert resp.status_code == 200
    return resp.text


def test_the_worker_process_serves_its_intake_and_batches_on_its_metrics_port(
    platform: Platform, client: TestClient, database_url: str, mqtt_url: str
) -> None:
    net = build_network(platform, client)
    root = f"lifeline-test-{uuid.uuid4().hex[:8]}"
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "LIFELINE_LOG_JSON": "false"}
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "lifeline.cli", "monitoring", "mqtt-worker",
            "--database-url", database_url, "--mqtt-url", mqtt_url,
            "--group", f"g{uuid.uuid4().hex[:8]}", "--topic-root", root,
            "--max-wait-ms", "20", "--metrics-port", str(port),
        ],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert worker.stdout is not None
        seen = []
        for line in worker.stdout:  # the worker says where it serves, then once it is subscribed
            seen.append(line)
            if line.startswith("subscribed to"):
                break
        assert any(f"http://127.0.0.1:{port}/metrics" in line for line in seen), seen
        before = _scrape(port)
        assert sample(before, "lifeline_ingest_backlog_observations") == 0
        assert sample(before, "lifeline_mqtt_messages_total") == 0

        org, thing = net.world.org["district"], net.things["a"]
        topic = topic_for(org, thing, net.streams[("a", "temperature")], root)
        publisher = new_client()
        host, broker_port = broker_address(mqtt_url)
        publisher.connect(host, broker_port)
        publisher.loop_start()
        key = publish_properties(net.keys["a"])
        t = time.time() - 60
        for i in range(5):  # 5 messages of 3 observations, one of them out of range
            body = {"phenomenon_time": [t + i, t + i + 0.1, t + i + 0.2],
                    "results": [20.0, 21.0, 900.0 if i == 0 else 22.0]}  # fmt: skip
            publisher.publish(topic, json.dumps(body), qos=1, properties=key).wait_for_publish()
        publisher.publish(topic, json.dumps({"phenomenon_time": t, "result": 1.0}), qos=1)
        publisher.loop_stop()
        publisher.disconnect()

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            text = _scrape(port)
            if sample(text, "lifeline_mqtt_messages_total") == 6:
                break
            time.sleep(0.1)
        assert sample(text, "lifeline_mqtt_messages_total") == 6, text
        assert sample(text, "lifeline_mqtt_accepted_observations_total") == 14
        assert sample(text, "lifeline_mqtt_rejected_observations_total") == 1  # out of range
        assert sample(text, "lifeline_mqtt_refused_observations_total") == 1  # no device key
        # the intake collector the API's /metrics uses, now counting this process's MQTT path
        committed = 'lifeline_ingest_committed_observations_total{source="mqtt"}'
        assert sample(text, committed) == 16  # every row reserved, written and released
        assert sample(text, 'lifeline_ingest_shed_observations_total{source="mqtt"}') == 0
        assert sample(text, "lifeline_ingest_backlog_observations") == 0
        batches = sample(text, "lifeline_mqtt_batches_total")
        assert batches is not None
        assert 1 <= batches <= 6
        assert sample(text, "lifeline_mqtt_batch_messages_count") == batches
        assert sample(text, "lifeline_mqtt_batch_messages_sum") == 6
        assert sample(text, "lifeline_mqtt_batch_observations_sum") == 16
        assert sample(text, "lifeline_mqtt_batch_duration_seconds_count") == batches
        assert sample(text, 'lifeline_mqtt_batch_duration_seconds_bucket{le="+Inf"}') == batches
    finally:
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err
    assert "stopped:" in out
