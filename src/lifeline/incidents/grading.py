"""Grading I-IV from criteria kept as data (``data/grading.yaml``). Pure.

A criterion sums one or more measures of the facts, v = Σ facts[m], and reaches grade g when
v ≥ threshold_g ("以上" includes the bound). The incident's grade is the most serious grade any
criterion reaches; below every grade III threshold it is grade IV. Example (State Council
Regulation 493): 10 deaths → II (10 ≥ 10); 9 deaths and 60 serious injuries → II (60 ≥ 50).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lifeline.incidents.model import GRADES, MEASURES, Facts, Grade


@dataclass(frozen=True, slots=True)
class Criterion:
    """Measures summed and the thresholds of grades I-III (a grade may be left out)."""

    measures: tuple[str, ...]
    label: str
    thresholds: Mapping[Grade, float]


@dataclass(frozen=True, slots=True)
class CriteriaSet:
    """The criteria of one regulation or plan, and where they come from."""

    key: str
    source: str
    source_en: str
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True, slots=True)
class GradeDecision:
    grade: Grade
    reason: str


def evaluate(facts: Facts, criteria: CriteriaSet) -> GradeDecision:
    """The grade the facts reach under ``criteria`` and the criterion that decided it."""
    best: tuple[Grade, str] | None = None
    for criterion in criteria.criteria:
        value = sum(facts.measure(m) for m in criterion.measures)
        for grade in GRADES[:3]:  # I, II, III: the first reached is the gravest
            threshold = criterion.thresholds.get(grade)
            if threshold is not None and value >= threshold:
                if best is None or grade.severity > best[0].severity:
                    best = (
                        grade,
                        f"{criterion.label} {value:,.0f} ≥ {threshold:,.0f} → grade {grade} "
                        f"({criteria.source})",
                    )
                break
    if best is None:
        return GradeDecision(
            Grade.IV, f"below every grade III threshold → grade IV ({criteria.source})"
        )
    return GradeDecision(*best)


def parse_criteria_sets(data: Mapping[str, Any]) -> dict[str, CriteriaSet]:
    """Validate and build the criteria sets of ``grading.yaml``; raises ``ValueError``."""
    out: dict[str, CriteriaSet] = {}
    for key, body in dict(data).items():
        criteria: list[Criterion] = []
        for i, raw in enumerate(body["criteria"]):
            measures = tuple(str(m) for m in raw["measures"])
            unknown = [m for m in measures if m not in MEASURES]
            if not measures or unknown:
                raise ValueError(f"{key}.criteria[{i}]: unknown measures {unknown}")
            thresholds = {Grade(str(g)): float(v) for g, v in dict(raw["thresholds"]).items()}
            if Grade.IV in thresholds:
                raise ValueError(f"{key}.criteria[{i}]: grade IV is what no threshold reaches")
            ordered = [thresholds[g] for g in GRADES[:3] if g in thresholds]
            if ordered != sorted(ordered, reverse=True) or any(v <= 0 for v in ordered):
                raise ValueError(f"{key}.criteria[{i}]: thresholds must fall from I to III")
            criteria.append(
                Criterion(measures, str(raw.get("label", "+".join(measures))), thresholds)
            )
        out[str(key)] = CriteriaSet(
            key=str(key),
            source=str(body["source"]),
            source_en=str(body.get("source_en", body["source"])),
            criteria=tuple(criteria),
        )
    return out


def parse_sitrep_intervals(data: Mapping[str, Any]) -> dict[Grade, int]:
    """Minutes between situation reports per grade; every grade needs a positive interval."""
    intervals = {Grade(str(g)): int(v) for g, v in dict(data).items()}
    if set(intervals) != set(GRADES) or any(v <= 0 for v in intervals.values()):
        raise ValueError("sitrep_interval_min needs a positive interval for each of I-IV")
    return intervals
