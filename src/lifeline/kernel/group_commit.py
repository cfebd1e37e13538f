"""Group commit of commands from concurrent callers: one transaction for what arrives together.

Each caller (a server thread answering one request) hands its command to :meth:`GroupCommit.run`
and blocks until it is committed. While no commit is in flight, the first caller commits at once
on its own; callers that arrive during a commit queue up, and when it ends one of them commits
everything queued (up to ``max_weight``, e.g. observations) in one transaction with
:meth:`MessageBus.handle_together`, then hands each its own result. No caller waits for a timer,
and under load a commit's fixed cost (the durable write) is shared. If a group fails, each of
its commands is run alone, so one bad command fails only its own caller.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lifeline.kernel.access import Actor
from lifeline.kernel.bus import MessageBus
from lifeline.kernel.events import Command


@dataclass
class _Ticket:
    command: Command
    actor: Actor
    weight: int
    done: bool = False
    result: Any = None
    error: BaseException | None = None


class GroupCommit:
    """Leader/follower group commit on one :class:`MessageBus` (thread-safe)."""

    def __init__(
        self, bus: MessageBus, *, max_weight: int, weight: Callable[[Any], int] = lambda _: 1
    ) -> None:
        if max_weight <= 0:
            raise ValueError("max_weight must be positive")
        self._bus = bus
        self.max_weight = max_weight
        self._weight = weight
        self._queue: deque[_Ticket] = deque()
        self._committing = False
        self._changed = threading.Condition()
        self.commits = 0  # transactions committed (or tried) by the groups
        self.commands = 0  # commands they carried

    def run(self, command: Command, actor: Actor) -> Any:
        """Commit ``command`` for ``actor`` (alone or with others queued meanwhile) and return
        its handler's result, or raise its error."""
        ticket = _Ticket(command, actor, max(1, self._weight(command)))
        with self._changed:
            self._queue.append(ticket)
        while True:
            with self._changed:
                while self._committing and not ticket.done:
                    self._changed.wait()
                if ticket.done:
                    return self._outcome(ticket)
                # idle and this command still queued (a taken one is done before the commit
                # ends): lead the next group, which starts with the oldest queued
                group = self._take()
                self._committing = True
            try:
                self._commit(group)
            finally:
                with self._changed:
                    self._committing = False
                    self._changed.notify_all()

    def _take(self) -> list[_Ticket]:
        """The queued commands, oldest first, up to ``max_weight`` (at least one)."""
        group = [self._queue.popleft()]
        total = group[0].weight
        while self._queue and total + self._queue[0].weight <= self.max_weight:
            total += self._queue[0].weight
            group.append(self._queue.popleft())
        return group

    def _commit(self, group: list[_Ticket]) -> None:
        self.commits += 1
        self.commands += len(group)
        if len(group) == 1:  # alone: exactly as the bus handles one command (refusals recorded)
            self._alone(group[0])
            return
        try:
            results = self._bus.handle_together([(t.command, t.actor) for t in group])
        except Exception:
            for t in group:  # find which failed: each alone
                self._alone(t)
            return
        for t, result in zip(group, results, strict=True):
            self._finish(t, result, None)

    def _alone(self, ticket: _Ticket) -> None:
        try:
            result = self._bus.handle(ticket.command, ticket.actor)
        except Exception as exc:
            self._finish(ticket, None, exc)
        else:
            self._finish(ticket, result, None)

    def _finish(self, ticket: _Ticket, result: Any, error: BaseException | None) -> None:
        with self._changed:
            ticket.result, ticket.error, ticket.done = result, error, True

    @staticmethod
    def _outcome(ticket: _Ticket) -> Any:
        if ticket.error is not None:
            raise ticket.error
        return ticket.result
