"""The delivery worker: drains the outbox, one thread per channel, at least once.

For each channel it reads due rows, sends each and marks it sent in its own short transaction;
a failure is recorded with the next attempt time from :class:`Backoff`. Channels run in
parallel threads, so a slow or failing channel never holds up the others.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from lifeline.alerts.cap import produce
from lifeline.alerts.channels import ChannelAdapter
from lifeline.alerts.model import ALERTS, PublicAlert, cap_with_references
from lifeline.alerts.outbox import OUTBOX, Backoff, Channel, Delivery
from lifeline.kernel.clock import Clock
from lifeline.kernel.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass
class RoundResult:
    sent: dict[Channel, int] = field(default_factory=dict)
    failed: dict[Channel, int] = field(default_factory=dict)


class DeliveryWorker:
    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        adapters: Mapping[Channel, ChannelAdapter],
        *,
        backoff: Backoff | None = None,
        batch: int = 500,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._adapters = dict(adapters)
        self._backoff = backoff or Backoff()
        self._batch = batch
        self._cap_cache: dict[str, tuple[PublicAlert, bytes]] = {}

    def run_once(self) -> RoundResult:
        """One round over every channel in parallel; returns what was sent and what failed."""
        result = RoundResult()
        with ThreadPoolExecutor(max_workers=max(len(self._adapters), 1)) as pool:
            futures = {ch: pool.submit(self._drain, ch) for ch in self._adapters}
            for channel, future in futures.items():
                sent, failed = future.result()
                result.sent[channel] = sent
                result.failed[channel] = failed
        return result

    def _drain(self, channel: Channel) -> tuple[int, int]:
        adapter = self._adapters[channel]
        with self._uow() as uow:
            due = uow.repo(OUTBOX).due(channel, self._clock.now(), self._batch)
        sent = failed = 0
        for delivery in due:
            alert, cap_xml = self._alert(delivery.alert_id)
            try:
                adapter.send(delivery, alert, cap_xml)
            except Exception as exc:  # any failure of the channel: record and retry later
                failed += 1
                self._failed(delivery, exc)
                continue
            with self._uow() as uow:
                uow.repo(OUTBOX).mark_sent(delivery.id, self._clock.now())
                uow.commit()
            sent += 1
        return sent, failed

    def _failed(self, delivery: Delivery, exc: Exception) -> None:
        attempts = delivery.attempts + 1
        gave_up = attempts >= self._backoff.max_attempts
        log.warning("delivery %s failed (attempt %d): %s", delivery.id, attempts, exc)
        with self._uow() as uow:
            uow.repo(OUTBOX).mark_failed(
                delivery.id,
                attempts=attempts,
                next_attempt_at=self._clock.now() + self._backoff.delay(attempts),
                error=f"{type(exc).__name__}: {exc}",
                gave_up=gave_up,
            )
            uow.commit()

    def _alert(self, alert_id: str) -> tuple[PublicAlert, bytes]:
        cached = self._cap_cache.get(alert_id)
        if cached is not None:
            return cached
        with self._uow() as uow:
            alert = uow.repo(ALERTS).get(alert_id)
            if alert is None or alert.published_at is None:
                raise LookupError(f"delivery for unknown or unpublished alert {alert_id}")
            message = cap_with_references(uow.repo(ALERTS), alert, alert.published_at)
        cap = produce(message)
        self._cap_cache[alert_id] = (alert, cap)
        return alert, cap
