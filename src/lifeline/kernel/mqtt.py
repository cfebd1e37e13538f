"""An MQTT 5 client session for the workers that consume a shared subscription (observations,
AVL): connect, subscribe on every (re)connection, and report started only once the broker has
granted the subscription."""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.properties import Properties

log = logging.getLogger(__name__)


def broker_address(url: str) -> tuple[str, int]:
    """``(host, port)`` of an ``mqtt://host:port`` URL (port 1883 when absent)."""
    parsed = urlparse(url)
    if parsed.scheme not in ("mqtt", "tcp") or not parsed.hostname:
        raise ValueError(f"expected mqtt://host:port, got {url!r}")
    return parsed.hostname, parsed.port or 1883


def new_client(client_id: str = "", *, manual_ack: bool = False) -> mqtt.Client:
    """An MQTT 5 client (paho callback API version 2)."""
    return mqtt.Client(
        CallbackAPIVersion.VERSION2,
        client_id=client_id or f"lifeline-{uuid.uuid4().hex[:12]}",
        protocol=mqtt.MQTTv5,
        manual_ack=manual_ack,
    )


class SubscribedSession:
    """One client subscribed (QoS 1, manual acknowledgement) to ``topic_filter``.

    ``on_message`` runs on paho's network thread. :meth:`start` returns once the broker has
    granted the subscription (SUBACK): a message published before then would reach no
    subscriber and be lost.
    """

    def __init__(
        self,
        url: str,
        topic_filter: str,
        on_message: Callable[[mqtt.MQTTMessage], None],
        *,
        client_id: str = "",
        connect_properties: Properties | None = None,
    ) -> None:
        self.host, self.port = broker_address(url)
        self._topic_filter = topic_filter
        self._on_message_cb = on_message
        self._connect_properties = connect_properties
        self._subscribed = threading.Event()
        self.client = new_client(client_id, manual_ack=True)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, reason: Any, props: Any
    ) -> None:
        if reason.is_failure:
            log.error("MQTT connect refused: %s", reason)
            return
        client.subscribe(self._topic_filter, qos=1)

    def _on_subscribe(
        self, client: mqtt.Client, userdata: Any, mid: int, reasons: list[Any], props: Any
    ) -> None:
        if any(r.is_failure for r in reasons):
            log.error("MQTT subscription refused: %s", reasons)
            return
        self._subscribed.set()

    def _on_message(self, client: mqtt.Client, userdata: Any, msg: mqtt.MQTTMessage) -> None:
        self._on_message_cb(msg)

    def start(self) -> None:
        """Connect and start the network thread; returns once subscribed (or raises)."""
        self.client.connect(
            self.host, self.port, keepalive=30, clean_start=True,
            properties=self._connect_properties,
        )  # fmt: skip
        self.client.loop_start()
        if not self._subscribed.wait(10):
            self.client.loop_stop()
            raise ConnectionError(f"no MQTT session with {self.host}:{self.port}")

    def ack(self, mid: int, qos: int) -> None:
        """Acknowledge a QoS 1 message once what it carried is stored."""
        self.client.ack(mid, qos)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()
