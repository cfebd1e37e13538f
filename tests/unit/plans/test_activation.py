"""Choosing plans, response levels, tasks and escalation: pure functions on documents."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import count

from hypothesis import given
from hypothesis import strategies as st

from lifeline.plans.activation import (
    Facts,
    build_tasks,
    choose,
    due_for_escalation,
    escalation_target,
    incident_view,
    response_level,
    type_specificity,
)
from lifeline.plans.model import Grade, PlanDocument, Task, TaskStatus
from lifeline.plans.seed import shipped_documents

T0 = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
DOCS = {d.code: d for d in shipped_documents()}


def _facts(incident_type: str, grade: Grade | None, **numbers: float) -> Facts:
    return Facts(incident_type=incident_type, grade=grade, numbers=numbers)


def test_specificity_counts_the_matching_code_parts() -> None:
    warehouse, urban = DOCS["park-warehouse-fire"], DOCS["urban-fire"]
    assert type_specificity(warehouse, "accident.fire.warehouse") == 3
    assert type_specificity(urban, "accident.fire.warehouse") == 2
    assert type_specificity(urban, "accident.firework") is None  # a prefix must end at a dot
    assert type_specificity(DOCS["mass-casualty"], "natural.typhoon") == 0


def test_choose_takes_the_most_specific_plan_and_adds_cross_cutting_ones() -> None:
    candidates = list(DOCS.items())
    only = choose(candidates, _facts("accident.fire.warehouse", Grade.III))
    assert only == [("park-warehouse-fire", Grade.III)]
    both = choose(candidates, _facts("accident.fire.warehouse", Grade.III, deaths=12))
    assert both == [("park-warehouse-fire", Grade.I), ("mass-casualty", Grade.II)]
    assert choose(candidates, _facts("social_security.riot", Grade.I)) == []


def test_a_level_holds_when_any_criterion_holds() -> None:
    hazchem = DOCS["hazchem-leak"]
    assert response_level(hazchem, _facts("accident.hazmat", Grade.IV)) is Grade.IV
    assert (
        response_level(hazchem, _facts("accident.hazmat", Grade.IV, evacuated_people=1000))
        is Grade.II
    )
    assert response_level(hazchem, _facts("accident.hazmat", None, evacuated_people=999)) is None


@given(st.sampled_from(sorted(DOCS)), st.sampled_from(list(Grade)), st.sampled_from(list(Grade)))
def test_a_graver_grade_never_lowers_the_response_level(code: str, a: Grade, b: Grade) -> None:
    doc = DOCS[code]
    graver, lighter = (a, b) if a.rank <= b.rank else (b, a)
    high = response_level(doc, _facts(doc.incident_types[0], graver))
    low = response_level(doc, _facts(doc.incident_types[0], lighter))
    if low is not None:
        assert high is not None
        assert high.rank <= low.rank


def _tasks(doc: PlanDocument, level: Grade, skip: frozenset[int] = frozenset()) -> list[Task]:
    ids = count()
    return build_tasks(
        doc,
        level,
        activation_id="A",
        incident_id="I",
        activated_at=T0,
        now=T0,
        owner=("owner", "/city/"),
        department_paths={"fire": ("fire-org", "/city/fire/")},
        new_id=lambda: f"t{next(ids)}",
        skip=skip,
    )


def test_tasks_take_deadlines_from_activation_and_departments_from_bindings() -> None:
    doc = DOCS["urban-fire"]
    tasks = _tasks(doc, Grade.IV)
    assert [t.action_index for t in tasks] == [i for i, a in enumerate(doc.actions) if not a.levels]
    for t in tasks:
        assert t.deadline_at == T0 + timedelta(minutes=doc.actions[t.action_index].deadline_min)
        assert t.path == ("/city/fire/" if t.department == "fire" else "/city/")
        assert t.status is TaskStatus.PENDING
    graver = _tasks(doc, Grade.I, skip=frozenset(t.action_index for t in tasks))
    assert {t.action_index for t in graver} == {
        i for i, a in enumerate(doc.actions) if a.levels and Grade.I in a.levels
    }


def test_escalation_waits_for_the_deadline_and_then_repeats() -> None:
    [task] = _tasks(DOCS["urban-fire"], Grade.IV)[:1]
    repeat = timedelta(minutes=15)
    assert not due_for_escalation(task, task.deadline_at - timedelta(seconds=1), repeat)
    assert due_for_escalation(task, task.deadline_at, repeat)
    escalated = replace(task, last_escalated_at=task.deadline_at)
    assert not due_for_escalation(escalated, task.deadline_at + timedelta(minutes=14), repeat)
    assert due_for_escalation(escalated, task.deadline_at + repeat, repeat)
    assert [escalation_target(n) for n in (1, 2, 3)] == [
        "department_head",
        "commander",
        "commander",
    ]


def test_the_incident_view_folds_type_grade_and_latest_figures() -> None:
    timeline: list[tuple[str, dict[str, object]]] = [
        ("IncidentOpened", {"incident_type": "accident.fire.warehouse", "lon": 114.1}),
        ("IncidentGraded", {"grade": "III", "incident_type": "accident.fire.warehouse"}),
        ("IncidentFactsUpdated", {"changes": {"deaths": [0, 2], "serious_injuries": [0, 5]}}),
        ("IncidentStatusChanged", {"status": "responding"}),
        ("IncidentFactsUpdated", {"changes": {"deaths": [2, 4]}, "reason": "count"}),
    ]
    view = incident_view(timeline)
    assert view.facts is not None
    assert (view.facts.incident_type, view.facts.grade) == ("accident.fire.warehouse", Grade.III)
    assert view.facts.numbers == {"deaths": 4.0, "serious_injuries": 5.0, "casualties": 9.0}
    assert incident_view(timeline[:1]).facts is None  # no grade yet
    assert incident_view([("IncidentGraded", {"grade": "V", "incident_type": "x"})]).facts is None


TYPES = [
    "accident.fire",
    "accident.fire.warehouse",
    "accident.fire.building",
    "accident.hazmat.leak",
    "accident.gas.pipeline_leak",
    "accident.mass_casualty",
    "natural.flood.rainstorm",
    "natural.typhoon",
    "public_health.epidemic",
    "social_security.terrorism",
]


@given(
    st.sampled_from(TYPES),
    st.sampled_from(list(Grade)),
    st.dictionaries(
        st.sampled_from(["deaths", "serious_injuries", "evacuated_people", "cases"]),
        st.integers(min_value=0, max_value=200),
        max_size=3,
    ),
)
def test_choose_picks_only_applicable_plans_and_the_most_specific_ones(
    incident_type: str, grade: Grade, numbers: dict[str, int]
) -> None:
    facts = _facts(incident_type, grade, **{k: float(v) for k, v in numbers.items()})
    chosen = dict(choose(list(DOCS.items()), facts))
    for code, level in chosen.items():
        doc = DOCS[code]
        assert type_specificity(doc, incident_type) is not None
        assert level == response_level(doc, facts)
    scores = {
        code: type_specificity(doc, incident_type)
        for code, doc in DOCS.items()
        if response_level(doc, facts) is not None
    }
    specific = {c: s for c, s in scores.items() if s}
    if specific:
        best = max(specific.values())
        assert {c for c in chosen if scores[c]} == {c for c, s in specific.items() if s == best}
