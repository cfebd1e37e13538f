"""AVL over MQTT: a small worker that subscribes to ``lifeline/avl/<unit>`` and stores the fixes
through the same validation as HTTP, in micro-batches.

``<unit>`` is the unit's id or call sign; the payload is one JSON fix ``{"lon", "lat", "at"?,
"speed_kmh"?, "heading_deg"?}`` (WGS84, ``at`` ISO 8601 with a time zone). Workers subscribe to
the MQTT 5 shared subscription ``$share/<group>/lifeline/avl/+``, so the broker splits vehicles'
reports between them. Batching is group commit (``kernel.batching.GroupCommitInbox``): an idle
worker stores the first fix at once, and the fixes that arrive during a commit make the next
batch, so a dispatcher sees a vehicle move without waiting for a timer. Messages (QoS 1) are
acknowledged only after their batch has committed, so a worker that dies loses nothing (the
broker redelivers). A payload that is not a JSON object, or
a fix the service refuses, is quarantined with the reason; nothing is dropped. The publishers are
authenticated by the broker (its ACL lets a vehicle publish only its own topic); the worker acts
as the service account it is given.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass

import paho.mqtt.client as mqtt

from lifeline.dispatch.messages import AvlFix, ReportPositions
from lifeline.kernel.access import Actor
from lifeline.kernel.batching import GroupCommitInbox
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.mqtt import SubscribedSession

log = logging.getLogger(__name__)

TOPIC_ROOT = "lifeline"  # topics are <root>/avl/<unit>
DEFAULT_GROUP = "lifeline-avl"
RAW_LIMIT = 4_000


def avl_topic(unit: str, root: str = TOPIC_ROOT) -> str:
    return f"{root}/avl/{unit}"


def shared_subscription(group: str = DEFAULT_GROUP, root: str = TOPIC_ROOT) -> str:
    return f"$share/{group}/{root}/avl/+"


def fix_of(topic: str, payload: bytes, root: str = TOPIC_ROOT) -> AvlFix:
    """The fix one message carries; a payload that is not a JSON object becomes a fix marked
    with that problem (so it is quarantined with its raw text)."""
    prefix = f"{root}/avl/"
    unit = topic[len(prefix) :] if topic.startswith(prefix) else topic
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

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


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
        topic_root: str = TOPIC_ROOT,
        max_batch: int = 500,
        max_wait_s: float = 0.0,
        on_batch: Callable[[int, float], None] | None = None,
    ) -> None:
        self._bus = bus
        self._actor = actor
        self.group = group
        self.topic_root = topic_root
        self._inbox: GroupCommitInbox[_Message] = GroupCommitInbox(
            max_batch=max_batch, max_wait_s=max_wait_s
        )
        self._on_batch = on_batch  # (messages, seconds from taking to acknowledging) per batch
        self.stats = AvlStats()
        self._session = SubscribedSession(
            url, shared_subscription(group, topic_root), self._on_message,
            client_id=f"lifeline-avl-{uuid.uuid4().hex[:12]}",
        )  # fmt: skip

    def _on_message(self, msg: mqtt.MQTTMessage) -> None:
        self._inbox.put(_Message(msg.topic, bytes(msg.payload), msg.mid, msg.qos))

    def start(self) -> None:
        """Connect and start the network thread; returns once subscribed (or raises)."""
        self._session.start()

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
        self._session.close()

    def process_once(self, timeout_s: float) -> int:
        """Store one micro-batch from the inbox, then acknowledge it; return how many messages."""
        taken = self._inbox.take(timeout_s)
        if not taken:
            return 0
        started = time.perf_counter()
        fixes = tuple(fix_of(m.topic, m.payload, self.topic_root) for m in taken)
        report = self._bus.handle(ReportPositions(fixes=fixes, source="mqtt"), self._actor)
        for message in taken:
            if message.qos > 0:
                self._session.ack(message.mid, message.qos)
        self.stats.messages += len(taken)
        self.stats.accepted += report.accepted
        self.stats.quarantined += len(report.rejected)
        self.stats.batches += 1
        if self._on_batch is not None:
            self._on_batch(len(taken), time.perf_counter() - started)
        return len(taken)
