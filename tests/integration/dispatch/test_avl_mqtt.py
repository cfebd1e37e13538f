"""AVL over MQTT against a real broker: fixes published on lifeline/avl/<unit> move the units;
bad messages are quarantined with the reason. Skipped without LIFELINE_TEST_MQTT_URL."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from lifeline.bootstrap import Platform
from lifeline.dispatch.avl_mqtt import AvlWorker, avl_topic
from lifeline.dispatch.messages import GetUnit, ListAvlQuarantine
from lifeline.dispatch.model import UnitType
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.mqtt import broker_address, new_client
from tests.integration.dispatch.city import City
from tests.integration.security.world import register_tree

pytestmark = pytest.mark.mqtt


def test_fixes_over_mqtt_move_units_and_bad_ones_are_quarantined(
    platform: Platform, mqtt_url: str
) -> None:
    city = City(platform, register_tree(platform)["district"].id)
    city.station("middle", 22.55)
    unit = city.unit("E1", UnitType.ENGINE, "middle")
    group = f"test-{uuid.uuid4().hex[:8]}"  # a group of its own: no other worker shares it
    root = f"lifeline-test-{uuid.uuid4().hex[:8]}"  # no other test's vehicles on these topics
    worker = AvlWorker(
        bus=platform.bus, actor=SYSTEM_ACTOR, url=mqtt_url, group=group, topic_root=root
    )
    worker.start()
    publisher = new_client()
    host, port = broker_address(mqtt_url)
    publisher.connect(host, port)
    publisher.loop_start()
    try:
        now = platform.clock.now().isoformat()
        messages = [
            (avl_topic("E1", root), {"lon": 114.06, "lat": 22.56, "at": now, "speed_kmh": 35}),
            (avl_topic(unit.id, root), {"lon": 114.07, "lat": 22.57, "at": now}),
            (avl_topic("ghost", root), {"lon": 114.0, "lat": 22.5}),
            (avl_topic("E1", root), {"lon": 114.0, "lat": 95.0}),
        ]
        for topic, body in messages:
            publisher.publish(topic, json.dumps(body), qos=1).wait_for_publish(5)
        publisher.publish(avl_topic("E1", root), b"garbage", qos=1).wait_for_publish(5)
        deadline = time.monotonic() + 20
        while worker.stats.messages < 5 and time.monotonic() < deadline:
            worker.process_once(timeout_s=0.5)
    finally:
        publisher.loop_stop()
        publisher.disconnect()
        worker.close()
    assert worker.stats.messages == 5
    assert (worker.stats.accepted, worker.stats.quarantined) == (2, 3)
    moved = platform.bus.handle(GetUnit(unit_id=unit.id), SYSTEM_ACTOR)
    assert (moved.position.lon, moved.position.lat) in ((114.06, 22.56), (114.07, 22.57))
    rejected, total = platform.bus.handle(ListAvlQuarantine(), SYSTEM_ACTOR)
    assert total == 3
    assert {r.source for r in rejected} == {"mqtt"}
    reasons = sorted(r.reason.split(":")[0] for r in rejected)
    assert reasons == ["lat", "payload", "unit"]
    assert any(r.raw == "garbage" for r in rejected)
