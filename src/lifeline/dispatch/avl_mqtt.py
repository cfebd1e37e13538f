"""AVL over MQTT: a small worker that subscribes to ``lifeline/avl/<unit>`` and stores the fixes
through the same validation as HTTP, in micro-batches.

``<unit>`` is the unit's id or call sign; the payload is one JSON fix ``{"lon", "lat", "at"?,
"speed_kmh"?, "heading_deg"?}`` (WGS84, ``at`` ISO 8601 with a time zone). Workers subscribe to
the MQTT 5 shared subscription ``$share/<group>/lifeline/avl/+``, so the broker splits vehicles'
reports between them. Messages (QoS 1) are acknowledged only after their batch has committed, so
a worker that dies loses nothing (the broker redelivers). A payload that is not a JSON object, or
a fix the service refuses, is quarantined with the reason; nothing is dropped. The publishers are
authenticated by the broker (its ACL lets a vehicle publish only its own topic); the worker acts
as the service account it is given.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from lifeline.dispatch.messages import AvlFix, ReportPositions
from lifeline.kernel.access import Actor
from lifeline.kernel.batching import take_batch
from lifeline.kernel.bus import MessageBus

log = logging.getLogger(__name__)

TOPIC_PREFIX = "lifeline/avl/"
DEFAULT_GROUP = "lifeline-avl"
RAW_LIMIT = 4_000


def avl_topic(unit: str) -> str:
    return f"{TOPIC_PREFIX}{unit}"


def shared_subscription(group: str = DEFAULT_GROUP) -> str:
    return f"$share/{group}/{TOPIC_PREFIX}+"


def broker_address(url: str) -> tuple[str, int]:
    parsed = urlparse(url)
    if parsed.scheme not in ("mqtt", "tcp") or not parsed.hostname:
        raise ValueError(f"expected mqtt://host:port, got {url!r}")
    return parsed.hostname, parsed.port or 1883


def new_client(*, manual_ack: bool = False) -> mqtt.Client:
    """An MQTT 5 client (paho callback API version 2)."""
    return mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id=f"lifeline-avl-{uuid.uuid4().hex[:12]}",
        protocol=mqtt.MQTTv5,
        manual_ack=manual_ack,
    )


def fix_of(topic: str, payload: bytes) -> AvlFix:
    """The fix one message carries; a payload that is not a JSON object becomes a fix marked
    with that problem (so it is quarantined with its raw text)."""
    unit = topic[len(TOPIC_PREFIX) :] if topic.startswith(TOPIC_PREFIX) else topic
    raw = payload[:RAW_LIMIT].decode("utf-8", errors="replace")
    try:
        body = json.loads(payload)
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        return AvlFix(unit=unit, lon=None, lat=None, raw=raw, problem="is not a JSON object")
    return AvlFix(
        unit=unit, lon=body.get("lon"), lat=body.get("lat"), at=body.get("at"),
        speed_kmh=body.get("speed_kmh"), heading_deg=body.get("heading_deg"), raw=raw,
    )  # fmt: skip


@dataclass
class AvlStats:
    messages: int = 0
    accepted: int = 0
    quarantined: int = 0
    batches: int = 0


@dataclass(frozen=True, slots=True)
class _Message:
    topic: str
    payload: bytes
    mid: int
    qos: int


class AvlWorker:
    """Subscribes, batches and stores AVL fixes; ``process_once`` is the unit of work."""

    def __init__(
        self,
        *,
        bus: MessageBus,
        actor: Actor,
        url: str,
        group: str = DEFAULT_GROUP,
        max_batch: int = 500,
        max_wait_s: float = 0.05,
    ) -> None:
        self._bus = bus
        self._actor = actor
        self._host, self._port = broker_address(url)
        self.group = group
        self._max_batch = max_batch
        self._max_wait_s = max_wait_s
        self._inbox: queue.Queue[_Message] = queue.Queue()
        self._subscribed = threading.Event()
        self.stats = AvlStats()
        self._client = new_client(manual_ack=True)
        self._client.on_connect = self._on_connect
        self._client.on_message = self._on_message
        self._client.on_subscribe = self._on_subscribe

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, props: Any
    ) -> None:
        client.subscribe(shared_subscription(self.group), qos=1)

    def _on_subscribe(
        self, client: mqtt.Client, userdata: Any, mid: int, reasons: list[Any], props: Any
    ) -> None:
        # start() returns only once the broker has granted the subscription (SUBACK): a fix
        # published before then would reach no subscriber and be lost.
        if not any(r.is_failure for r in reasons):
            self._subscribed.set()

    def _on_message(self, client: mqtt.Client, userdata: Any, msg: mqtt.MQTTMessage) -> None:
        self._inbox.put(_Message(msg.topic, bytes(msg.payload), msg.mid, msg.qos))

    def start(self) -> None:
        """Connect and start the network thread; returns once subscribed (or raises)."""
        self._client.connect(self._host, self._port, keepalive=30, clean_start=True)
        self._client.loop_start()
        if not self._subscribed.wait(10):
            self._client.loop_stop()
            raise ConnectionError(f"no MQTT session with {self._host}:{self._port}")

    def run(self, stop: threading.Event) -> None:
        """Process batches until ``stop`` is set, then drain what has arrived and disconnect."""
        try:
            while not stop.is_set():
                self.process_once(timeout_s=0.2)
            while self.process_once(timeout_s=0.0):
                pass
        finally:
            self.close()

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    def process_once(self, timeout_s: float) -> int:
        """Store one micro-batch from the inbox, then acknowledge it; return how many messages."""
        taken = take_batch(
            self._inbox, timeout_s=timeout_s, max_batch=self._max_batch, max_wait_s=self._max_wait_s
        )
        if not taken:
            return 0
        fixes = tuple(fix_of(m.topic, m.payload) for m in taken)
        report = self._bus.handle(ReportPositions(fixes=fixes, source="mqtt"), self._actor)
        for message in taken:
            if message.qos > 0:
                self._client.ack(message.mid, message.qos)
        self.stats.messages += len(taken)
        self.stats.accepted += report.accepted
        self.stats.quarantined += len(report.rejected)
        self.stats.batches += 1
        return len(taken)
