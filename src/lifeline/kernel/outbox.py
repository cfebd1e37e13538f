"""The outbox relay: hands committed events to subscribers, at least once and in log order.

Each subscriber has a cursor (the last ``seq`` it has seen) in ``outbox_cursor``. A batch is
handed to the subscriber inside one unit of work together with the cursor update, so a
subscriber that writes only to the database sees every event exactly once in effect: a crash
before the commit rolls back both its writes and the cursor, and the batch comes again. A
subscriber with effects outside the database (a broker, a socket) gets at-least-once delivery
and de-duplicates on ``event.id``. Only committed entries are ever read, so nothing uncommitted
is published; order is the log's ``seq`` order, which includes order per aggregate.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa

from lifeline.kernel import eventlog
from lifeline.kernel.events import StoredEvent
from lifeline.kernel.uow import SqlUnitOfWork

log = logging.getLogger(__name__)

EventHandler = Callable[[StoredEvent, SqlUnitOfWork], None]


class SystemUowFactory(Protocol):
    """Makes a unit of work acting as the system; ``read_only`` for peeks."""

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork: ...


@dataclass(frozen=True, slots=True)
class Subscription:
    """A named subscriber: ``event_types=None`` means every event."""

    name: str
    handler: EventHandler
    event_types: frozenset[str] | None = None


class OutboxRelay:
    """Delivers committed events to subscriptions; safe to call from several threads/processes."""

    def __init__(
        self,
        uow_factory: SystemUowFactory,
        subscriptions: Sequence[Subscription] = (),
        *,
        batch_size: int = 200,
    ) -> None:
        self._uow_factory = uow_factory
        self._subs: list[Subscription] = list(subscriptions)
        self._batch = batch_size
        self._lock = threading.Lock()

    def subscribe(self, subscription: Subscription) -> None:
        if any(s.name == subscription.name for s in self._subs):
            raise ValueError(f"subscriber {subscription.name!r} already registered")
        self._subs.append(subscription)

    @property
    def subscriptions(self) -> tuple[Subscription, ...]:
        return tuple(self._subs)

    def drain(self) -> int:
        """Deliver everything pending to every subscriber; return how many events were handed.

        A subscriber that raises stops for this round (its batch rolls back and comes again
        next time); the others carry on.
        """
        delivered = 0
        with self._lock:
            behind = self._behind()
            for sub in self._subs:
                if sub.name not in behind:
                    continue
                try:
                    delivered += self._drain_one(sub)
                except Exception:
                    log.exception("subscriber %s failed; will retry", sub.name)
        return delivered

    def _drain_one(self, sub: Subscription) -> int:
        delivered = 0
        while self._has_pending(sub.name):
            with self._uow_factory() as uow:
                conn = uow.connection
                cursor = _lock_cursor(conn, sub.name, uow)
                # Appends are serialised on the log's head row, so every event up to the head
                # read here is committed and visible to the read that follows it.
                head = eventlog.last_seq(conn)
                events = eventlog.read_after(conn, cursor, self._batch, sub.event_types)
                if not events:
                    if head > cursor:  # none of its types up to the head: move past them
                        _set_cursor(conn, sub.name, head, uow)
                        uow.commit()
                    return delivered
                for event in events:
                    sub.handler(event, uow)
                _set_cursor(conn, sub.name, events[-1].seq, uow)
                uow.commit()
                delivered += len(events)
        return delivered

    def _behind(self) -> set[str]:
        """The subscribers whose cursor is behind the log's last event, in one read (a command
        that appended nothing then costs its drain a single query, not one per subscriber)."""
        names = [s.name for s in self._subs]
        if not names:
            return set()
        with self._uow_factory(read_only=True) as uow:
            conn = uow.connection
            last = eventlog.last_seq(conn)
            table = eventlog.outbox_cursor
            cursors = dict(
                conn.execute(
                    sa.select(table.c.subscriber, table.c.last_seq).where(
                        table.c.subscriber.in_(names)
                    )
                ).all()
            )
        return {n for n in names if last > int(cursors.get(n, 0))}

    def _has_pending(self, name: str) -> bool:
        """Peek without taking a write lock, so an idle relay never blocks writers."""
        with self._uow_factory(read_only=True) as uow:
            cursor = _cursor(uow.connection, name)
            return eventlog.last_seq(uow.connection) > cursor

    def pending(self, name: str) -> int:
        """How many committed events the subscriber ``name`` has not yet been handed."""
        with self._uow_factory(read_only=True) as uow:
            conn = uow.connection
            return eventlog.last_seq(conn) - _cursor(conn, name)


def _cursor(conn: sa.Connection, name: str) -> int:
    row = conn.execute(
        sa.select(eventlog.outbox_cursor.c.last_seq).where(
            eventlog.outbox_cursor.c.subscriber == name
        )
    ).first()
    return int(row.last_seq) if row else 0


def _set_cursor(conn: sa.Connection, name: str, seq: int, uow: SqlUnitOfWork) -> None:
    conn.execute(
        eventlog.outbox_cursor.update()
        .where(eventlog.outbox_cursor.c.subscriber == name)
        .values(last_seq=seq, updated_at=uow.clock.now())
    )


def _lock_cursor(conn: sa.Connection, name: str, uow: SqlUnitOfWork) -> int:
    table = eventlog.outbox_cursor
    row = conn.execute(
        sa.select(table.c.last_seq).where(table.c.subscriber == name).with_for_update()
    ).first()
    if row is not None:
        return int(row.last_seq)
    conn.execute(table.insert().values(subscriber=name, last_seq=0, updated_at=uow.clock.now()))
    return 0
