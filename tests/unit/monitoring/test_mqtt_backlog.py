"""The MQTT worker's inbox: QoS 0 beyond the bound is shed and counted, QoS 1 is always kept
(the broker's Receive Maximum bounds it, and it is acknowledged only once stored)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from unittest.mock import MagicMock

from lifeline.kernel.clock import VirtualClock
from lifeline.monitoring.intake import BoundedIntake
from lifeline.monitoring.mqtt import MqttIngestWorker
from lifeline.monitoring.ratelimit import RateLimiter


@dataclass
class FakeMessage:
    topic: str
    payload: bytes
    qos: int
    mid: int
    properties: Any = None


def worker(max_qos0_backlog: int) -> MqttIngestWorker:
    return MqttIngestWorker(
        bus=MagicMock(),
        system_uow=MagicMock(),
        limiter=RateLimiter(rate_per_s=1.0, burst=1.0),
        clock=VirtualClock(datetime(2026, 7, 1, tzinfo=UTC)),
        url="mqtt://127.0.0.1:1883",
        intake=BoundedIntake(100),
        max_qos0_backlog=max_qos0_backlog,
    )


def test_qos0_beyond_the_bound_is_shed_and_qos1_is_always_kept() -> None:
    w = worker(max_qos0_backlog=3)
    for mid in range(5):
        w._on_message(FakeMessage("lifeline/o/t/d", b"{}", 0, mid))  # type: ignore[arg-type]
    for mid in range(5, 10):
        w._on_message(FakeMessage("lifeline/o/t/d", b"{}", 1, mid))  # type: ignore[arg-type]
    assert w.stats.shed_qos0 == 2
    assert w._inbox.qsize() == 3 + 5
    queued = w._inbox.take(timeout_s=0.0)
    assert [m.qos for m in queued] == [0, 0, 0, 1, 1, 1, 1, 1]
