"""Which files of a drop folder to pick up (pure).

A round of a drop sees each file matching the drop's pattern as a :class:`Sighting` (name, size,
modification time, age). :func:`triage` sorts them, oldest first:

- a file modified less than ``settle_s`` ago is still being written: it **waits** (and the next
  round is due when the youngest waiting file has settled);
- a file whose name, size and modification time match a file already ingested (or recorded as a
  duplicate) is **known**: skipped without reading it again;
- every other file is to be **hashed** (SHA-256 of the content).

After hashing, :func:`decide` says what to do with a file: **skip** it when its name and content
were picked up before, record it as a **duplicate** when its content was ingested under another
name, and otherwise **ingest** it. So the same content is never ingested twice, and a file
replaced by a new export under the same name is ingested again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import PurePosixPath

from lifeline.kernel.errors import InvalidInput
from lifeline.sharing.model import DropFileStatus, DroppedFile

MAX_PATTERN = 200
MAX_SETTLE_S = 86_400
_GLOB = set("*?[]")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_US = timedelta(microseconds=1)


def mtime_at(mtime_us: int) -> datetime:
    """A modification time in microseconds since the epoch, as an aware UTC datetime."""
    return _EPOCH + timedelta(microseconds=mtime_us)


def mtime_us(at: datetime) -> int:
    return (at - _EPOCH) // _US


def check_pattern(pattern: str) -> str:
    """The pattern, stripped, when it names files of one directory (no separators, no ``..``)."""
    pattern = pattern.strip()
    if not pattern or len(pattern) > MAX_PATTERN:
        raise InvalidInput("pattern", f"must be 1 to {MAX_PATTERN} characters")
    if "/" in pattern or "\\" in pattern or pattern in (".", "..") or "\x00" in pattern:
        raise InvalidInput("pattern", "must match file names in the directory, without a path")
    return pattern


def literal_suffix(pattern: str) -> str | None:
    """The pattern's extension when it is spelled out (``*.csv`` → ``.csv``), else None."""
    suffix = PurePosixPath(pattern).suffix
    if not suffix or _GLOB & set(suffix):
        return None
    return suffix


@dataclass(frozen=True, slots=True)
class Sighting:
    """A file of the drop as listed: its name, size, modification time (microseconds since the
    epoch) and age (seconds since that modification, by the file system's clock)."""

    name: str
    size_bytes: int
    mtime_us: int
    age_s: float


@dataclass(frozen=True, slots=True)
class Triage:
    to_hash: list[Sighting]  # oldest first
    waiting: list[Sighting]
    known: list[Sighting]
    wait_s: float | None  # when the youngest waiting file has settled; None: none waits


def _done(item: DroppedFile) -> bool:
    return item.status in (DropFileStatus.INGESTED, DropFileStatus.DUPLICATE)


def triage(sightings: list[Sighting], picked: list[DroppedFile], settle_s: float) -> Triage:
    """Sort a round's files into those to hash, those still settling and those already done."""
    seen = {(p.name, p.size_bytes, mtime_us(p.modified_at)) for p in picked if _done(p)}
    to_hash: list[Sighting] = []
    waiting: list[Sighting] = []
    known: list[Sighting] = []
    for s in sorted(sightings, key=lambda s: (s.mtime_us, s.name)):
        if s.age_s < settle_s:
            waiting.append(s)
        elif (s.name, s.size_bytes, s.mtime_us) in seen:
            known.append(s)
        else:
            to_hash.append(s)
    wait_s = max((settle_s - s.age_s for s in waiting), default=None)
    return Triage(to_hash, waiting, known, wait_s)


class Decision(StrEnum):
    INGEST = "ingest"
    DUPLICATE = "duplicate"
    SKIP = "skip"


def decide(name: str, content_hash: str, picked: list[DroppedFile]) -> tuple[Decision, str | None]:
    """What to do with a hashed file, and for a duplicate the run that ingested its content."""
    done = [p for p in picked if _done(p) and p.content_hash == content_hash]
    if any(p.name == name for p in done):
        return Decision.SKIP, None
    ingested = [p for p in done if p.status is DropFileStatus.INGESTED]
    if ingested:
        return Decision.DUPLICATE, ingested[0].run_id
    return Decision.INGEST, None
