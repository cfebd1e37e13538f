"""Group commit of concurrent callers: idle → alone at once, busy → queued together, bounded,
and a failing command fails only its own caller."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest

from lifeline.kernel.access import SYSTEM_ACTOR, Actor
from lifeline.kernel.events import Command
from lifeline.kernel.group_commit import GroupCommit


@dataclass(frozen=True, kw_only=True)
class Store(Command):
    permission: ClassVar[str] = "x"
    name: str
    rows: int = 1


class FakeBus:
    """Records each transaction's commands (groups, and commands handled alone); any
    transaction can be held open until ``hold`` is set."""

    def __init__(self) -> None:
        self.groups: list[list[str]] = []
        self.alone: list[str] = []
        self.hold = threading.Event()
        self.hold.set()
        self.inside = threading.Event()

    def handle_together(self, items: list[tuple[Store, Actor]]) -> list[str]:
        self.inside.set()
        self.hold.wait(10)
        names = [command.name for command, _ in items]
        self.groups.append(names)
        if "bad" in names:
            raise ValueError("one of them is bad")
        return [f"stored {name}" for name in names]

    def handle(self, command: Store, actor: Actor) -> str:
        self.inside.set()
        self.hold.wait(10)
        self.alone.append(command.name)
        if command.name == "bad":
            raise ValueError("bad alone")
        return f"stored {command.name}"


def committer(bus: FakeBus, max_weight: int = 100) -> GroupCommit:
    return GroupCommit(bus, max_weight=max_weight, weight=lambda c: c.rows)  # type: ignore[arg-type]


def test_an_idle_committer_commits_the_first_command_at_once_alone() -> None:
    bus = FakeBus()
    group = committer(bus)
    assert group.run(Store(name="a"), SYSTEM_ACTOR) == "stored a"
    assert (bus.groups, bus.alone) == ([], ["a"])  # alone: as the bus handles one command
    assert (group.commits, group.commands) == (1, 1)


def _start(group: GroupCommit, names: list[str], out: dict[str, Any]) -> list[threading.Thread]:
    def call(name: str) -> None:
        try:
            out[name] = group.run(Store(name=name, rows=10), SYSTEM_ACTOR)
        except ValueError as exc:
            out[name] = exc

    threads = [threading.Thread(target=call, args=(n,)) for n in names]
    for t in threads:
        t.start()
    return threads


def _queued(group: GroupCommit, n: int) -> None:
    for _ in range(1000):
        if len(group._queue) == n:
            return
        threading.Event().wait(0.005)
    raise AssertionError(f"{len(group._queue)} queued, expected {n}")


def test_commands_arriving_during_a_commit_are_committed_together_next() -> None:
    bus = FakeBus()
    bus.hold.clear()
    group = committer(bus)
    out: dict[str, Any] = {}
    (first,) = _start(group, ["first"], out)
    assert bus.inside.wait(10)  # "first" is being committed
    later = _start(group, ["b", "c", "d"], out)
    _queued(group, 3)
    bus.hold.set()
    for t in [first, *later]:
        t.join(10)
    assert bus.alone == ["first"]  # alone and at once
    assert [sorted(g) for g in bus.groups] == [["b", "c", "d"]]  # together, in one commit
    assert out == {n: f"stored {n}" for n in ("first", "b", "c", "d")}


def test_a_group_is_bounded_by_max_weight() -> None:
    bus = FakeBus()
    bus.hold.clear()
    group = committer(bus, max_weight=20)  # two commands of 10 rows each
    out: dict[str, Any] = {}
    threads = _start(group, ["first"], out)
    assert bus.inside.wait(10)
    threads += _start(group, ["b", "c", "d", "e", "f"], out)
    _queued(group, 5)
    bus.hold.set()
    for t in threads:
        t.join(10)
    assert [len(g) for g in bus.groups] == [2, 2]
    assert len(bus.alone) == 2  # "first", and the one left over
    assert len(out) == 6


def test_a_failing_command_fails_only_its_own_caller() -> None:
    bus = FakeBus()
    bus.hold.clear()
    group = committer(bus)
    out: dict[str, Any] = {}
    threads = _start(group, ["first"], out)
    assert bus.inside.wait(10)
    threads += _start(group, ["b", "bad", "c"], out)
    _queued(group, 3)
    bus.hold.set()
    for t in threads:
        t.join(10)
    assert isinstance(out["bad"], ValueError)
    assert {n: out[n] for n in ("first", "b", "c")} == {
        "first": "stored first", "b": "stored b", "c": "stored c"
    }  # fmt: skip
    assert sorted(bus.alone) == ["b", "bad", "c", "first"]  # the failed group, each alone


def test_max_weight_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_weight"):
        GroupCommit(FakeBus(), max_weight=0)  # type: ignore[arg-type]
