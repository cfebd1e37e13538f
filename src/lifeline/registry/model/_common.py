"""Values shared by every registry message: name limits, "leave unchanged" and list pages."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

T = TypeVar("T")

MAX_NAME_LENGTH = 200


class Unset(Enum):
    """Marks a field an update leaves alone (``None`` means "clear it")."""

    UNSET = "UNSET"


UNSET = Unset.UNSET


@dataclass(frozen=True, slots=True)
class Listing(Generic[T]):
    """One page of a list query: ``total`` counts every match the caller may see."""

    items: list[T]
    total: int
