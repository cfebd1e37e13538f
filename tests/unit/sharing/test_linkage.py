"""Probabilistic linkage: pinyin meets traditional forms and homophones, identifiers and places
decide, a name alone proposes nothing."""

from __future__ import annotations

import pytest

from lifeline.sharing.linkage import LINKAGE, Candidate, link, romanised
from lifeline.sharing.standard import RecordType

PERSON = LINKAGE[RecordType.PERSON]
FACILITY = LINKAGE[RecordType.FACILITY]


def _pairs(found: list[Candidate]) -> dict[frozenset[str], str]:
    return {frozenset((c.left_id, c.right_id)): c.decision for c in found}


def test_names_are_romanised_without_tones_or_spaces() -> None:
    assert romanised("张伟") == "zhangwei"
    assert romanised("張偉") == "zhangwei"
    assert romanised(" Li Na ") == "lina"


def test_people_the_same_by_phone_merge_and_homophones_wait_for_a_person() -> None:
    people = [
        ("a", {"name": "张伟", "phone": "13800138000", "birth_date": "1980-01-02"}),
        ("b", {"name": "张伟", "phone": "13800138000", "address": "福田区深南大道1号"}),
        ("c", {"name": "张玮", "birth_date": "1980-01-02"}),  # a homophone, same birthday
        ("d", {"name": "張偉", "phone": "13800138000", "birth_date": "1980-01-02"}),
        ("e", {"name": "张伟"}),  # the name alone
        ("f", {"name": "李娜", "phone": "13900000000"}),
    ]
    pairs = _pairs(link(people, None, PERSON))
    assert pairs[frozenset("ab")] == "merge"
    assert pairs[frozenset("ac")] == "review"  # same pinyin and birthday, other characters
    assert pairs[frozenset("ad")] == "review"  # traditional form: pinyin and phone agree
    assert not any("e" in pair for pair in pairs)  # no evidence beyond the name
    assert not any("f" in pair for pair in pairs)


def test_an_id_number_outweighs_a_misspelt_name() -> None:
    people = [
        ("a", {"name": "王小明", "id_number": "440305198001021234", "phone": "13700000000"}),
        ("b", {"name": "王晓明", "id_number": "440305198001021234", "phone": "13700000000"}),
    ]
    (found,) = link(people, None, PERSON)
    assert found.decision == "merge"
    assert found.features["id_number"] == 1.0


def test_facilities_across_two_sources_meet_by_name_and_place() -> None:
    ours = [("s1", {"name": "福田中学避难场所", "kind": "shelter",
                    "location": {"lon": 114.0500, "lat": 22.5400}})]  # fmt: skip
    theirs = [
        ("t1", {"name": "福田中学避难场所", "kind": "shelter",
                "location": {"lon": 114.0505, "lat": 22.5402}}),  # ~55 m away
        ("t2", {"name": "福田中学避难场所", "kind": "shelter",
                "location": {"lon": 114.0800, "lat": 22.5600}}),  # ~3.8 km away
    ]  # fmt: skip
    found = link(ours, theirs, FACILITY)
    decisions = {c.right_id: c.decision for c in found}
    assert decisions["t1"] == "merge"
    assert decisions.get("t2") != "merge"
    near = next(c for c in found if c.right_id == "t1")
    assert near.features["location"] == pytest.approx(1 - 0.0554 / 0.5, abs=0.02)


def test_nothing_to_link_is_an_empty_answer() -> None:
    assert link([], None, PERSON) == []
