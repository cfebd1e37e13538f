"""The shipped code list: GB/T 35561 categories, types with grading and merge groups."""

from __future__ import annotations

import pytest

from lifeline.incidents.codes import code_list, parse_code_list
from lifeline.incidents.model import Category
from lifeline.kernel.errors import InvalidInput


def test_every_top_category_and_the_issue_s_subtypes_are_listed() -> None:
    codes = code_list()
    assert set(codes.categories) == set(Category)
    for code in (
        "accident.fire",
        "accident.fire.warehouse",
        "accident.hazmat.leak",
        "accident.gas.pipeline_leak",
        "natural.flood.rainstorm",
        "natural.typhoon",
        "natural.earthquake",
        "accident.traffic.road",
        "accident.mass_casualty",
        "public_health.epidemic",
    ):
        t = codes.type(code)
        assert t.category.value == code.split(".")[0]
        assert t.grading in codes.criteria


def test_unknown_types_name_the_field() -> None:
    with pytest.raises(InvalidInput) as refused:
        code_list().type("accident.unknown", "incident_type")
    assert refused.value.problems[0].field == "incident_type"


def test_fires_are_compatible_with_each_other_but_not_with_leaks() -> None:
    codes = code_list()
    assert codes.compatible("accident.fire", "accident.fire.warehouse")
    assert not codes.compatible("accident.fire", "accident.gas.pipeline_leak")
    assert codes.type_for_hazard("gas_leak") == codes.type("accident.gas.pipeline_leak")


def test_a_type_naming_an_unknown_criteria_set_is_refused() -> None:
    codes = {
        "categories": [{"code": "natural", "name": "n", "name_en": "n"}],
        "types": [
            {
                "code": "natural.x",
                "name": "x",
                "name_en": "x",
                "grading": "nope",
                "merge_group": "x",
            }
        ],
    }
    grading = {
        "criteria_sets": {},
        "sitrep_interval_min": {"I": 30, "II": 60, "III": 120, "IV": 240},
    }
    with pytest.raises(ValueError, match="unknown criteria set"):
        parse_code_list(codes, grading)
