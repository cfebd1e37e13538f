"""The lifecycle's steps, facts' validation and situation-report reminders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lifeline.incidents.codes import code_list
from lifeline.incidents.model import (
    Category,
    Facts,
    Grade,
    Incident,
    Source,
    Status,
    Step,
    check_transition,
)
from lifeline.incidents.sitreps import reminders_due
from lifeline.kernel.errors import InvalidInput
from lifeline.kernel.geo import Point

T0 = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)


def test_the_lifecycle_moves_one_step_at_a_time() -> None:
    assert check_transition(Status.REPORTED, Status.VERIFIED) is None
    assert check_transition(Status.VERIFIED, Status.RESPONDING) is None
    assert check_transition(Status.CLOSED, Status.REVIEWED) is None
    problem = check_transition(Status.REPORTED, Status.STABILISED)
    assert problem is not None
    assert "verified" in problem
    assert check_transition(Status.REVIEWED, Status.CLOSED) is not None
    assert check_transition(Status.MERGED, Status.VERIFIED) is not None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"deaths": -1}, "facts.deaths"), ({"missing": 1.5}, "facts.missing"),
     ({"direct_loss_cny": float("nan")}, "facts.direct_loss_cny")],
)  # fmt: skip
def test_bad_facts_name_the_field(kwargs: dict[str, float], field: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        Facts(**kwargs)  # type: ignore[arg-type]
    assert refused.value.problems[0].field == field


def _incident(grade: Grade, status: Status = Status.RESPONDING, **kw: object) -> Incident:
    base = {
        "id": "i1", "title": "t", "category": Category.ACCIDENT, "incident_type": "accident.fire",
        "status": status, "grade": grade, "computed_grade": grade, "grade_reason": "",
        "grade_overridden": False, "location": Point(114.0, 22.5), "affected_area": None,
        "area_id": None, "organisation_id": "o", "path": "/o/", "source": Source.CALL,
        "facts": Facts(), "description": "", "exercise": False, "group_id": None,
        "merged_into": None, "opened_at": T0, "updated_at": T0, "last_report_at": T0,
        "report_count": 1, "steps": (Step(Status.REPORTED, T0, "system"),),
    }  # fmt: skip
    base.update(kw)
    return Incident(**base)  # type: ignore[arg-type]


def test_graver_incidents_need_situation_reports_sooner_and_are_reminded_once() -> None:
    intervals = code_list().sitrep_interval_min
    grave, general = _incident(Grade.I), _incident(Grade.IV, id="i2")
    at_45 = reminders_due([grave, general], intervals, T0 + timedelta(minutes=45))
    assert [d.incident_id for d in at_45] == ["i1"]
    assert at_45[0].overdue_s == 15 * 60
    reminded = _incident(Grade.I, sitrep_reminded_at=T0 + timedelta(minutes=45))
    assert reminders_due([reminded], intervals, T0 + timedelta(minutes=50)) == []
    filed = _incident(Grade.I, last_sitrep_at=T0 + timedelta(minutes=40))
    assert reminders_due([filed], intervals, T0 + timedelta(minutes=50)) == []
    closed = _incident(Grade.I, status=Status.CLOSED)
    assert reminders_due([closed], intervals, T0 + timedelta(hours=5)) == []
