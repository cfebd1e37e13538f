"""Freezing the heap once a process has started: garbage is collected first, what survives is
moved out of the collector's reach, and later full collections walk only newer objects. A job
freezes the heap while it runs, and the last job running gives it back, unless the process
froze it at startup."""

from __future__ import annotations

import gc
import threading
import weakref
from collections.abc import Iterator

import pytest

from lifeline.kernel import heap
from lifeline.kernel.heap import freeze_after_startup, frozen_heap


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector can free it


@pytest.fixture(autouse=True)
def unfrozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    gc.unfreeze()
    monkeypatch.setattr(heap, "_state", heap._State())
    yield
    gc.unfreeze()  # leave the test process's collector as it found it


def _tracked(obj: object) -> bool:
    return any(o is obj for o in gc.get_objects())


def test_garbage_is_collected_and_survivors_are_frozen() -> None:
    survivor = Node()
    garbage = Node()
    gone = weakref.ref(garbage)
    del garbage
    assert gone() is not None  # a cycle: still there until a collection
    assert _tracked(survivor)

    frozen = freeze_after_startup()

    assert gone() is None  # collected, not frozen for good
    assert frozen == gc.get_freeze_count() > 0
    assert not _tracked(survivor)  # in the permanent generation: full collections skip it
    later = Node()
    assert _tracked(later)  # objects made afterwards are collected as before
    del later


def test_a_job_hides_what_exists_from_the_collector_and_gives_it_back() -> None:
    before = Node()
    watch = weakref.ref(before)
    with frozen_heap():
        assert gc.get_freeze_count() > 0
        del before  # garbage now, but frozen: a full collection does not walk it
        gc.collect()
        assert watch() is not None
        made = weakref.ref(Node())  # what the job makes is still the collector's
        gc.collect()
        assert made() is None
    assert gc.get_freeze_count() == 0
    gc.collect()  # the frozen garbage is collected once the heap is given back
    assert watch() is None


def test_a_job_leaves_the_startup_freeze_in_place() -> None:
    frozen = freeze_after_startup()
    with frozen_heap():
        pass
    assert gc.get_freeze_count() == frozen


def test_the_heap_stays_frozen_until_the_last_job_ends() -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[int] = []

    def first() -> None:
        with frozen_heap():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with frozen_heap():
            second_in.set()
            first_out.wait(5)
            seen.append(gc.get_freeze_count())  # the first job ended, this one still runs
        seen.append(gc.get_freeze_count())

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen[0] > 0
    assert seen[1] == 0


def test_the_heap_is_given_back_when_the_job_fails() -> None:
    with pytest.raises(RuntimeError), frozen_heap():
        raise RuntimeError("the job failed")
    assert gc.get_freeze_count() == 0
