"""Unit of work: one transaction in which state changes, their events and access decisions commit
together or not at all.

Contexts reach their repositories through typed keys (``uow.repo(REGISTRY)``); ``bootstrap``
maps each key to a concrete repository, so services never import a ``store`` module.
``after_commit`` callbacks run once the transaction has committed (a live stream is told at
once, and never about what rolled back).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, Protocol, Self, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from lifeline.kernel import eventlog
from lifeline.kernel.access import AccessDecision, Actor
from lifeline.kernel.clock import Clock
from lifeline.kernel.db import READ_ONLY
from lifeline.kernel.errors import ConfigurationError
from lifeline.kernel.events import DomainEvent, StoredEvent
from lifeline.kernel.ports import RepoKey

T = TypeVar("T")
log = logging.getLogger(__name__)


class UnitOfWork(Protocol):
    """The port services use: repositories, event recording, access logging, commit."""

    actor: Actor
    clock: Clock

    def repo(self, key: RepoKey[T]) -> T: ...

    def record(self, *events: DomainEvent) -> None: ...

    def log_access(self, decision: AccessDecision) -> None: ...

    def timeline(self, aggregate_type: str, aggregate_id: str) -> list[StoredEvent]: ...

    def commit(self) -> list[StoredEvent]: ...

    def rollback(self) -> None: ...

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once the next commit has succeeded; dropped on rollback."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


RepoFactory = Callable[[sa.Connection], Any]


class UowFactory(Protocol):
    """Makes a unit of work for an actor; ``read_only`` for queries."""

    def __call__(self, actor: Actor, *, read_only: bool = False) -> UnitOfWork: ...


class SqlUnitOfWork:
    """A unit of work on one SQLAlchemy connection and transaction.

    ``commit`` appends the recorded events to the hash-chained log and writes the access
    decisions in the same transaction, then commits; leaving the block without ``commit`` rolls
    everything back. Each event is logged under the ``actor`` the unit of work had when it was
    recorded (the bus switches it when it runs several commands in one transaction).
    """

    def __init__(
        self,
        engine: Engine,
        factories: Mapping[str, RepoFactory],
        clock: Clock,
        actor: Actor,
        *,
        chained: bool = True,
        read_only: bool = False,
    ) -> None:
        self._engine = engine
        self.read_only = read_only
        self._factories = factories
        self.clock = clock
        self.actor = actor
        self._chained = chained
        self._events: list[tuple[str, DomainEvent]] = []  # (actor ref, event)
        self._access: list[AccessDecision] = []
        self._repos: dict[str, Any] = {}
        self._after: list[Callable[[], None]] = []
        self._conn: sa.Connection | None = None
        self._tx: sa.RootTransaction | None = None
        self.committed: list[StoredEvent] = []

    @property
    def connection(self) -> sa.Connection:
        if self._conn is None:
            raise RuntimeError("unit of work used outside its 'with' block")
        return self._conn

    def __enter__(self) -> Self:
        self._conn = self._engine.connect()
        if self.read_only:
            self._conn.execution_options(**{READ_ONLY: True})
        self._tx = self._conn.begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._tx is not None and self._tx.is_active:
                self._tx.rollback()
        finally:
            if self._conn is not None:
                self._conn.close()
            self._conn = None
            self._tx = None
            self._repos.clear()
            self._after.clear()

    def repo(self, key: RepoKey[T]) -> T:
        if key.name not in self._repos:
            factory = self._factories.get(key.name)
            if factory is None:
                raise ConfigurationError(f"no repository wired for {key!r}")
            self._repos[key.name] = factory(self.connection)
        return cast(T, self._repos[key.name])

    def record(self, *events: DomainEvent) -> None:
        ref = self.actor.ref
        self._events.extend((ref, event) for event in events)

    def log_access(self, decision: AccessDecision) -> None:
        self._access.append(decision)

    def timeline(self, aggregate_type: str, aggregate_id: str) -> list[StoredEvent]:
        return eventlog.read_aggregate(self.connection, aggregate_type, aggregate_id)

    def commit(self) -> list[StoredEvent]:
        if self._tx is None:
            raise RuntimeError("unit of work used outside its 'with' block")
        if self.read_only:
            return self._commit_read_only()
        occurred_at = self.clock.now()
        stored: list[StoredEvent] = []
        start = 0
        while start < len(self._events):  # one append per run of events by the same actor
            ref = self._events[start][0]
            end = start + 1
            while end < len(self._events) and self._events[end][0] == ref:
                end += 1
            stored += eventlog.append(
                self.connection,
                [event for _, event in self._events[start:end]],
                actor_id=ref,
                occurred_at=occurred_at,
                chained=self._chained,
            )
            start = end
        eventlog.write_access(self.connection, self._access)
        self._tx.commit()
        self._events.clear()
        self._access.clear()
        self.committed.extend(stored)
        self._tx = self.connection.begin()
        self._run_after_commit()
        return stored

    def after_commit(self, callback: Callable[[], None]) -> None:
        self._after.append(callback)

    def _run_after_commit(self) -> None:
        callbacks, self._after = self._after, []
        for callback in callbacks:
            try:
                callback()
            except Exception:  # the commit stands; a failing listener must not undo it
                log.exception("after-commit callback failed")

    def _commit_read_only(self) -> list[StoredEvent]:
        """End the read snapshot, then write the access decisions in a short write transaction.

        On SQLite a read transaction cannot safely be upgraded to a write once another writer
        has committed, so the decisions go in their own transaction.
        """
        if self._events:
            raise RuntimeError("a read-only unit of work cannot record events")
        assert self._tx is not None
        self._tx.rollback()
        if self._access:
            with self._engine.connect() as conn, conn.begin():
                eventlog.write_access(conn, self._access)
            self._access.clear()
        self._tx = self.connection.begin()
        return []

    def rollback(self) -> None:
        self._events.clear()
        self._access.clear()
        self._after.clear()
        if self._tx is not None and self._tx.is_active:
            self._tx.rollback()
        self._tx = self.connection.begin()
