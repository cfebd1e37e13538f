"""In-memory fakes implementing the kernel's ports, for unit tests of services and the bus."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, TypeVar, cast

from lifeline.kernel.access import AccessDecision, Actor
from lifeline.kernel.clock import Clock, VirtualClock
from lifeline.kernel.events import DomainEvent, StoredEvent
from lifeline.kernel.ports import RepoKey

T = TypeVar("T")


class FakeUnitOfWork:
    """Records what would be committed; ``committed`` keeps every commit's events."""

    def __init__(
        self, actor: Actor, repos: dict[str, Any] | None = None, clock: Clock | None = None
    ) -> None:
        self.actor = actor
        self.clock: Clock = clock or VirtualClock(datetime(2026, 7, 1, tzinfo=UTC))
        self.repos = repos or {}
        self.pending: list[DomainEvent] = []
        self.access: list[AccessDecision] = []
        self.committed_events: list[DomainEvent] = []
        self.committed_access: list[AccessDecision] = []
        self.commits = 0
        self.rolled_back = False
        self.after: list[Callable[[], None]] = []

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.pending or self.access:
            self.rollback()

    def repo(self, key: RepoKey[T]) -> T:
        return cast(T, self.repos[key.name])

    def record(self, *events: DomainEvent) -> None:
        self.pending.extend(events)

    def log_access(self, decision: AccessDecision) -> None:
        self.access.append(decision)

    def timeline(self, aggregate_type: str, aggregate_id: str) -> list[StoredEvent]:
        return []

    def after_commit(self, callback: Callable[[], None]) -> None:
        self.after.append(callback)

    def commit(self) -> list[StoredEvent]:
        callbacks, self.after = self.after, []
        for callback in callbacks:
            callback()
        self.committed_events.extend(self.pending)
        self.committed_access.extend(self.access)
        self.pending, self.access = [], []
        self.commits += 1
        return []

    def rollback(self) -> None:
        self.pending, self.access, self.after = [], [], []
        self.rolled_back = True


class FakeSnapshots:
    """The snapshot part of the warning repository (``repos={"warning": FakeSnapshots()}``)."""

    def __init__(self) -> None:
        self.saved: dict[str, bytes] = {}

    def load_snapshot(self, name: str, *, for_update: bool = False) -> bytes | None:
        return self.saved.get(name)

    def save_snapshot(self, name: str, payload: bytes, at: datetime) -> None:
        self.saved[name] = payload
