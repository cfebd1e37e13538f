"""The delivery worker: drains the outbox, one thread per channel, at least once.

For each channel it **claims** due rows with a lease (``lease_s``), sends each and marks it sent
in its own short transaction; a failure is recorded with the next attempt time from
:class:`Backoff`, and after ``max_attempts`` the row is a dead letter (``failed``). Several
workers — threads, API processes, ``lifeline alerts deliver`` — can run at once: a row is held
by one lease at a time, and a worker that dies leaves its rows to be claimed again once the
lease expires. A worker whose lease runs out mid-batch stops sending that batch, so a message is
sent twice only when a worker dies (or stalls past its lease) between sending and marking; the
repeat carries the same idempotency key.

Operators' alarm notices share the outbox: a row whose ``message`` is ``alarm_notice`` is sent
with the channel's ``send_notice``.

Channels run in parallel threads, so a slow or failing channel never holds up the others; an
optional rate per channel (messages per second) paces each one.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from lifeline.alerts.cap import produce
from lifeline.alerts.channels import ChannelAdapter
from lifeline.alerts.links import LinkSigner
from lifeline.alerts.model import ALERTS, PublicAlert, cap_with_references
from lifeline.alerts.notices import NOTICES, AlarmNotice
from lifeline.alerts.outbox import OUTBOX, Backoff, Channel, Delivery, MessageKind, RecipientKind
from lifeline.kernel.clock import Clock
from lifeline.kernel.ids import new_id
from lifeline.kernel.uow import UnitOfWork

log = logging.getLogger(__name__)


class WorkerUow(Protocol):
    """Makes a unit of work acting as the system; ``read_only`` for peeks that take no lock."""

    def __call__(self, *, read_only: bool = False) -> UnitOfWork: ...


@dataclass
class RoundResult:
    sent: dict[Channel, int] = field(default_factory=dict)
    failed: dict[Channel, int] = field(default_factory=dict)


class Pacer:
    """At most ``rate_per_s`` sends a second: each send waits until ``1/rate`` seconds after the
    previous one (``rate_per_s`` 0: no pacing). ``monotonic`` and ``wait`` are injectable."""

    def __init__(
        self,
        rate_per_s: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval_s = 1.0 / rate_per_s if rate_per_s > 0 else 0.0
        self._monotonic = monotonic
        self._next = 0.0

    def delay(self) -> float:
        """Seconds to wait before the next send, and reserve that slot."""
        if self.interval_s == 0.0:
            return 0.0
        now = self._monotonic()
        slot = max(now, self._next)
        self._next = slot + self.interval_s
        return slot - now


class DeliveryWorker:
    def __init__(
        self,
        uow: WorkerUow,
        clock: Clock,
        adapters: Mapping[Channel, ChannelAdapter],
        *,
        backoff: Backoff | None = None,
        batch: int = 100,
        lease_s: float = 300.0,
        links: LinkSigner | None = None,
        rates_per_s: Mapping[Channel, float] | None = None,
        owner: str | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._adapters = dict(adapters)
        self._backoff = backoff or Backoff()
        self._batch = batch
        self._lease = timedelta(seconds=lease_s)
        self._links = links
        self._pacers = {ch: Pacer((rates_per_s or {}).get(ch, 0.0)) for ch in self._adapters}
        self.owner = owner or f"worker-{new_id()}"
        self._cap_cache: dict[str, tuple[PublicAlert, bytes]] = {}
        self._cache_lock = threading.Lock()
        self._stop = threading.Event()
        self.totals = RoundResult()  # everything this worker sent or failed since it was made

    @property
    def channels(self) -> tuple[Channel, ...]:
        return tuple(self._adapters)

    def run_once(self) -> RoundResult:
        """One round over every channel in parallel, until nothing is due; returns what was
        sent and what failed."""
        result = RoundResult()
        with ThreadPoolExecutor(max_workers=max(len(self._adapters), 1)) as pool:
            futures = {ch: pool.submit(self._drain, ch) for ch in self._adapters}
            for channel, future in futures.items():
                sent, failed = future.result()
                result.sent[channel] = sent
                result.failed[channel] = failed
        return result

    def run(self, *, interval_s: float = 2.0) -> None:
        """Deliver until :meth:`stop`: one thread per channel, each draining what is due and
        then waiting ``interval_s``. Returns once every channel thread has finished its
        current message."""
        threads = [
            threading.Thread(
                target=self._loop, args=(ch, interval_s), name=f"delivery-{ch.value}", daemon=True
            )
            for ch in self._adapters
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def stop(self) -> None:
        """Ask :meth:`run` to finish: no new message is started (final: a stopped worker
        sends nothing more)."""
        self._stop.set()

    def outstanding(self) -> int:
        """Messages of this worker's channels still queued (due now or waiting for a retry)."""
        with self._uow(read_only=True) as uow:
            return uow.repo(OUTBOX).outstanding(self.channels)

    def _loop(self, channel: Channel, interval_s: float) -> None:
        while not self._stop.is_set():
            try:
                self._drain(channel)
            except Exception:  # the database may be away for a moment: try again later
                log.exception("delivery round of %s failed", channel.value)
            self._stop.wait(interval_s)

    def _drain(self, channel: Channel) -> tuple[int, int]:
        sent = failed = 0
        while not self._stop.is_set():
            claimed, lease_until = self._claim(channel)
            if not claimed:
                break
            for done, delivery in enumerate(claimed):
                if self._stop.is_set() or self._clock.now() >= lease_until:
                    self._release(claimed[done:])  # others may take them at once
                    break
                ok = self._send(channel, delivery)
                sent += ok
                failed += not ok
        with self._cache_lock:
            self.totals.sent[channel] = self.totals.sent.get(channel, 0) + sent
            self.totals.failed[channel] = self.totals.failed.get(channel, 0) + failed
        return sent, failed

    def _release(self, unsent: list[Delivery]) -> None:
        with self._uow() as uow:
            uow.repo(OUTBOX).release([d.id for d in unsent], owner=self.owner)
            uow.commit()

    def _claim(self, channel: Channel) -> tuple[list[Delivery], datetime]:
        now = self._clock.now()
        lease_until = now + self._lease
        with self._uow(read_only=True) as peek:  # an idle loop never takes the write lock
            if not peek.repo(OUTBOX).has_due(channel, now):
                return [], lease_until
        with self._uow() as uow:
            claimed = uow.repo(OUTBOX).claim(
                channel, now, self._batch, owner=self.owner, lease_until=lease_until
            )
            uow.commit()
        return claimed, lease_until

    def _send(self, channel: Channel, delivery: Delivery) -> bool:
        wait_s = self._pacers[channel].delay()
        if wait_s > 0:
            self._stop.wait(wait_s)
        try:
            if delivery.message is MessageKind.ALARM_NOTICE:
                self._adapters[channel].send_notice(delivery, self._notice(delivery.alert_id))
            else:
                alert, cap_xml = self._alert(delivery.alert_id)
                url = None
                if self._links is not None and delivery.recipient_kind is RecipientKind.SUBSCRIBER:
                    url = self._links.unsubscribe_url(delivery.subscription_id)
                self._adapters[channel].send(delivery, alert, cap_xml, url)
        except Exception as exc:  # any failure of the channel: record and retry later
            self._failed(delivery, exc)
            return False
        with self._uow() as uow:
            uow.repo(OUTBOX).mark_sent(delivery.id, self._clock.now())
            uow.commit()
        return True

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

    def _notice(self, notice_id: str) -> AlarmNotice:
        with self._uow(read_only=True) as uow:
            notice = uow.repo(NOTICES).get(notice_id)
        if notice is None:
            raise LookupError(f"delivery for unknown alarm notice {notice_id}")
        return notice

    def _alert(self, alert_id: str) -> tuple[PublicAlert, bytes]:
        with self._cache_lock:
            cached = self._cap_cache.get(alert_id)
        if cached is not None:
            return cached
        with self._uow() as uow:
            alert = uow.repo(ALERTS).get(alert_id)
            if alert is None or alert.published_at is None:
                raise LookupError(f"delivery for unknown or unpublished alert {alert_id}")
            message = cap_with_references(uow.repo(ALERTS), alert, alert.published_at)
        cap = produce(message)
        with self._cache_lock:
            self._cap_cache[alert_id] = (alert, cap)
        return alert, cap
