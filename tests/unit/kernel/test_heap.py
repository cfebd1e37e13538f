"""Freezing the heap once a process has started: garbage is collected first, what survives is
moved out of the collector's reach, and later full collections walk only newer objects."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from lifeline.kernel.heap import freeze_after_startup


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cyclic collector can free it


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # leave the test process's collector as it found it


def _tracked(obj: object) -> bool:
    return any(o is obj for o in gc.get_objects())


@pytest.mark.usefixtures("unfrozen")
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
