"""Messages: commands (imperative, one handler) and domain events (past tense, many subscribers)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, ClassVar


def json_safe(value: Any) -> Any:
    """Convert dataclasses, enums, datetimes, tuples and sets to plain JSON values."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return json_safe(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: json_safe(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [json_safe(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if hasattr(value, "to_geojson"):
        return json_safe(value.to_geojson())
    raise TypeError(f"cannot convert {type(value).__name__} to JSON")


@dataclass(frozen=True, kw_only=True)
class Message:
    """Base of commands and queries. ``permission`` names what the caller's roles must grant."""

    permission: ClassVar[str]


@dataclass(frozen=True, kw_only=True)
class Command(Message):
    """An imperative request to change state (``RegisterFacility``); exactly one handler."""


@dataclass(frozen=True, kw_only=True)
class Query(Message):
    """A request to read state; checked and logged exactly like a command."""


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Something that happened (past tense). Subclasses add payload fields.

    ``aggregate_id`` names the changed aggregate; ``organisation_id`` the organisation that owns
    it, so that timelines and live streams can be scoped.
    """

    aggregate_type: ClassVar[str] = "unknown"

    aggregate_id: str
    organisation_id: str | None = None

    @classmethod
    def event_type(cls) -> str:
        return cls.__name__

    def payload(self) -> dict[str, Any]:
        """The event's own fields as JSON values (aggregate and organisation ids excluded)."""
        return {
            f.name: json_safe(getattr(self, f.name))
            for f in dataclasses.fields(self)
            if f.name not in ("aggregate_id", "organisation_id")
        }


@dataclass(frozen=True, kw_only=True)
class StoredEvent:
    """An event as it stands in the event log, with its place in the hash chain."""

    seq: int
    id: str
    type: str
    aggregate_type: str
    aggregate_id: str
    actor_id: str
    organisation_id: str | None
    occurred_at: datetime
    payload: dict[str, Any]
    prev_hash: str
    hash: str
