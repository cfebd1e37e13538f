"""The message bus: every command and query goes through :meth:`MessageBus.handle`.

For each message the bus (1) checks the caller's roles grant the message's permission, (2) opens
a unit of work and runs the one handler, which calls :meth:`HandlerContext.authorize` for the
organisation scope of what it touches, (3) commits state, events and access decisions together,
then (4) after a command lets the outbox relay hand the new events to subscribers (a query
records no events, so it does not wait for the relay; the serving loop drains it anyway). A
refusal is recorded in its own transaction (the request's transaction is rolled back) as an
access-log row and an ``AccessDenied`` event in the hash chain.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from lifeline.kernel.access import AccessDecision, AccessPolicy, Actor, Outcome
from lifeline.kernel.errors import Forbidden, OutOfScope
from lifeline.kernel.events import Command, DomainEvent, Message, Query
from lifeline.kernel.outbox import OutboxRelay
from lifeline.kernel.uow import UnitOfWork, UowFactory

log = logging.getLogger(__name__)

M = TypeVar("M", bound=Message)
R = TypeVar("R")


@dataclass(frozen=True, kw_only=True)
class AccessDenied(DomainEvent):
    """An actor was refused; kept in the hash chain so refusals cannot be quietly erased."""

    aggregate_type: ClassVar[str] = "actor"

    action: str
    permission: str
    reason: str
    target_kind: str
    target_id: str


class Refused(Exception):
    """Internal carrier of a refused decision from a handler to the bus."""

    def __init__(self, decision: AccessDecision, error: Forbidden | OutOfScope) -> None:
        super().__init__(str(error))
        self.decision = decision
        self.error = error


class HandlerContext:
    """What a handler gets besides its message: the unit of work, the actor and the policy."""

    def __init__(
        self, uow: UnitOfWork, actor: Actor, policy: AccessPolicy, message: Message
    ) -> None:
        self.uow = uow
        self.actor = actor
        self._policy = policy
        self._action = type(message).__name__
        self._permission = type(message).permission

    @property
    def scope_paths(self) -> tuple[str, ...]:
        """Organisation path prefixes this actor may see (for filtering list queries)."""
        return self.actor.scope_paths

    def authorize(
        self,
        *,
        target_kind: str,
        target_id: str,
        target_path: str | None,
        personal_fields: tuple[str, ...] = (),
        permission: str | None = None,
    ) -> None:
        """Allow or refuse access to one target; refusal surfaces as 404 (existence not leaked).

        ``target_path`` is the owning organisation's materialised path (``"/"`` for a
        platform-wide resource, which only actors scoped at the root may touch). Reads of
        ``personal_fields`` need the personal-data right and
        are logged as such.
        """
        perm = permission or self._permission
        outcome, reason = self._policy.check(
            self.actor, perm, target_path, personal=bool(personal_fields)
        )
        decision = AccessDecision(
            at=self.uow.clock.now(),
            actor_id=self.actor.ref,
            actor_organisation_id=self.actor.organisation_id,
            action=self._action,
            permission=perm,
            outcome=outcome,
            reason=reason,
            target_kind=target_kind,
            target_id=target_id,
            target_path=target_path or "",
            personal_fields=personal_fields,
        )
        if outcome is Outcome.DENIED:
            raise Refused(decision, OutOfScope(target_kind, target_id))
        self.uow.log_access(decision)

    def allowed(self, permission: str, target_path: str | None, *, personal: bool = False) -> bool:
        """Ask the policy without recording or raising (to decide e.g. whether to unmask)."""
        outcome, _ = self._policy.check(self.actor, permission, target_path, personal=personal)
        return outcome is Outcome.ALLOWED


Handler = Callable[[Any, HandlerContext], Any]


class MessageBus:
    """Routes each command or query to its one handler, in one place for access and audit."""

    def __init__(
        self,
        uow_factory: UowFactory,
        policy: AccessPolicy,
        relay: OutboxRelay | None = None,
    ) -> None:
        self._uow_factory = uow_factory
        self._policy = policy
        self._relay = relay
        self._handlers: dict[type[Message], Handler] = {}

    def register(self, message_type: type[M], handler: Callable[[M, HandlerContext], Any]) -> None:
        if message_type in self._handlers:
            raise ValueError(f"{message_type.__name__} already has a handler")
        self._handlers[message_type] = handler

    def handles(self, message_type: type[Message]) -> bool:
        return message_type in self._handlers

    def handle(self, message: Message, actor: Actor) -> Any:
        """Authorise and run ``message`` for ``actor``; return the handler's result."""
        handler = self._handlers.get(type(message))
        if handler is None:
            raise LookupError(f"no handler for {type(message).__name__}")
        try:
            read_only = isinstance(message, Query)
            with self._uow_factory(actor, read_only=read_only) as uow:
                self._require_role(message, actor, uow)
                result = handler(message, HandlerContext(uow, actor, self._policy, message))
                uow.commit()
        except Refused as refused:
            self._record_refusal(refused.decision, actor)
            raise refused.error from None
        if self._relay is not None and not read_only:  # a query records no events to relay
            try:
                self._relay.drain()
            except Exception:  # the command is committed; the relay retries later
                log.exception("outbox relay failed after %s", type(message).__name__)
        return result

    def handle_together(self, items: Sequence[tuple[Command, Actor]]) -> list[Any]:
        """Run several commands in one unit of work, each authorised for and recorded under its
        own actor, and commit them once (one durable write for all: group commit). All or
        nothing: the first failure or refusal rolls every one back and is raised, nothing of
        it recorded; the caller may then handle each alone (:meth:`handle`) to find which."""
        if not items:
            return []
        handlers = []
        for message, _ in items:
            handler = self._handlers.get(type(message))
            if handler is None:
                raise LookupError(f"no handler for {type(message).__name__}")
            handlers.append(handler)
        results = []
        try:
            with self._uow_factory(items[0][1]) as uow:
                for (message, actor), handler in zip(items, handlers, strict=True):
                    uow.actor = actor
                    self._require_role(message, actor, uow)
                    ctx = HandlerContext(uow, actor, self._policy, message)
                    results.append(handler(message, ctx))
                uow.commit()
        except Refused as refused:
            raise refused.error from None
        if self._relay is not None:
            try:
                self._relay.drain()
            except Exception:  # the commands are committed; the relay retries later
                log.exception("outbox relay failed after %d commands", len(items))
        return results

    def _require_role(self, message: Message, actor: Actor, uow: UnitOfWork) -> None:
        permission = type(message).permission
        outcome, reason = self._policy.check(actor, permission, None)
        if outcome is Outcome.DENIED:
            decision = AccessDecision(
                at=uow.clock.now(),
                actor_id=actor.ref,
                actor_organisation_id=actor.organisation_id,
                action=type(message).__name__,
                permission=permission,
                outcome=outcome,
                reason=reason,
            )
            raise Refused(decision, Forbidden(f"{permission!r} is not granted to your roles"))

    def _record_refusal(self, decision: AccessDecision, actor: Actor) -> None:
        with self._uow_factory(actor) as uow:
            uow.log_access(decision)
            uow.record(
                AccessDenied(
                    aggregate_id=actor.ref,
                    organisation_id=actor.organisation_id,
                    action=decision.action,
                    permission=decision.permission,
                    reason=decision.reason,
                    target_kind=decision.target_kind,
                    target_id=decision.target_id,
                )
            )
            uow.commit()
