"""Quality of one ingest run: completeness per field, validity and duplicates (pure tally).

completeness(f) = records with a value for f / records kept (accepted + merged);
validity = records kept / records read; duplicate_rate = in-file duplicate keys / records read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lifeline.kernel.errors import FieldProblem
from lifeline.sharing.standard import RecordSpec


@dataclass
class QualityTally:
    spec: RecordSpec
    read: int = 0
    kept: int = 0
    in_file_duplicates: int = 0
    present: Counter[str] = field(default_factory=Counter)
    invalid: Counter[str] = field(default_factory=Counter)

    def kept_record(self, values: dict[str, Any]) -> None:
        self.kept += 1
        self.present.update(values.keys())

    def rejected(self, problems: list[FieldProblem]) -> None:
        self.invalid.update({p.field for p in problems})

    def report(self) -> dict[str, Any]:
        def ratio(n: int, d: int) -> float:
            return round(n / d, 4) if d else 0.0

        return {
            "records_read": self.read,
            "records_kept": self.kept,
            "validity": ratio(self.kept, self.read),
            "duplicate_rate": ratio(self.in_file_duplicates, self.read),
            "in_file_duplicates": self.in_file_duplicates,
            "completeness": {
                f.name: ratio(self.present[f.name], self.kept) for f in self.spec.fields
            },
            "invalid_by_field": dict(sorted(self.invalid.items())),
        }
