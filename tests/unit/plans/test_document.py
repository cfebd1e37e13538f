"""The YAML codec: the shipped plans round-trip, and every problem names its path."""

from __future__ import annotations

import pytest
import yaml

from lifeline.kernel.errors import InvalidInput
from lifeline.plans.document import from_data, from_yaml, to_data, to_yaml
from lifeline.plans.model import Grade
from lifeline.plans.seed import SHIPPED, shipped_documents, shipped_yaml
from lifeline.reserves.catalogue import catalogue

MINIMAL = """
code: t
title: 测试预案
title_en: Test plan
category: accident
incident_types: [accident.fire]
grades: [III, IV]
departments: [{code: fire, name: 消防, name_en: Fire}]
levels:
  - {code: IV, name: 四级, name_en: Level IV, triggers: [{grade_at_least: IV}],
     units: [{unit_type: fire_engine, count: 3}]}
actions:
  - {department: fire, title: 出动, title_en: Turn out, deadline_min: 5, checklist: [a, b]}
"""


def _problems(text: str) -> dict[str, str]:
    with pytest.raises(InvalidInput) as caught:
        from_yaml(text)
    return {p.field: p.reason for p in caught.value.problems}


def test_nine_plans_ship_in_chinese_and_english_and_round_trip() -> None:
    docs = shipped_documents()
    assert len(docs) == len(SHIPPED) == 9
    assert len({d.code for d in docs}) == 9
    materials = catalogue().materials
    for name, doc in zip(SHIPPED, docs, strict=True):
        assert doc.title
        assert doc.title_en
        assert doc.title != doc.title_en
        assert from_yaml(to_yaml(doc)) == doc
        assert from_data(yaml.safe_load(shipped_yaml(name))) == doc
        for level in doc.levels:
            assert all(m.material_code in materials for m in level.materials)


def test_the_warehouse_fire_run_card_at_level_iv() -> None:
    [doc] = [d for d in shipped_documents() if d.code == "park-warehouse-fire"]
    level = doc.level(Grade.IV)
    assert level is not None
    assert {u.unit_type: u.count for u in level.units} == {
        "fire_engine": 3,
        "ladder": 1,
        "hazmat": 1,
        "ambulance": 2,
    }


def test_export_keeps_chinese_readable() -> None:
    text = to_yaml(from_yaml(MINIMAL))
    assert "测试预案" in text
    assert "\\u" not in text


def test_type_errors_unknown_keys_and_missing_fields_name_their_paths() -> None:
    bad = MINIMAL.replace("count: 3", "count: three").replace("deadline_min: 5", "deadine: 5")
    problems = _problems(bad)
    assert "levels.0.units.0.count" in problems
    assert "actions.0.deadine" in problems  # the typo is refused, not ignored
    assert "actions.0.deadline_min" in problems


def test_rules_between_fields_name_their_paths() -> None:
    bad = (
        MINIMAL.replace("department: fire", "department: police")
        .replace("grade_at_least: IV", "grade_at_least: IV, fact: deaths")
        .replace("deadline_min: 5", "deadline_min: 5, levels: [II]")
    )
    problems = _problems(bad)
    assert "not a department" in problems["actions.0.department"]
    assert "levels.0.triggers.0" in problems
    assert "not defined" in problems["actions.0.levels.0"]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("a: [", "document"),
        ("- just a list", "document"),
        (MINIMAL.replace("grades: [III, IV]", "grades: [V]"), "grades.0"),
        (MINIMAL.replace("code: t\n", "code: Bad Code\n"), "code"),
        (MINIMAL.replace("count: 3", "count: 0"), "levels.0.units.0.count"),
    ],
)
def test_malformed_documents_are_refused(text: str, field: str) -> None:
    assert field in _problems(text)


def test_to_data_leaves_out_unset_optional_fields() -> None:
    data = to_data(from_yaml(MINIMAL))
    assert "organisation_id" not in data["departments"][0]
    assert data["levels"][0]["triggers"] == [{"grade_at_least": "IV"}]
