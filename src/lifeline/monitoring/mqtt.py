"""MQTT ingest: a worker that subscribes through an MQTT 5 shared subscription and stores what
devices publish, in micro-batches, through the same validation as HTTP.

Topic scheme: ``lifeline/<organisation id>/<thing id>/<datastream id>``. The payload is one
row ``{"phenomenon_time", "result"}``, a list of rows, or the columnar form
``{"phenomenon_time": [...], "results": [...]}``; the datastream is the topic's last level. The
device key travels as the MQTT 5 user property ``device_key``. Workers subscribe to
``$share/<group>/lifeline/+/+/+``, so the broker splits messages between all workers of a group.

Batching is group commit (``kernel.batching.GroupCommitInbox``): an idle worker stores the first
message at once; what arrives while a batch is being stored is taken together as the next batch,
up to ``max_batch`` messages. ``max_wait_s`` (0 by default) lets a busy worker linger that long to
fill a batch, for operators who prefer fewer, larger commits; an idle worker never lingers.

A batch's messages are stored in one transaction (one commit), each device's rows under its
own identity (``MessageBus.handle_together``). Messages are acknowledged (QoS 1, manual
acknowledgement) only after their batch has been
stored or quarantined, so a worker that dies loses nothing: the broker redelivers, and ingest
is idempotent on (datastream, phenomenon time). The worker announces a Receive Maximum of one
batch, so the broker keeps that many unacknowledged messages in flight to it; what the workers
cannot yet take waits in the broker's per-session queue, whose limit (Mosquitto's
``max_queued_messages``, 1,000 by default) must be sized for the expected backlog: beyond it the
broker drops messages. A message without a valid key, or over its
device's rate, is quarantined with the reason (there is no answer channel to refuse it on).

Overload: each micro-batch reserves its rows in the process's bounded intake
(``monitoring.intake``) before it is written; when the intake is full the worker waits, and
since it acknowledges nothing meanwhile, the broker holds the backlog — QoS 1 is never shed.
QoS 0 messages are not held back by Receive Maximum, so the worker keeps at most
``max_qos0_backlog`` of them waiting and sheds (counts, and does not store) the rest: QoS 0 is
at-most-once by the sender's choice, and quarantining them would spend the very write capacity
that is exhausted.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from lifeline.kernel.access import Actor
from lifeline.kernel.batching import GroupCommitInbox
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.clock import Clock
from lifeline.kernel.errors import TooManyRequests, Unauthenticated
from lifeline.kernel.ids import new_id
from lifeline.kernel.mqtt import SubscribedSession
from lifeline.kernel.uow import UnitOfWork
from lifeline.monitoring.formats import RAW_LIMIT, RejectReason, parse_rows
from lifeline.monitoring.intake import BoundedIntake
from lifeline.monitoring.messages import IngestObservations
from lifeline.monitoring.model import QuarantinedRow
from lifeline.monitoring.ratelimit import RateLimiter
from lifeline.monitoring.service import (
    IngestResult,
    admit,
    authenticate_device,
    quarantine_unattributed,
)

log = logging.getLogger(__name__)

TOPIC_ROOT = "lifeline"
KEY_PROPERTY = "device_key"
DEFAULT_GROUP = "lifeline-ingest"
KEY_CACHE_S = 60.0  # a revoked key stops working within this long on MQTT


def topic_for(
    organisation_id: str, thing_id: str, datastream_id: str, root: str = TOPIC_ROOT
) -> str:
    return f"{root}/{organisation_id}/{thing_id}/{datastream_id}"


def shared_subscription(group: str = DEFAULT_GROUP, root: str = TOPIC_ROOT) -> str:
    return f"$share/{group}/{root}/+/+/+"


def publish_properties(device_key: str) -> Properties:
    """PUBLISH properties carrying the device key as a user property."""
    props = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
    props.UserProperty = (KEY_PROPERTY, device_key)
    return props


def message_rows(topic: str, payload: bytes, root: str = TOPIC_ROOT) -> list[Any]:
    """The rows of one message, each given its datastream from the topic; an unreadable
    payload becomes one row that validation rejects as malformed (kept raw in quarantine)."""
    levels = topic.split("/")
    if len(levels) != 4 or levels[0] != root or not all(levels[1:]):
        return [f"topic {topic!r} is not {root}/<org>/<thing>/<datastream>"]
    stream = levels[3]
    try:
        doc = json.loads(payload)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return [payload[:RAW_LIMIT].decode("utf-8", errors="replace")]
    if isinstance(doc, dict) and isinstance(doc.get("results"), list):
        times = doc.get("phenomenon_time")
        if not isinstance(times, list) or len(times) != len(doc["results"]):
            return [doc]
        return [
            {"datastream_id": stream, "phenomenon_time": t, "result": r}
            for t, r in zip(times, doc["results"], strict=True)
        ]
    items = doc if isinstance(doc, list) else [doc]
    return [{**item, "datastream_id": stream} if isinstance(item, dict) else item for item in items]


@dataclass
class WorkerStats:
    messages: int = 0
    batches: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: int = 0
    refused: int = 0  # quarantined before validation: unauthenticated or rate-limited
    shed_qos0: int = 0  # QoS 0 messages shed because too many were already waiting

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass
class _Message:
    topic: str
    payload: bytes
    key: str
    mid: int
    qos: int


@dataclass
class _Group:
    rows: list[Any] = field(default_factory=list)
    messages: list[_Message] = field(default_factory=list)


class MqttIngestWorker:
    """Subscribe, group-commit batches (up to ``max_batch`` messages), ingest, ack."""

    def __init__(
        self,
        *,
        bus: MessageBus,
        system_uow: Callable[[], UnitOfWork],
        limiter: RateLimiter,
        clock: Clock,
        url: str,
        group: str = DEFAULT_GROUP,
        client_id: str = "",
        max_batch: int = 1000,
        max_wait_s: float = 0.0,
        topic_root: str = TOPIC_ROOT,
        intake: BoundedIntake | None = None,
        max_qos0_backlog: int = 10_000,
        on_batch: Callable[[int, int, float], None] | None = None,
    ) -> None:
        self.topic_root = topic_root
        self._bus = bus
        self._system_uow = system_uow
        self._limiter = limiter
        self._clock = clock
        self.group = group
        self._max_batch = max_batch
        self._inbox: GroupCommitInbox[_Message] = GroupCommitInbox(
            max_batch=max_batch, max_wait_s=max_wait_s
        )
        self._intake = intake or BoundedIntake(100_000)
        self._max_qos0_backlog = max_qos0_backlog
        self._on_batch = on_batch  # (messages, observations, seconds to acknowledge) per batch
        self._qos0_waiting = 0  # QoS 0 messages in the inbox (changed under the GIL only)
        self._keys: dict[str, tuple[Actor | None, float]] = {}
        self.stats = WorkerStats()
        connect = Properties(PacketTypes.CONNECT)  # type: ignore[no-untyped-call]
        connect.ReceiveMaximum = min(max_batch, 65_535)  # unacknowledged messages held
        self._session = SubscribedSession(
            url, shared_subscription(group, topic_root), self._on_message,
            client_id=client_id, connect_properties=connect,
        )  # fmt: skip

    # --- paho's network thread --------------------------------------------------------------
    def _on_message(self, msg: mqtt.MQTTMessage) -> None:
        key = ""
        props = getattr(msg, "properties", None)
        for name, value in getattr(props, "UserProperty", None) or ():
            if name == KEY_PROPERTY:
                key = value
        if msg.qos == 0:
            if self._qos0_waiting >= self._max_qos0_backlog:
                self.stats.shed_qos0 += 1
                return
            self._qos0_waiting += 1
        self._inbox.put(_Message(msg.topic, bytes(msg.payload), key, msg.mid, msg.qos))

    # --- running ---------------------------------------------------------------------------
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
            self._session.close()

    def process_once(self, timeout_s: float) -> int:
        """Take one batch from the inbox and ingest it; return how many messages."""
        taken = self._inbox.take(timeout_s)
        if not taken:
            return 0
        started = time.perf_counter()
        self._qos0_waiting -= sum(1 for message in taken if message.qos == 0)
        groups: dict[str, _Group] = defaultdict(_Group)
        for message in taken:
            group = groups[message.key]
            group.rows.extend(message_rows(message.topic, message.payload, self.topic_root))
            group.messages.append(message)
        n = sum(len(group.rows) for group in groups.values())
        while not self._intake.wait_reserve(n, "mqtt", timeout_s=1.0):
            log.warning("ingest intake full: holding %d messages unacknowledged", len(taken))
        committed = False
        try:
            self._ingest(groups)
            committed = True
        finally:
            self._intake.release(n, "mqtt", committed=committed, now_s=time.monotonic())
        for message in taken:
            if message.qos > 0:
                self._session.ack(message.mid, message.qos)
        self.stats.messages += len(taken)
        self.stats.batches += 1
        if self._on_batch is not None:
            rows = sum(len(group.rows) for group in groups.values())
            self._on_batch(len(taken), rows, time.perf_counter() - started)
        return len(taken)

    def _ingest(self, groups: dict[str, _Group]) -> None:
        """Store the batch's admitted devices' rows in one transaction (one commit for the
        whole batch); if that fails, each device's alone, so one cannot hold back the rest."""
        commands: list[tuple[IngestObservations, Actor]] = []
        for key, group in groups.items():
            actor = self._admit(key, group)
            if actor is not None:
                commands.append(
                    (IngestObservations(rows=parse_rows(group.rows), source="mqtt"), actor)
                )
        if len(commands) < 2:  # one device: as the bus handles one command (refusals recorded)
            results = [self._bus.handle(command, actor) for command, actor in commands]
            self._count(results)
            return
        try:
            results = self._bus.handle_together(commands)
        except Exception:
            log.warning("a batch of %d devices failed together; storing each alone", len(commands))
            results = [self._bus.handle(command, actor) for command, actor in commands]
        self._count(results)

    def _count(self, results: list[IngestResult]) -> None:
        for result in results:
            self.stats.accepted += result.accepted
            self.stats.duplicates += result.duplicates
            self.stats.rejected += result.rejected

    def _admit(self, key: str, group: _Group) -> Actor | None:
        """The device that sent ``group``, or None once its rows are quarantined (no valid
        key, or over its rate)."""
        actor = self._device(key)
        if actor is None:
            self._refuse(group, RejectReason.UNAUTHENTICATED, "no valid device_key user property")
            return None
        try:
            admit(self._limiter, actor, len(group.rows), time.monotonic())
        except TooManyRequests as exc:
            self._refuse(group, RejectReason.RATE_LIMITED, str(exc), actor)
            return None
        return actor

    def _device(self, key: str) -> Actor | None:
        if not key:
            return None
        now = time.monotonic()
        cached = self._keys.get(key)
        if cached is not None and cached[1] > now:
            return cached[0]
        try:
            actor: Actor | None = authenticate_device(self._system_uow, key)
        except Unauthenticated:
            actor = None
        if len(self._keys) > 10_000:
            self._keys.clear()
        self._keys[key] = (actor, now + KEY_CACHE_S)
        return actor

    def _refuse(
        self, group: _Group, reason: RejectReason, detail: str, actor: Actor | None = None
    ) -> None:
        batch_id = new_id()
        now = self._clock.now()
        quarantine_unattributed(
            self._system_uow,
            [
                QuarantinedRow(
                    batch_id=batch_id, row_index=i, reason=reason.value, detail=detail,
                    raw=json.dumps(row, default=str)[:RAW_LIMIT], received_at=now,
                    source="mqtt", writer=actor.ref if actor else "mqtt:anonymous",
                    datastream_id=row.get("datastream_id") if isinstance(row, dict) else None,
                    thing_id=actor.id if actor else None,
                    path=actor.scope_paths[0] if actor and actor.scope_paths else None,
                )
                for i, row in enumerate(group.rows)
            ],
        )  # fmt: skip
        self.stats.refused += len(group.rows)
