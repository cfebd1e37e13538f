"""Grading I-IV from the shipped criteria: Regulation 493's bounds, the gravest criterion wins."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lifeline.incidents.codes import code_list
from lifeline.incidents.grading import evaluate, parse_criteria_sets
from lifeline.incidents.model import Facts, Grade

REG_493 = code_list().criteria["production_safety"]


@pytest.mark.parametrize(
    ("facts", "grade"),
    [
        (Facts(), Grade.IV),
        (Facts(deaths=2, serious_injuries=9, direct_loss_cny=9_999_999), Grade.IV),
        (Facts(deaths=3), Grade.III),  # "以上" includes the bound
        (Facts(deaths=9), Grade.III),
        (Facts(deaths=10), Grade.II),
        (Facts(deaths=29), Grade.II),
        (Facts(deaths=30), Grade.I),
        (Facts(serious_injuries=10), Grade.III),
        (Facts(serious_injuries=50), Grade.II),
        (Facts(serious_injuries=100), Grade.I),
        (Facts(direct_loss_cny=10_000_000), Grade.III),
        (Facts(direct_loss_cny=50_000_000), Grade.II),
        (Facts(direct_loss_cny=100_000_000), Grade.I),
        # the highest criterion wins
        (Facts(deaths=3, serious_injuries=60), Grade.II),
        (Facts(deaths=11, direct_loss_cny=150_000_000), Grade.I),
    ],
)
def test_regulation_493_grades(facts: Facts, grade: Grade) -> None:
    assert evaluate(facts, REG_493).grade is grade


def test_the_reason_names_the_deciding_criterion_and_the_source() -> None:
    decision = evaluate(Facts(deaths=3, serious_injuries=60), REG_493)
    assert decision.reason.startswith("serious injuries")
    assert "60 ≥ 50" in decision.reason
    assert "493" in decision.reason


def test_earthquake_counts_the_missing_with_the_dead() -> None:
    quake = code_list().criteria["earthquake"]
    assert evaluate(Facts(deaths=40, missing=10), quake).grade is Grade.II
    assert evaluate(Facts(deaths=40, missing=9), quake).grade is Grade.III


counts = st.integers(min_value=0, max_value=500)


@given(counts, counts, counts, counts)
def test_more_harm_never_lowers_the_grade(d: int, i: int, extra_d: int, extra_i: int) -> None:
    less = evaluate(Facts(deaths=d, serious_injuries=i), REG_493).grade
    more = evaluate(Facts(deaths=d + extra_d, serious_injuries=i + extra_i), REG_493).grade
    assert more.severity >= less.severity


def test_inconsistent_criteria_are_refused() -> None:
    with pytest.raises(ValueError, match="fall from I to III"):
        parse_criteria_sets(
            {
                "x": {
                    "source": "s",
                    "criteria": [{"measures": ["deaths"], "thresholds": {"I": 3, "III": 30}}],
                }
            }
        )
    with pytest.raises(ValueError, match="unknown measures"):
        parse_criteria_sets(
            {"x": {"source": "s", "criteria": [{"measures": ["cats"], "thresholds": {"I": 3}}]}}
        )
