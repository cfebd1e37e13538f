"""The event log on SQLite and PostgreSQL: append, read, verify, tamper detection."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lifeline.kernel import eventlog
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.clock import VirtualClock
from lifeline.kernel.events import DomainEvent
from lifeline.kernel.uow import SqlUnitOfWork


@dataclass(frozen=True, kw_only=True)
class BridgeInspected(DomainEvent):
    aggregate_type: ClassVar[str] = "bridge"
    inspector: str
    tilt_mrad: float


def append_some(engine: Engine, clock: VirtualClock, n: int) -> None:
    for i in range(n):
        with SqlUnitOfWork(engine, {}, clock, SYSTEM_ACTOR) as uow:
            uow.record(
                BridgeInspected(
                    aggregate_id=f"b{i % 3}",
                    organisation_id="org-1",
                    inspector="李四",
                    tilt_mrad=0.5 * i,
                )
            )
            uow.commit()
        clock.advance(timedelta(seconds=1))


def test_events_append_in_order_with_a_verifiable_chain(
    engine: Engine, clock: VirtualClock
) -> None:
    append_some(engine, clock, 12)
    with engine.connect() as conn:
        events = eventlog.read_after(conn, 0, 100)
        checked, broken = eventlog.verify(conn)
    assert [e.seq for e in events] == list(range(1, 13))
    assert events[0].payload == {"inspector": "李四", "tilt_mrad": 0.0}
    assert events[1].prev_hash == events[0].hash
    assert (checked, broken) == (12, None)


def test_timeline_of_one_aggregate(engine: Engine, clock: VirtualClock) -> None:
    append_some(engine, clock, 9)
    with SqlUnitOfWork(engine, {}, clock, SYSTEM_ACTOR) as uow:
        timeline = uow.timeline("bridge", "b1")
    assert [e.seq for e in timeline] == [2, 5, 8]


def test_rolled_back_work_leaves_no_event(engine: Engine, clock: VirtualClock) -> None:
    with SqlUnitOfWork(engine, {}, clock, SYSTEM_ACTOR) as uow:
        uow.record(BridgeInspected(aggregate_id="b", inspector="x", tilt_mrad=1.0))
        # leaving without commit
    with engine.connect() as conn:
        assert eventlog.read_after(conn, 0, 10) == []


def _disable_append_only(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("ALTER TABLE event_log DISABLE TRIGGER event_log_append_only"))
    else:
        conn.execute(sa.text("DROP TRIGGER event_log_no_update"))
        conn.execute(sa.text("DROP TRIGGER event_log_no_delete"))


def test_the_database_refuses_updates_and_deletes(engine: Engine, clock: VirtualClock) -> None:
    append_some(engine, clock, 2)
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(sa.text("UPDATE event_log SET payload = '{}' WHERE seq = 1"))
    with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM event_log WHERE seq = 2"))


@pytest.mark.parametrize("column", ["payload", "type", "actor_id", "aggregate_id", "hash"])
def test_changing_one_byte_of_a_stored_event_names_it(
    engine: Engine, clock: VirtualClock, column: str
) -> None:
    append_some(engine, clock, 6)
    with engine.begin() as conn:
        _disable_append_only(conn)
        original = conn.execute(sa.text(f"SELECT {column} FROM event_log WHERE seq = 4")).scalar()
        assert isinstance(original, str)
        changed = original[:-1] + ("0" if original[-1] != "0" else "1")
        conn.execute(sa.text(f"UPDATE event_log SET {column} = :v WHERE seq = 4"), {"v": changed})
        event_id = conn.execute(sa.text("SELECT id FROM event_log WHERE seq = 4")).scalar()
    with engine.connect() as conn:
        checked, broken = eventlog.verify(conn)
    assert broken is not None
    assert broken.seq == 4
    assert broken.event_id == event_id
    assert checked >= 4


def test_deleting_the_newest_event_is_detected_by_the_head(
    engine: Engine, clock: VirtualClock
) -> None:
    append_some(engine, clock, 3)
    with engine.begin() as conn:
        _disable_append_only(conn)
        conn.execute(sa.text("DELETE FROM event_log WHERE seq = 3"))
    with engine.connect() as conn:
        _, broken = eventlog.verify(conn)
    assert broken is not None
    assert "head says 3" in broken.reason


def test_concurrent_writers_extend_one_unbroken_chain(engine: Engine, clock: VirtualClock) -> None:
    import threading

    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        try:
            for i in range(20):
                with SqlUnitOfWork(engine, {}, clock, SYSTEM_ACTOR) as uow:
                    uow.record(
                        BridgeInspected(
                            aggregate_id=f"w{worker}", inspector=str(i), tilt_mrad=float(i)
                        )
                    )
                    uow.commit()
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with engine.connect() as conn:
        checked, broken = eventlog.verify(conn)
        events = eventlog.read_after(conn, 0, 1000)
    assert (checked, broken) == (80, None)
    for worker in range(4):
        mine = [int(e.payload["inspector"]) for e in events if e.aggregate_id == f"w{worker}"]
        assert mine == list(range(20))  # each writer's events in its own commit order
