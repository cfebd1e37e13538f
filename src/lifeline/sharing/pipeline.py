"""One source row → (dedup key, canonical record, problems): mapping, cleaning and validation.

:class:`Pipeline` compiles a mapping and its record spec once; a run then calls
:meth:`Pipeline.process_chunk` for every chunk of rows, which converts them a column at a time
(``columns``). :func:`process` is the one-off form (previews, replays).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import repeat
from typing import Any

from lifeline.kernel.errors import FieldProblem
from lifeline.sharing.columns import Column, field_columns
from lifeline.sharing.mapping import CompiledMapping, Mapping
from lifeline.sharing.model import RAGGED


@dataclass(frozen=True, slots=True)
class Outcome:
    key: str | None
    record: dict[str, Any]
    problems: tuple[FieldProblem, ...]
    original: dict[str, Any]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class Chunk:
    """The outcome of a chunk of rows, column-wise: per row its key, its (partial, when
    rejected) record and its original values; the rejected rows' problems by row index."""

    keys: list[str | None]
    records: list[dict[str, Any]]
    originals: list[dict[str, Any]]
    problems: dict[int, tuple[FieldProblem, ...]]

    def outcome(self, i: int) -> Outcome:
        return Outcome(self.keys[i], self.records[i], self.problems.get(i, ()), self.originals[i])

    def outcomes(self) -> list[Outcome]:
        return [self.outcome(i) for i in range(len(self.keys))]


class Pipeline:
    """A mapping compiled into one column per canonical field (see ``columns``)."""

    __slots__ = ("_blank_key", "_columns", "_key_columns", "_mapping", "_names", "_rule_order")

    def __init__(self, mapping: Mapping) -> None:
        self._mapping = CompiledMapping(mapping)
        self._columns = field_columns(mapping, self._mapping)
        self._names = tuple(c.name for c in self._columns)
        # mapping problems are reported in the order of the mapping's rules
        self._rule_order = sorted(
            (c for c in range(len(self._columns)) if self._columns[c].rule_index is not None),
            key=lambda c: self._columns[c].rule_index or 0,
        )
        self._key_columns = mapping.key
        self._blank_key = f"key column(s) {', '.join(mapping.key)} are blank"

    def process(self, row: dict[str, Any], now: datetime) -> Outcome:
        """Map, clean and validate one row; a row is kept only when it has no problem at all."""
        return self.process_chunk([row], now).outcome(0)

    def process_chunk(self, rows: Sequence[dict[str, Any]], now: datetime) -> Chunk:
        """Map, clean and validate a chunk of rows, a column at a time; each row's outcome is
        what it would be on its own (rows are independent of one another)."""
        keys = self._keys(rows)
        columns = [column(rows, now) for column in self._columns]
        bad = {i for i, row in enumerate(rows) if RAGGED in row}
        bad.update(i for i, key in enumerate(keys) if key is None)
        for _, mapped, checked in columns:
            bad.update(mapped)
            bad.update(checked)
        names = self._names
        records: list[dict[str, Any]] = list(
            map(dict, map(zip, repeat(names), zip(*(c[0] for c in columns), strict=True)))
        )
        # a field without a value (absent, or failed in a rejected row) is left out of its record
        for name, (values, _, _) in zip(names, columns, strict=True):
            if None in values:
                for i in [i for i, value in enumerate(values) if value is None]:
                    del records[i][name]
        originals = list(rows)  # readers yield a new dict per row and nothing here changes it
        problems: dict[int, tuple[FieldProblem, ...]] = {}
        for i in sorted(bad):
            row = rows[i]
            if RAGGED in row:
                originals[i] = {k: v for k, v in row.items() if k != RAGGED}
            problems[i] = self._problems(i, row, keys[i], columns)
        return Chunk(keys=keys, records=records, originals=originals, problems=problems)

    def _keys(self, rows: Sequence[dict[str, Any]]) -> list[str | None]:
        """The exact dedup key of each row (see :meth:`CompiledMapping.key`)."""
        parts = [
            [str(v or "").strip() for v in map(dict.get, rows, repeat(column))]
            for column in self._key_columns
        ]
        if len(parts) == 1:
            return [p or None for p in parts[0]]
        if not any("" in part for part in parts):  # no blank part: every key is whole
            return list(map("|".join, zip(*parts, strict=True)))
        return ["|".join(each) if all(each) else None for each in zip(*parts, strict=True)]

    def _problems(
        self, i: int, row: dict[str, Any], key: str | None, columns: list[Column]
    ) -> tuple[FieldProblem, ...]:
        """Row ``i``'s problems: the row's shape, the key, the mapping's (in the order of its
        rules), then the checks' (in the order of the record spec)."""
        problems: list[FieldProblem] = []
        if RAGGED in row:
            problems.append(FieldProblem("row", str(row[RAGGED])))
        if key is None:
            problems.append(FieldProblem("key", self._blank_key))
        for c in self._rule_order:
            reason = columns[c][1].get(i)
            if reason is not None:
                problems.append(FieldProblem(self._names[c], reason))
        for name, (_, _, checked) in zip(self._names, columns, strict=True):
            reason = checked.get(i)
            if reason is not None:
                problems.append(FieldProblem(name, reason))
        return tuple(problems)


def process(mapping: Mapping, row: dict[str, Any], now: datetime) -> Outcome:
    """Map, clean and validate one row; a row is kept only when it has no problem at all."""
    return Pipeline(mapping).process(row, now)
