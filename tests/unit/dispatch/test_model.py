"""The unit status machine and the incident view's run-card arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from lifeline.dispatch.model import (
    TRANSITIONS,
    IllegalTransition,
    IncidentView,
    RunCard,
    UnitStatus,
    check_transition,
    grade_weight,
)
from lifeline.kernel.errors import Conflict
from lifeline.kernel.geo import Point

T0 = datetime(2026, 7, 1, tzinfo=UTC)
S = UnitStatus


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.AVAILABLE, S.DISPATCHED),
        (S.DISPATCHED, S.EN_ROUTE),
        (S.EN_ROUTE, S.ON_SCENE),
        (S.ON_SCENE, S.RETURNING),
        (S.RETURNING, S.AVAILABLE),
        (S.RETURNING, S.DISPATCHED),
        (S.AVAILABLE, S.OUT_OF_SERVICE),
        (S.OUT_OF_SERVICE, S.AVAILABLE),
        (S.DISPATCHED, S.AVAILABLE),
    ],
)
def test_allowed_steps(current: UnitStatus, target: UnitStatus) -> None:
    check_transition("u", current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.AVAILABLE, S.ON_SCENE),
        (S.AVAILABLE, S.EN_ROUTE),
        (S.ON_SCENE, S.AVAILABLE),
        (S.OUT_OF_SERVICE, S.DISPATCHED),
        (S.ON_SCENE, S.DISPATCHED),
        (S.AVAILABLE, S.AVAILABLE),
    ],
)
def test_illegal_steps_are_conflicts(current: UnitStatus, target: UnitStatus) -> None:
    with pytest.raises(IllegalTransition) as caught:
        check_transition("u", current, target)
    assert isinstance(caught.value, Conflict)
    assert current.value in str(caught.value)


def test_every_status_has_a_way_back_to_available() -> None:
    for start in UnitStatus:
        seen, frontier = {start}, [start]
        while frontier:
            for nxt in TRANSITIONS[frontier.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        assert S.AVAILABLE in seen, start


def _card(code: str, units: dict[str, int], materials: dict[str, float]) -> RunCard:
    return RunCard(incident_id="i", plan_code=code, activation_id=code, level="II",
                   units=units, materials=materials, activated_at=T0)  # fmt: skip


def test_run_cards_of_two_plans_take_the_larger_ask_per_type() -> None:
    view = IncidentView(
        id="i", organisation_id=None, path="/", title="", category="accident",
        incident_type="fire", location=Point(114.0, 22.5), grade="II", status="responding",
        exercise=False, updated_at=T0,
        run_cards=(
            _card("fire", {"engine": 3, "ladder": 1}, {"foam": 10.0}),
            _card("hazmat", {"engine": 1, "hazmat": 1}, {"foam": 4.0, "suit": 6.0}),
        ),
    )  # fmt: skip
    assert view.required_units() == {"engine": 3, "ladder": 1, "hazmat": 1}
    assert view.required_materials() == {"foam": 10.0, "suit": 6.0}
    assert view.open


def test_grade_weights_order_gravity() -> None:
    assert grade_weight("I") > grade_weight("II") > grade_weight("III") > grade_weight("IV")
    assert grade_weight(None) == grade_weight("IV")
