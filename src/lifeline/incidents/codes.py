"""The code list (``data/codes.yaml``) and grading criteria (``data/grading.yaml``), shipped as
package data and loaded once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from lifeline.incidents.grading import (
    CriteriaSet,
    parse_criteria_sets,
    parse_sitrep_intervals,
)
from lifeline.incidents.model import Category, Grade, IncidentType
from lifeline.kernel.errors import InvalidInput


@dataclass(frozen=True)
class CodeList:
    """Categories, types by code, criteria sets and sitrep intervals."""

    categories: Mapping[Category, tuple[str, str]]  # code → (name, name_en)
    types: Mapping[str, IncidentType]
    criteria: Mapping[str, CriteriaSet]
    sitrep_interval_min: Mapping[Grade, int]

    def type(self, code: str, field: str = "incident_type") -> IncidentType:
        """The type with ``code``, or ``InvalidInput`` naming the field."""
        found = self.types.get(code)
        if found is None:
            raise InvalidInput(field, f"unknown incident type {code!r} (see GET /incidents/codes)")
        return found

    def criteria_for(self, incident_type: IncidentType) -> CriteriaSet:
        return self.criteria[incident_type.grading]

    def type_for_hazard(self, hazard: str) -> IncidentType | None:
        for t in self.types.values():
            if hazard in t.hazards:
                return t
        return None

    def compatible(self, a: str, b: str) -> bool:
        """Reports of types ``a`` and ``b`` may describe one incident (same merge group)."""
        ta, tb = self.types.get(a), self.types.get(b)
        return ta is not None and tb is not None and ta.merge_group == tb.merge_group


def parse_code_list(codes: Mapping[str, Any], grading: Mapping[str, Any]) -> CodeList:
    """Build and cross-check the code list; raises ``ValueError`` on inconsistent data."""
    categories = {
        Category(str(c["code"])): (str(c["name"]), str(c["name_en"])) for c in codes["categories"]
    }
    criteria = parse_criteria_sets(grading["criteria_sets"])
    types: dict[str, IncidentType] = {}
    hazards: dict[str, str] = {}
    for raw in codes["types"]:
        code = str(raw["code"])
        category = Category(code.split(".", 1)[0])
        if category not in categories or code in types:
            raise ValueError(f"type {code}: unknown category or listed twice")
        if str(raw["grading"]) not in criteria:
            raise ValueError(f"type {code}: unknown criteria set {raw['grading']!r}")
        t = IncidentType(
            code=code,
            category=category,
            name=str(raw["name"]),
            name_en=str(raw["name_en"]),
            grading=str(raw["grading"]),
            merge_group=str(raw["merge_group"]),
            hazards=tuple(str(h) for h in raw.get("hazards", ())),
        )
        for h in t.hazards:
            if h in hazards:
                raise ValueError(f"hazard {h!r} maps to both {hazards[h]} and {code}")
            hazards[h] = code
        types[code] = t
    return CodeList(
        categories=categories,
        types=types,
        criteria=criteria,
        sitrep_interval_min=parse_sitrep_intervals(grading["sitrep_interval_min"]),
    )


def _read(name: str) -> Any:
    return yaml.safe_load(resources.files("lifeline.incidents").joinpath("data", name).read_text())


@cache
def code_list() -> CodeList:
    """The shipped code list (cached)."""
    return parse_code_list(_read("codes.yaml"), _read("grading.yaml"))
