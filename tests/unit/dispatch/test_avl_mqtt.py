"""Reading AVL messages: topic → unit, JSON payload → fix, anything else → a marked problem."""

from __future__ import annotations

import pytest

from lifeline.dispatch.avl_mqtt import avl_topic, fix_of, shared_subscription
from lifeline.kernel.mqtt import broker_address


def test_topic_and_payload_become_a_fix() -> None:
    fix = fix_of(avl_topic("福田-fire_engine-1"), b'{"lon": 114.05, "lat": 22.54, "speed_kmh": 40}')
    assert fix.unit == "福田-fire_engine-1"
    assert (fix.lon, fix.lat, fix.speed_kmh, fix.at) == (114.05, 22.54, 40, None)
    assert fix.problem == ""
    assert "114.05" in fix.raw


@pytest.mark.parametrize("payload", [b"not json", b"[1, 2]", b"\xff\xfe", b"42"])
def test_payloads_that_are_not_objects_are_marked(payload: bytes) -> None:
    fix = fix_of(avl_topic("E1"), payload)
    assert fix.problem == "is not a JSON object"
    assert fix.unit == "E1"


def test_subscription_and_broker_address() -> None:
    assert shared_subscription("g") == "$share/g/lifeline/avl/+"
    assert shared_subscription("g", "park7") == "$share/g/park7/avl/+"
    assert fix_of(avl_topic("E2", "park7"), b"{}", "park7").unit == "E2"
    assert broker_address("mqtt://127.0.0.1:1884") == ("127.0.0.1", 1884)
    assert broker_address("mqtt://broker") == ("broker", 1883)
    with pytest.raises(ValueError, match="mqtt://"):
        broker_address("http://x")
