"""The outbox relay: committed events reach subscribers once in effect, in order, across crashes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.clock import VirtualClock
from lifeline.kernel.events import DomainEvent, StoredEvent
from lifeline.kernel.outbox import OutboxRelay, Subscription
from lifeline.kernel.uow import SqlUnitOfWork

# A subscriber's own table: its side effects live in the same database as its cursor.
projection = sa.Table(
    "test_projection",
    sa.MetaData(),
    sa.Column("event_id", sa.String(36), primary_key=True),
    sa.Column("aggregate_id", sa.String(64)),
    sa.Column("seq", sa.Integer()),
)


@dataclass(frozen=True, kw_only=True)
class GaugeRead(DomainEvent):
    aggregate_type: ClassVar[str] = "gauge"
    level_cm: int


class Crash(Exception):
    """Stands in for the process dying part-way."""


class Projector:
    """Writes one row per event; can be told to crash after writing the n-th row."""

    def __init__(self) -> None:
        self.crash_after: int | None = None
        self.seen: list[int] = []

    def __call__(self, event: StoredEvent, uow: SqlUnitOfWork) -> None:
        uow.connection.execute(
            projection.insert().values(
                event_id=event.id, aggregate_id=event.aggregate_id, seq=event.seq
            )
        )
        self.seen.append(event.seq)
        if self.crash_after is not None and len(self.seen) >= self.crash_after:
            self.crash_after = None
            raise Crash


@pytest.fixture
def with_projection(engine: Engine) -> Engine:
    with engine.begin() as conn:
        projection.drop(conn, checkfirst=True)
        projection.create(conn)
    return engine


def commit_events(engine: Engine, clock: VirtualClock, n: int, *, gauges: int = 3) -> None:
    for i in range(n):
        with SqlUnitOfWork(engine, {}, clock, SYSTEM_ACTOR) as uow:
            uow.record(GaugeRead(aggregate_id=f"g{i % gauges}", level_cm=i))
            uow.commit()


def relay_for(
    engine: Engine, clock: VirtualClock, projector: Projector, batch: int = 4
) -> OutboxRelay:
    return OutboxRelay(
        lambda read_only=False: SqlUnitOfWork(engine, {}, clock, SYSTEM_ACTOR, read_only=read_only),
        [Subscription("projector", projector)],
        batch_size=batch,
    )


def rows(engine: Engine) -> list[tuple[str, int]]:
    with engine.connect() as conn:
        return [
            (r.aggregate_id, r.seq)
            for r in conn.execute(sa.select(projection).order_by(projection.c.seq))
        ]


def test_crash_between_commit_and_publish_loses_nothing_and_duplicates_nothing(
    with_projection: Engine, clock: VirtualClock
) -> None:
    engine = with_projection
    # Events committed, process "dies" before any relay ran.
    commit_events(engine, clock, 10)
    # A new process starts: a fresh relay (same database) drains, crashing mid-batch once.
    projector = Projector()
    projector.crash_after = 6  # dies inside the second batch, after writing its rows
    relay_for(engine, clock, projector).drain()  # the crash is logged; the batch rolls back
    assert len(rows(engine)) == 4  # only the first committed batch took effect
    # Restart once more: everything pending arrives; the rolled-back batch comes again.
    relay_for(engine, clock, Projector()).drain()
    delivered = rows(engine)
    assert [seq for _, seq in delivered] == list(range(1, 11))  # each exactly once
    for gauge in ("g0", "g1", "g2"):
        per_aggregate = [seq for agg, seq in delivered if agg == gauge]
        assert per_aggregate == sorted(per_aggregate)


def test_uncommitted_events_are_never_published(
    with_projection: Engine, clock: VirtualClock
) -> None:
    engine = with_projection
    projector = Projector()
    relay = relay_for(engine, clock, projector)
    with SqlUnitOfWork(engine, {}, clock, SYSTEM_ACTOR) as uow:
        uow.record(GaugeRead(aggregate_id="g", level_cm=1))
        relay.drain()  # another connection: sees nothing uncommitted
        uow.rollback()
    relay.drain()
    assert projector.seen == []
    commit_events(engine, clock, 1)
    relay.drain()
    assert projector.seen == [1]


def test_pending_counts_what_a_subscriber_has_not_seen(
    with_projection: Engine, clock: VirtualClock
) -> None:
    engine = with_projection
    projector = Projector()
    relay = relay_for(engine, clock, projector)
    commit_events(engine, clock, 5)
    assert relay.pending("projector") == 5
    assert relay.drain() == 5
    assert relay.pending("projector") == 0
    assert relay.drain() == 0


def test_subscribers_filter_by_type_and_a_name_is_registered_once(
    with_projection: Engine, clock: VirtualClock
) -> None:
    engine = with_projection
    projector = Projector()
    relay = OutboxRelay(
        lambda read_only=False: SqlUnitOfWork(engine, {}, clock, SYSTEM_ACTOR, read_only=read_only),
        [Subscription("only-other", projector, frozenset({"Other"}))],
    )
    commit_events(engine, clock, 3)
    relay.drain()
    assert projector.seen == []
    with pytest.raises(ValueError, match="already"):
        relay.subscribe(Subscription("only-other", projector))
