"""The AVL worker process (``lifeline dispatch avl-worker``) as an operator runs it, against a
real broker (Mosquitto): group commit stores a lone fix at once even with an hour's batching
window (which only a busy worker may use), and ``--metrics-port`` serves its counters and
micro-batch histograms. Bad messages and their counters: test_avl_mqtt.py."""

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

from lifeline.bootstrap import Platform
from lifeline.dispatch.avl_mqtt import avl_topic
from lifeline.dispatch.messages import GetUnit
from lifeline.dispatch.model import UnitType
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.mqtt import broker_address, new_client
from tests.integration.dispatch.city import City
from tests.integration.processes import free_port, sample
from tests.integration.security.world import register_tree

pytestmark = pytest.mark.mqtt
ROOT = Path(__file__).resolve().parents[3]


def _wait_for(port: int, name: str, value: float, within_s: float) -> str:
    """Scrape until the sample ``name`` reads ``value`` (or the time is up); the last text."""
    deadline = time.monotonic() + within_s
    while True:
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text
        if sample(text, name) == value or time.monotonic() > deadline:
            return text
        time.sleep(0.05)


def test_the_worker_stores_a_lone_fix_at_once_and_serves_its_metrics(
    platform: Platform, database_url: str, mqtt_url: str
) -> None:
    city = City(platform, register_tree(platform)["district"].id)
    city.station("middle", 22.55)
    unit = city.unit("E1", UnitType.ENGINE, "middle")
    port = free_port()
    root = f"lifeline-test-{uuid.uuid4().hex[:8]}"  # no other test's vehicles on these topics
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "LIFELINE_LOG_JSON": "false"}
    worker = subprocess.Popen(
        [
            sys.executable, "-m", "lifeline.cli", "dispatch", "avl-worker",
            "--database-url", database_url, "--mqtt-url", mqtt_url,
            "--group", f"g{uuid.uuid4().hex[:8]}", "--topic-root", root,
            "--max-wait-ms", "3600000",  # an hour: only a busy worker may linger
            "--metrics-port", str(port),
        ],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    publisher = new_client()
    try:
        assert worker.stdout is not None
        seen = []
        for line in worker.stdout:  # where it serves, then once it is subscribed
            seen.append(line)
            if line.startswith("subscribed to"):
                break
        assert any(f"http://127.0.0.1:{port}/metrics" in line for line in seen), seen
        host, broker_port = broker_address(mqtt_url)
        publisher.connect(host, broker_port)
        publisher.loop_start()
        fix = {"lon": 114.06, "lat": 22.56}  # no time: the worker's clock stamps its receipt
        publisher.publish(avl_topic("E1", root), json.dumps(fix), qos=1).wait_for_publish(5)
        text = _wait_for(port, "lifeline_avl_messages_total", 1, within_s=30)
        assert sample(text, "lifeline_avl_messages_total") == 1, text  # not held for an hour
        assert sample(text, "lifeline_avl_accepted_fixes_total") == 1
        moved = platform.bus.handle(GetUnit(unit_id=unit.id), SYSTEM_ACTOR)
        assert (moved.position.lon, moved.position.lat) == (114.06, 22.56)

        assert sample(text, "lifeline_avl_quarantined_fixes_total") == 0
        assert sample(text, "lifeline_avl_batches_total") == 1
        assert sample(text, "lifeline_avl_batch_messages_count") == 1
        assert sample(text, "lifeline_avl_batch_messages_sum") == 1
        assert sample(text, "lifeline_avl_batch_duration_seconds_count") == 1
    finally:
        publisher.loop_stop()
        publisher.disconnect()
        worker.send_signal(signal.SIGTERM)
        out, err = worker.communicate(timeout=30)
    assert worker.returncode == 0, err
    assert "stopped:" in out
