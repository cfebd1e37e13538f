"""The bus checks roles before the handler, scope inside it, and records refusals apart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pytest

from lifeline.kernel.access import Actor, ActorKind, Outcome
from lifeline.kernel.bus import AccessDenied, HandlerContext, MessageBus
from lifeline.kernel.errors import Forbidden, NotFound, OutOfScope
from lifeline.kernel.events import Command, DomainEvent, Query
from lifeline.security.policy import ScopePolicy
from tests.unit.fakes import FakeUnitOfWork


@dataclass(frozen=True, kw_only=True)
class Touch(Command):
    permission: ClassVar[str] = "thing.write"
    target_path: str


@dataclass(frozen=True, kw_only=True)
class Touched(DomainEvent):
    aggregate_type: ClassVar[str] = "thing"


def actor(perms: set[str], scope: str) -> Actor:
    return Actor(
        id="u1",
        kind=ActorKind.USER,
        organisation_id="org",
        permissions=frozenset(perms),
        scope_paths=(scope,),
    )


class Harness:
    def __init__(self) -> None:
        self.uows: list[FakeUnitOfWork] = []
        self.bus = MessageBus(self.make_uow, ScopePolicy())
        self.bus.register(Touch, self.touch)

    def make_uow(self, actor: Actor, *, read_only: bool = False) -> FakeUnitOfWork:
        uow = FakeUnitOfWork(actor)
        self.uows.append(uow)
        return uow

    @staticmethod
    def touch(cmd: Touch, ctx: HandlerContext) -> str:
        ctx.authorize(target_kind="thing", target_id="t1", target_path=cmd.target_path)
        ctx.uow.record(Touched(aggregate_id="t1"))
        return "done"


def test_allowed_command_commits_its_event_and_its_decision_together() -> None:
    h = Harness()
    result = h.bus.handle(Touch(target_path="/city/d1/"), actor({"thing.write"}, "/city/"))
    assert result == "done"
    (uow,) = h.uows
    assert [type(e) for e in uow.committed_events] == [Touched]
    assert [d.outcome for d in uow.committed_access] == [Outcome.ALLOWED]


def test_missing_permission_is_forbidden_and_recorded_in_a_separate_transaction() -> None:
    h = Harness()
    with pytest.raises(Forbidden):
        h.bus.handle(Touch(target_path="/city/"), actor({"other"}, "/city/"))
    request_uow, refusal_uow = h.uows
    assert request_uow.committed_events == []
    assert [type(e) for e in refusal_uow.committed_events] == [AccessDenied]
    assert refusal_uow.committed_access[0].outcome is Outcome.DENIED


def test_out_of_scope_is_not_found_and_nothing_of_the_handler_commits() -> None:
    h = Harness()
    with pytest.raises(NotFound) as exc:
        h.bus.handle(Touch(target_path="/city/d2/"), actor({"thing.write"}, "/city/d1/"))
    assert isinstance(exc.value, OutOfScope)
    request_uow, refusal_uow = h.uows
    assert request_uow.committed_events == []
    denied = refusal_uow.committed_events[0]
    assert isinstance(denied, AccessDenied)
    assert denied.target_id == "t1"
    assert denied.reason == "outside the actor's organisation scope"


def test_a_message_without_handler_is_a_programming_error() -> None:
    h = Harness()

    @dataclass(frozen=True, kw_only=True)
    class Unknown(Command):
        permission: ClassVar[str] = "x"

    with pytest.raises(LookupError):
        h.bus.handle(Unknown(), actor({"x"}, "/"))


def test_a_handler_can_be_registered_once() -> None:
    h = Harness()
    with pytest.raises(ValueError, match="already"):
        h.bus.register(Touch, h.touch)


@dataclass(frozen=True, kw_only=True)
class Peek(Query):
    permission: ClassVar[str] = "thing.read"


class CountingRelay:
    """Stands in for the outbox relay: counts how often the bus asks it to deliver."""

    def __init__(self) -> None:
        self.drains = 0

    def drain(self) -> int:
        self.drains += 1
        return 0


def test_the_relay_is_drained_after_a_command_but_not_after_a_query() -> None:
    h = Harness()
    relay = CountingRelay()
    h.bus = MessageBus(h.make_uow, ScopePolicy(), relay)  # type: ignore[arg-type]
    h.bus.register(Touch, h.touch)
    h.bus.register(Peek, lambda _q, _ctx: "seen")
    who = actor({"thing.write", "thing.read"}, "/city/")
    assert h.bus.handle(Peek(), who) == "seen"
    assert relay.drains == 0  # a query records no events: nothing to hand over
    h.bus.handle(Touch(target_path="/city/d1/"), who)
    assert relay.drains == 1


def test_commands_handled_together_commit_once_each_under_its_own_actor() -> None:
    h = Harness()
    first = actor({"thing.write"}, "/city/d1/")
    second = Actor(
        id="u2", kind=ActorKind.USER, organisation_id="org2",
        permissions=frozenset({"thing.write"}), scope_paths=("/city/d2/",),
    )  # fmt: skip
    results = h.bus.handle_together(
        [(Touch(target_path="/city/d1/"), first), (Touch(target_path="/city/d2/"), second)]
    )
    assert results == ["done", "done"]
    (uow,) = h.uows
    assert uow.commits == 1
    assert [type(e) for e in uow.committed_events] == [Touched, Touched]
    assert [d.actor_id for d in uow.committed_access] == [first.ref, second.ref]
    assert uow.actor == second  # events are recorded under the actor of the moment


def test_a_refusal_among_commands_handled_together_rolls_back_all_of_them() -> None:
    h = Harness()
    allowed = actor({"thing.write"}, "/city/")
    outside = actor({"thing.write"}, "/city/d1/")
    with pytest.raises(NotFound):
        h.bus.handle_together(
            [(Touch(target_path="/city/d1/"), allowed), (Touch(target_path="/city/d2/"), outside)]
        )
    (uow,) = h.uows  # not recorded here: the caller handles each alone to find the refusal
    assert uow.commits == 0
    assert uow.committed_events == []
    assert h.bus.handle_together([]) == []
