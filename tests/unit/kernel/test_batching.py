"""The group-commit batching policy: idle → at once, busy → what queued, bounded."""

from __future__ import annotations

import queue
import threading

import pytest

from lifeline.kernel.batching import GroupCommitInbox


class ScriptedInbox:
    """A queue whose blocking ``get`` delivers the next scripted later arrival (or times out),
    recording every timeout it was asked to wait."""

    def __init__(self, queued: list[str], later: list[str] | None = None) -> None:
        self.queued = list(queued)
        self.later = list(later or [])  # "a+b": a and b arrive together
        self.waits: list[float | None] = []

    def put(self, item: str) -> None:
        self.queued.append(item)

    def get(self, block: bool = True, timeout: float | None = None) -> str:
        if self.queued:
            return self.queued.pop(0)
        self.waits.append(timeout)
        if not self.later:
            raise queue.Empty
        first, *together = self.later.pop(0).split("+")
        self.queued.extend(together)
        return first

    def get_nowait(self) -> str:
        if not self.queued:
            raise queue.Empty
        return self.queued.pop(0)

    def qsize(self) -> int:
        return len(self.queued)


def test_an_idle_writer_commits_the_first_arrival_without_lingering() -> None:
    inbox = ScriptedInbox([], later=["a", "b"])
    batches = GroupCommitInbox(max_batch=100, max_wait_s=3600.0, inbox=inbox)
    assert batches.take(timeout_s=0.2) == ["a"]
    assert inbox.waits == [0.2]  # waited for the first arrival only, not for the window
    assert (batches.idle_batches, batches.busy_batches) == (1, 0)


def test_an_idle_writer_takes_arrivals_queued_with_the_first() -> None:
    inbox = ScriptedInbox([], later=["a+b"])
    batches = GroupCommitInbox(max_batch=100, inbox=inbox)
    assert batches.take(timeout_s=0.2) == ["a", "b"]


def test_a_busy_writer_takes_everything_queued_during_its_commit() -> None:
    inbox = ScriptedInbox([], later=["a"])
    batches = GroupCommitInbox(max_batch=100, max_wait_s=0.0, inbox=inbox)
    assert batches.take(timeout_s=0.2) == ["a"]
    for item in "bcd":  # queued while "a" is being committed
        inbox.put(item)
    inbox.later = ["e"]
    assert batches.take(timeout_s=0.2) == ["b", "c", "d"]
    assert inbox.waits == [0.2]  # nothing waited for: "e" is the next batch's
    assert (batches.idle_batches, batches.busy_batches) == (1, 1)


def test_a_writer_that_found_nothing_last_time_is_idle_even_if_an_arrival_waits() -> None:
    inbox = ScriptedInbox([])
    batches = GroupCommitInbox(max_batch=100, max_wait_s=3600.0, inbox=inbox)
    assert batches.take(timeout_s=0.2) == []
    inbox.put("a")  # arrived between two waits of an idle writer
    inbox.later = ["b"]
    assert batches.take(timeout_s=0.2) == ["a"]  # no lingering for "b"
    assert batches.idle_batches == 1


def test_batches_are_bounded_by_max_batch() -> None:
    inbox = ScriptedInbox([str(i) for i in range(10)])
    batches = GroupCommitInbox(max_batch=4, inbox=inbox)
    sizes = [len(batches.take(timeout_s=0.0)) for _ in range(4)]
    assert sizes == [4, 4, 2, 0]


def busy(batches: GroupCommitInbox[str], inbox: ScriptedInbox, queued: list[str]) -> None:
    """Bring the writer to the state after a commit during which ``queued`` arrived."""
    inbox.queued, later = ["first"], inbox.later
    inbox.later = []
    assert batches.take(timeout_s=0.0) == ["first"]
    inbox.queued, inbox.later = list(queued), later


def test_a_busy_writer_lingers_up_to_max_wait_to_fill_its_batch() -> None:
    now = [100.0]
    inbox = ScriptedInbox([], later=["b", "c"])
    batches = GroupCommitInbox(max_batch=100, max_wait_s=0.5, inbox=inbox, monotonic=lambda: now[0])
    busy(batches, inbox, ["a"])
    assert batches.take(timeout_s=0.2) == ["a", "b", "c"]
    assert inbox.waits == [0.5, 0.5, 0.5]  # until the window would end (the clock stood still)


def test_lingering_stops_at_the_deadline_and_at_the_bound() -> None:
    now = [0.0]

    def clock() -> float:
        now[0] += 0.3
        return now[0]

    inbox = ScriptedInbox([], later=["b", "c", "d"])
    batches = GroupCommitInbox(max_batch=100, max_wait_s=0.5, inbox=inbox, monotonic=clock)
    busy(batches, inbox, ["a"])
    assert batches.take(timeout_s=0.2) == ["a", "b"]  # the second wait would pass the deadline
    inbox = ScriptedInbox([], later=["b", "c", "d"])
    batches = GroupCommitInbox(max_batch=2, max_wait_s=60.0, inbox=inbox)
    busy(batches, inbox, ["a"])
    assert batches.take(timeout_s=0.2) == ["a", "b"]


def test_a_draining_writer_never_lingers() -> None:
    inbox = ScriptedInbox([], later=["b"])
    batches = GroupCommitInbox(max_batch=100, max_wait_s=3600.0, inbox=inbox)
    busy(batches, inbox, ["a"])
    assert batches.take(timeout_s=0.0) == ["a"]
    assert inbox.waits == []


def test_nothing_arrives_nothing_is_taken() -> None:
    batches: GroupCommitInbox[str] = GroupCommitInbox(max_batch=10, inbox=ScriptedInbox([]))
    assert batches.take(timeout_s=0.0) == []
    assert batches.take(timeout_s=0.1) == []
    assert (batches.idle_batches, batches.busy_batches) == (0, 0)


def test_invalid_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="max_batch"):
        GroupCommitInbox[str](max_batch=0)
    with pytest.raises(ValueError, match="max_wait_s"):
        GroupCommitInbox[str](max_batch=1, max_wait_s=-1.0)


def test_arrivals_during_a_commit_form_the_next_batch_on_a_real_queue() -> None:
    batches: GroupCommitInbox[int] = GroupCommitInbox(max_batch=1000, max_wait_s=3600.0)
    arrival = threading.Timer(0.05, batches.put, (0,))
    arrival.start()
    first = batches.take(timeout_s=30.0)  # idle: at once, though max_wait_s is an hour

    def arrive() -> None:
        for i in range(1, 6):
            batches.put(i)

    arrivals = threading.Thread(target=arrive)
    arrivals.start()
    arrivals.join()  # they arrive "during the commit" of the first batch
    batches.max_wait_s = 0.0
    assert first == [0]
    assert batches.take(timeout_s=1.0) == [1, 2, 3, 4, 5]
