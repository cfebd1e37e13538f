"""Quantities in milli-units and the shipped catalogue."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifeline.kernel.errors import InvalidInput
from lifeline.reserves.catalogue import catalogue, parse_catalogue
from lifeline.reserves.model import StandardLine, from_milli, to_milli


def test_catalogue_follows_the_gbt_38565_top_level_classes() -> None:
    cat = catalogue()
    assert cat.classes["01"].name_en == "Life support"
    assert {c.name_en for c in cat.classes.values()} >= {
        "Life support", "Rescue equipment", "Medical", "Fire-fighting",
        "Flood control and drought relief", "Power and lighting", "Communication",
    }  # fmt: skip
    for material in cat.materials.values():
        assert material.code.startswith(material.class_code)
        assert material.weight_kg > 0
        assert material.volume_m3 > 0
    assert cat.material("0101001").countable
    assert not cat.material("0101002").countable
    with pytest.raises(InvalidInput, match="unknown material code"):
        cat.material("0000000")


def test_a_material_naming_an_unknown_class_is_refused() -> None:
    text = """
classes: [{code: "01", name: a, name_en: a}]
materials:
  - {code: "0201", class: "02", name: b, name_en: b, unit: x, countable: true,
     shelf_life_days: null, storage: "", weight_kg: 1, volume_m3: 1}
"""
    with pytest.raises(ValueError, match="unknown class"):
        parse_catalogue(text)


def test_countable_materials_take_whole_positive_numbers() -> None:
    tent = catalogue().material("0101001")
    water = catalogue().material("0101002")
    assert to_milli(3, tent) == 3000
    assert to_milli(2.5, water) == 2500
    for bad in (2.5, 0, -1, float("inf")):
        with pytest.raises(InvalidInput):
            to_milli(bad, tent)
    with pytest.raises(InvalidInput, match="three decimals"):
        to_milli(0.0005, water)


@given(st.integers(min_value=1, max_value=10**9))
def test_milli_round_trip_for_three_decimal_quantities(milli: int) -> None:
    water = catalogue().material("0101002")
    assert to_milli(from_milli(milli), water) == milli


def test_standard_line_required_quantity() -> None:
    line = StandardLine("0101001", per_1000_residents=5, per_facility=2, fixed_quantity=10)
    # 5 · 20,000/1,000 + 2 · 3 + 10 = 100 + 6 + 10
    assert line.required(population=20_000, facilities=3) == 116
