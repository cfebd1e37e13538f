"""MQTT ingest against a real broker (Mosquitto): device keys as MQTT 5 user properties,
micro-batches, quarantine of unauthenticated messages, and two workers sharing one
subscription so that each observation is stored exactly once."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator

import paho.mqtt.client as mqtt
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from lifeline.bootstrap import Platform
from lifeline.kernel.clock import VirtualClock
from lifeline.kernel.mqtt import broker_address, new_client
from lifeline.monitoring.mqtt import MqttIngestWorker, publish_properties, topic_for
from tests.integration.monitoring.helpers import Network, build_network

pytestmark = pytest.mark.mqtt


@pytest.fixture
def net(platform: Platform, client: TestClient) -> Network:
    return build_network(platform, client)


@pytest.fixture
def root() -> str:
    return f"lifeline-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def workers(
    platform: Platform, mqtt_url: str, root: str
) -> Iterator[Callable[[int], list[MqttIngestWorker]]]:
    stop = threading.Event()
    threads: list[threading.Thread] = []
    group = f"g{uuid.uuid4().hex[:8]}"

    def start(n: int, max_wait_s: float = 0.02) -> list[MqttIngestWorker]:
        made = []
        for _ in range(n):
            worker = MqttIngestWorker(
                bus=platform.bus, system_uow=platform.uow, limiter=platform.ingest_limiter,
                clock=platform.clock, url=mqtt_url, group=group, topic_root=root,
                max_wait_s=max_wait_s,
            )  # fmt: skip
            worker.start()
            thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
            thread.start()
            threads.append(thread)
            made.append(worker)
        return made

    yield start
    stop.set()
    for thread in threads:
        thread.join(timeout=10)


def _publisher(url: str) -> mqtt.Client:
    client = new_client()
    host, port = broker_address(url)
    client.connect(host, port)
    client.loop_start()
    return client


def _wait_for(count: Callable[[], int], expected: int, timeout_s: float = 30.0) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if (n := count()) >= expected:
            return n
        time.sleep(0.05)
    return count()


def _count(platform: Platform, table: str) -> int:
    with platform.engine.connect() as conn:
        return int(conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_a_device_publishes_rows_lists_and_columns_and_bad_messages_are_quarantined(
    platform: Platform, net: Network, mqtt_url: str, root: str, clock: VirtualClock,
    workers: Callable[[int], list[MqttIngestWorker]],
) -> None:  # fmt: skip
    (worker,) = workers(1)
    t = clock.now().timestamp()
    org, thing = net.world.org["district"], net.things["a"]
    temp = net.streams[("a", "temperature")]
    topic = topic_for(org, thing, temp, root)
    publisher = _publisher(mqtt_url)
    key = publish_properties(net.keys["a"])
    messages = [
        {"phenomenon_time": t, "result": 20.0},
        [{"phenomenon_time": t - 1, "result": 20.1}, {"phenomenon_time": t - 2, "result": 500}],
        {"phenomenon_time": [t - 3, t - 4], "results": [20.3, 20.4]},
    ]
    for body in messages:
        publisher.publish(topic, json.dumps(body), qos=1, properties=key).wait_for_publish()
    publisher.publish(topic, b"{broken", qos=1, properties=key).wait_for_publish()
    publisher.publish(topic, json.dumps(messages[0]), qos=1).wait_for_publish()
    foreign = topic_for(org, thing, net.streams[("b", "smoke")], root)
    publisher.publish(foreign, json.dumps(messages[0]), qos=1, properties=key).wait_for_publish()
    assert _wait_for(lambda: worker.stats.messages, 6) == 6
    assert _count(platform, "monitoring_observation") == 4
    assert _count(platform, "monitoring_quarantine") == 4
    with platform.engine.connect() as conn:
        reasons = sorted(
            r[0] for r in conn.execute(sa.text("SELECT reason FROM monitoring_quarantine"))
        )
    assert reasons == ["foreign_datastream", "malformed", "out_of_range", "unauthenticated"]
    assert worker.stats.accepted == 4
    publisher.loop_stop()


def test_two_workers_share_one_subscription_and_store_each_observation_once(
    platform: Platform, net: Network, mqtt_url: str, root: str, clock: VirtualClock,
    workers: Callable[[int], list[MqttIngestWorker]],
) -> None:  # fmt: skip
    first, second = workers(2)
    t = clock.now().timestamp()
    org, thing = net.world.org["district"], net.things["a"]
    topic = topic_for(org, thing, net.streams[("a", "smoke")], root)
    publisher = _publisher(mqtt_url)
    key = publish_properties(net.keys["a"])
    n = 200
    for i in range(n):
        body = json.dumps({"phenomenon_time": t - i, "result": 0.0})
        publisher.publish(topic, body, qos=1, properties=key)
    assert _wait_for(lambda: first.stats.messages + second.stats.messages, n) == n
    assert _count(platform, "monitoring_observation") == n
    # the broker split the load
    assert first.stats.messages > 0
    assert second.stats.messages > 0
    assert first.stats.accepted + second.stats.accepted == n
    publisher.loop_stop()


def test_an_idle_worker_stores_a_message_at_once_however_long_it_may_linger(
    platform: Platform, client: TestClient, net: Network, mqtt_url: str, root: str,
    clock: VirtualClock, workers: Callable[[int, float], list[MqttIngestWorker]],
) -> None:  # fmt: skip
    district = net.world.org["district"]
    rule = {
        "name": "Smoke",
        "hazard": "fire",
        "select": {"kind": "smoke"},
        "condition": {"type": "threshold", "levels": [{"level": "yellow", "raise_at": 2}]},
    }
    made = client.post(
        "/warning/rules",
        json={"organisation_id": district, "definition": rule},
        headers=net.manager("district"),
    )
    assert made.status_code == 201, made.text
    (worker,) = workers(1, 3600.0)  # a busy worker could linger an hour to fill its batch
    smoke = net.streams[("a", "smoke")]
    publisher = _publisher(mqtt_url)
    publisher.publish(
        topic_for(district, net.things["a"], smoke, root),
        json.dumps({"phenomenon_time": clock.now().timestamp(), "result": 3.5}),
        qos=1,
        properties=publish_properties(net.keys["a"]),
    ).wait_for_publish()
    assert _wait_for(lambda: worker.stats.batches, 1) == 1  # stored without waiting for more
    with platform.engine.connect() as conn:
        raised = conn.execute(
            sa.text("SELECT aggregate_id FROM event_log WHERE type = 'AlarmRaised'")
        ).all()
    assert len(raised) == 1
    alarms = client.get("/warning/alarms", headers=net.manager("district")).json()["items"]
    assert [(a["source_id"], a["level"]) for a in alarms] == [(smoke, "yellow")]
    publisher.loop_stop()
