"""Quality of one ingest run and of a dataset (pure).

Per run: completeness(f) = records with a value for f / records kept (accepted + merged);
validity = records kept / records read; duplicate_rate = in-file duplicate keys / records read;
outside_region_rate = kept records with a point outside the mapping's declared region / records
kept with a point.

Per dataset: freshness compares the age of the last run with the dataset's refresh interval —
``fresh`` when age ≤ interval, ``stale`` beyond, ``never`` without a run, ``unscheduled``
without an interval.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain
from typing import Any

from lifeline.kernel.errors import FieldProblem
from lifeline.sharing.standard import FieldType, RecordSpec

BBox = tuple[float, float, float, float]


@dataclass
class QualityTally:
    spec: RecordSpec
    read: int = 0
    kept: int = 0
    in_file_duplicates: int = 0
    present: Counter[str] = field(default_factory=Counter)
    invalid: Counter[str] = field(default_factory=Counter)
    region: BBox | None = None
    with_point: int = 0
    outside_region: int = 0
    _point_fields: tuple[str, ...] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._point_fields = tuple(f.name for f in self.spec.fields if f.type is FieldType.POINT)

    def kept_record(self, values: dict[str, Any]) -> None:
        self.kept_records([values])

    def kept_records(self, records: Sequence[dict[str, Any]]) -> None:
        """Tally a chunk of kept records: the fields counted in one pass over all their keys,
        less the few that hold nothing (None or ""), then the points of the point fields."""
        self.kept += len(records)
        present = self.present
        present.update(chain.from_iterable(records))
        held = list(chain.from_iterable(map(dict.values, records)))
        if None in held or "" in held:  # rare: records the pipeline makes hold neither
            present.subtract(
                k for values in records for k, v in values.items() if v is None or v == ""
            )
        region = self.region
        if region is None or not self._point_fields:
            return  # records with a point count only towards the share outside the region
        for values in records:
            points: list[dict[str, Any]] = [
                p for name in self._point_fields if isinstance(p := values.get(name), dict)
            ]
            if points:
                self.with_point += 1
                if region is not None and not all(_inside(p, region) for p in points):
                    self.outside_region += 1

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
            "region": list(self.region) if self.region else None,
            "outside_region": self.outside_region,
            "outside_region_rate": ratio(self.outside_region, self.with_point),
        }


def _inside(point: dict[str, Any], box: BBox) -> bool:
    w, s, e, n = box
    return bool(w <= point["lon"] <= e and s <= point["lat"] <= n)


def freshness(
    last_run_at: datetime | None, refresh_interval_s: int | None, now: datetime
) -> dict[str, Any]:
    """How fresh a dataset is against its refresh schedule."""
    age_s = None if last_run_at is None else max(0.0, (now - last_run_at).total_seconds())
    if refresh_interval_s is None:
        status = "unscheduled"
    elif age_s is None:
        status = "never"
    else:
        status = "fresh" if age_s <= refresh_interval_s else "stale"
    return {
        "status": status,
        "last_run_at": last_run_at.isoformat() if last_run_at else None,
        "age_s": None if age_s is None else round(age_s),
        "refresh_interval_s": refresh_interval_s,
        "overdue_s": (
            round(age_s - refresh_interval_s)
            if status == "stale" and age_s is not None and refresh_interval_s is not None
            else 0
        ),
    }
