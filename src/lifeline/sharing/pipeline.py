"""One source row → (dedup key, canonical record, problems): mapping, cleaning and validation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lifeline.kernel.errors import FieldProblem
from lifeline.sharing.mapping import Mapping, apply, record_key
from lifeline.sharing.model import RAGGED
from lifeline.sharing.validation import conform


@dataclass(frozen=True, slots=True)
class Outcome:
    key: str | None
    record: dict[str, Any]
    problems: tuple[FieldProblem, ...]
    original: dict[str, Any]

    @property
    def ok(self) -> bool:
        return not self.problems


def process(mapping: Mapping, row: dict[str, Any], now: datetime) -> Outcome:
    """Map, clean and validate one row; a row is kept only when it has no problem at all."""
    original = {k: v for k, v in row.items() if k != RAGGED}
    problems: list[FieldProblem] = []
    if RAGGED in row:
        problems.append(FieldProblem("row", str(row[RAGGED])))
    key = record_key(mapping, row)
    if key is None:
        problems.append(FieldProblem("key", f"key column(s) {', '.join(mapping.key)} are blank"))
    mapped, mapping_problems = apply(mapping, row)
    record, invalid = conform(mapping.spec, mapped, now)
    failed = {p.field for p in mapping_problems}
    problems.extend(mapping_problems)
    problems.extend(p for p in invalid if p.field not in failed)
    return Outcome(key=key, record=record, problems=tuple(problems), original=original)
