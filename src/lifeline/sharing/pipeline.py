"""One source row → (dedup key, canonical record, problems): mapping, cleaning and validation.

:class:`Pipeline` compiles a mapping and its record spec once; a run then calls
:meth:`Pipeline.process` for every row. :func:`process` is the one-off form (previews, replays).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lifeline.kernel.errors import FieldProblem
from lifeline.sharing.mapping import CompiledMapping, Mapping
from lifeline.sharing.model import RAGGED
from lifeline.sharing.validation import Conformer


@dataclass(frozen=True, slots=True)
class Outcome:
    key: str | None
    record: dict[str, Any]
    problems: tuple[FieldProblem, ...]
    original: dict[str, Any]

    @property
    def ok(self) -> bool:
        return not self.problems


class Pipeline:
    """A mapping compiled into converters and a conformer for its record type."""

    __slots__ = ("_blank_key", "_conform", "_mapping")

    def __init__(self, mapping: Mapping) -> None:
        self._mapping = CompiledMapping(mapping)
        self._conform = Conformer(mapping.spec)
        self._blank_key = f"key column(s) {', '.join(mapping.key)} are blank"

    def process(self, row: dict[str, Any], now: datetime) -> Outcome:
        """Map, clean and validate one row; a row is kept only when it has no problem at all."""
        problems: list[FieldProblem] = []
        if RAGGED in row:
            original = {k: v for k, v in row.items() if k != RAGGED}
            problems.append(FieldProblem("row", str(row[RAGGED])))
        else:
            original = row  # readers yield a new dict per row and nothing here changes it
        key = self._mapping.key(row)
        if key is None:
            problems.append(FieldProblem("key", self._blank_key))
        mapped, mapping_problems = self._mapping.apply(row)
        record, invalid = self._conform(mapped, now)
        if mapping_problems:
            failed = {p.field for p in mapping_problems}
            problems.extend(mapping_problems)
            problems.extend(p for p in invalid if p.field not in failed)
        else:
            problems.extend(invalid)
        return Outcome(key=key, record=record, problems=tuple(problems), original=original)


def process(mapping: Mapping, row: dict[str, Any], now: datetime) -> Outcome:
    """Map, clean and validate one row; a row is kept only when it has no problem at all."""
    return Pipeline(mapping).process(row, now)
