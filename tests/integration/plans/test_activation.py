"""Automatic activation on IncidentGraded, re-grades, precedence, overdue escalation — through
the bus and the outbox relay, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import timedelta

import pytest

from lifeline.bootstrap import Platform
from lifeline.kernel import eventlog
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.clock import VirtualClock
from lifeline.kernel.errors import Conflict
from lifeline.kernel.events import StoredEvent
from lifeline.plans.messages import ActivatePlan, CheckOverdueTasks, ListActivations, ListTasks
from lifeline.plans.model import PLANS, Activation, Grade, Task
from tests.integration.conftest import T0
from tests.integration.plans.helpers import make_orgs, publish_facts, publish_grade, save_shipped


def _events(platform: Platform, event_type: str) -> list[StoredEvent]:
    with platform.uow(read_only=True) as uow:
        return eventlog.read_after(uow.connection, 0, 10_000, frozenset({event_type}))


def _activations(platform: Platform, incident_id: str) -> list[Activation]:
    found, _ = platform.bus.handle(ListActivations(incident_id=incident_id), SYSTEM_ACTOR)
    return list(found)


def _tasks(platform: Platform, activation_id: str) -> list[Task]:
    found, _ = platform.bus.handle(ListTasks(activation_id=activation_id), SYSTEM_ACTOR)
    return list(found)


def test_a_graded_warehouse_fire_activates_the_park_plan_with_its_run_card_and_tasks(
    platform: Platform,
) -> None:
    orgs = make_orgs(platform)
    plan = save_shipped(
        platform, "warehouse_fire.yaml", orgs.org["park"], {"fire": orgs.org["fire"]}
    )
    save_shipped(platform, "urban_fire.yaml", orgs.org["city"])

    publish_grade(platform, "INC-1", "IV", organisation_id=orgs.org["park"])

    [activation] = _activations(platform, "INC-1")
    assert (activation.plan_id, activation.level, activation.automatic) == (
        plan.id,
        Grade.IV,
        True,
    )
    assert activation.plan_version == 1
    [event] = _events(platform, "PlanActivated")
    assert event.aggregate_id == activation.id
    assert event.payload["required_units"] == [
        {"unit_type": "fire_engine", "count": 3},
        {"unit_type": "ladder", "count": 1},
        {"unit_type": "hazmat", "count": 1},
        {"unit_type": "ambulance", "count": 2},
    ]
    assert event.payload["warning_measures"] == [
        "Park broadcast and SMS telling staff to evacuate"
    ]  # the smoke warning to neighbours starts at level III
    assert {m["material_code"] for m in event.payload["required_materials"]} == {
        "0401002",
        "0801002",
    }
    tasks = _tasks(platform, activation.id)
    # level IV: the six actions without a level restriction
    expected = [i for i, a in enumerate(plan.document.actions) if not a.levels]
    assert sorted(t.action_index for t in tasks) == expected
    assert event.payload["tasks"] == len(tasks) == len(_events(platform, "TaskAssigned"))
    for task in tasks:
        action = plan.document.actions[task.action_index]
        assert task.deadline_at == T0 + timedelta(minutes=action.deadline_min)
        # bound departments get their organisation; the others fall to the plan's owner
        owner = orgs.org["fire"] if task.department == "fire" else orgs.org["park"]
        assert task.organisation_id == owner
        assert len(task.checklist) == len(action.checklist)


def test_a_regrade_raises_the_level_once_and_adds_only_the_new_actions(
    platform: Platform, clock: VirtualClock
) -> None:
    orgs = make_orgs(platform)
    plan = save_shipped(platform, "warehouse_fire.yaml", orgs.org["park"])
    publish_grade(platform, "INC-2", "IV")
    [activation] = _activations(platform, "INC-2")
    before = {t.action_index for t in _tasks(platform, activation.id)}

    clock.advance(timedelta(minutes=20))
    publish_grade(platform, "INC-2", "II", previous="IV")

    [raised] = _activations(platform, "INC-2")
    assert raised.id == activation.id
    assert raised.level is Grade.II
    [event] = _events(platform, "ResponseLevelRaised")
    assert (event.payload["previous_level"], event.payload["level"]) == ("IV", "II")
    assert {"unit_type": "fire_engine", "count": 6} in event.payload["required_units"]
    tasks = _tasks(platform, activation.id)
    after = {t.action_index for t in tasks}
    expected_new = {
        i for i, a in enumerate(plan.document.actions) if a.applies_at(Grade.II)
    } - before
    assert after - before == expected_new
    assert expected_new  # level II adds actions
    assert event.payload["tasks"] == len(expected_new)
    for task in tasks:
        if task.action_index in expected_new:  # due relative to the raise, not the activation
            minutes = plan.document.actions[task.action_index].deadline_min
            assert task.deadline_at == T0 + timedelta(minutes=20 + minutes)
    # the same grade again, or a lower one, changes nothing
    publish_grade(platform, "INC-2", "III", previous="II")
    assert len(_events(platform, "ResponseLevelRaised")) == 1
    assert len(_tasks(platform, activation.id)) == len(tasks)
    assert len(_events(platform, "PlanActivated")) == 1


@pytest.mark.parametrize(
    ("incident_type", "expected"),
    [
        ("accident.fire.warehouse", "park-warehouse-fire"),
        ("accident.fire.building", "urban-fire"),
        ("accident.hazmat.leak", None),
    ],
)
def test_the_most_specific_plan_wins(
    platform: Platform, incident_type: str, expected: str | None
) -> None:
    orgs = make_orgs(platform)
    save_shipped(platform, "warehouse_fire.yaml", orgs.org["park"])
    save_shipped(platform, "urban_fire.yaml", orgs.org["city"])
    publish_grade(platform, "INC-3", "III", incident_type=incident_type)
    codes = [a.plan_code for a in _activations(platform, "INC-3")]
    assert codes == ([expected] if expected else [])


def test_a_plan_of_another_subtree_is_not_activated(platform: Platform) -> None:
    orgs = make_orgs(platform)
    save_shipped(platform, "warehouse_fire.yaml", orgs.org["park"])
    publish_grade(platform, "INC-4", "IV", organisation_id=orgs.org["sibling"])
    assert _activations(platform, "INC-4") == []


def test_commander_activation_and_a_second_one_conflicts(platform: Platform) -> None:
    orgs = make_orgs(platform)
    plan = save_shipped(platform, "hazchem_leak.yaml", orgs.org["city"])
    made = platform.bus.handle(
        ActivatePlan(
            plan_id=plan.id,
            incident_id="INC-5",
            grade=Grade.IV,
            facts={"evacuated_people": 1_500},
            exercise=True,
        ),
        SYSTEM_ACTOR,
    )
    assert made.level is Grade.II  # 1,500 evacuated meets level II's criterion
    assert made.automatic is False
    assert all(t.exercise for t in _tasks(platform, made.id))
    with pytest.raises(Conflict):
        platform.bus.handle(
            ActivatePlan(plan_id=plan.id, incident_id="INC-5", level=Grade.IV), SYSTEM_ACTOR
        )


def test_overdue_tasks_escalate_to_the_department_then_the_commander(
    platform: Platform, clock: VirtualClock
) -> None:
    orgs = make_orgs(platform)
    plan = save_shipped(platform, "warehouse_fire.yaml", orgs.org["park"])
    publish_grade(platform, "INC-6", "IV")
    [activation] = _activations(platform, "INC-6")
    first_deadline = min(a.deadline_min for a in plan.document.actions if not a.levels)
    assert platform.bus.handle(CheckOverdueTasks(), SYSTEM_ACTOR) == 0

    clock.advance(timedelta(minutes=first_deadline))  # exactly at the first deadline
    due_now = [t for t in _tasks(platform, activation.id) if t.deadline_at <= clock.now()]
    assert platform.bus.handle(CheckOverdueTasks(), SYSTEM_ACTOR) == len(due_now) >= 1
    assert platform.bus.handle(CheckOverdueTasks(), SYSTEM_ACTOR) == 0  # not again at once

    clock.advance(timedelta(minutes=plan.document.escalation_repeat_min))
    again = platform.bus.handle(CheckOverdueTasks(), SYSTEM_ACTOR)
    assert again >= len(due_now)
    events = _events(platform, "TaskEscalated")
    by_task: dict[str, list[str]] = {}
    for e in events:
        by_task.setdefault(e.aggregate_id, []).append(e.payload["escalated_to"])
    for task in due_now:
        assert by_task[task.id] == ["department_head", "commander"]


def test_two_commanders_activating_one_plan_at_once_make_one_activation(
    platform: Platform,
) -> None:
    orgs = make_orgs(platform)
    plan = save_shipped(platform, "typhoon.yaml", orgs.org["city"])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def activate() -> None:
        barrier.wait()
        try:
            platform.bus.handle(
                ActivatePlan(plan_id=plan.id, incident_id="TY-1", level=Grade.II), SYSTEM_ACTOR
            )
            outcomes.append("activated")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=activate) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["activated", "conflict"]
    [activation] = _activations(platform, "TY-1")
    assert len(_events(platform, "PlanActivated")) == 1
    assert len(_tasks(platform, activation.id)) == len(
        [a for a in plan.document.actions if a.applies_at(Grade.II)]
    )


def test_the_store_refuses_a_second_live_activation_even_past_the_service_check(
    platform: Platform,
) -> None:
    orgs = make_orgs(platform)
    plan = save_shipped(platform, "typhoon.yaml", orgs.org["city"])
    first = platform.bus.handle(
        ActivatePlan(plan_id=plan.id, incident_id="TY-2", level=Grade.IV), SYSTEM_ACTOR
    )
    with platform.uow() as uow:
        with pytest.raises(Conflict):
            uow.repo(PLANS).add_activation(replace(first, id="another"))
        # the transaction is still usable after the refused insert
        assert uow.repo(PLANS).get_activation(first.id) is not None


def test_new_casualty_figures_raise_the_plan_and_add_the_mass_casualty_plan(
    platform: Platform,
) -> None:
    orgs = make_orgs(platform)
    save_shipped(platform, "warehouse_fire.yaml", orgs.org["park"])
    save_shipped(platform, "mass_casualty.yaml", orgs.org["city"])
    publish_grade(platform, "INC-7", "III")
    assert [(a.plan_code, a.level) for a in _activations(platform, "INC-7")] == [
        ("park-warehouse-fire", Grade.III)
    ]
    publish_facts(platform, "INC-7", {"deaths": (0, 12), "serious_injuries": (0, 20)})
    found = {a.plan_code: a for a in _activations(platform, "INC-7")}
    assert found["park-warehouse-fire"].level is Grade.I  # deaths ≥ 10 is a level I criterion
    assert found["mass-casualty"].level is Grade.II  # deaths ≥ 10 (not 30)
    assert found["mass-casualty"].automatic
    assert len(_events(platform, "ResponseLevelRaised")) == 1


def test_concurrent_overdue_checks_escalate_each_task_once(
    platform: Platform, clock: VirtualClock
) -> None:
    orgs = make_orgs(platform)
    save_shipped(platform, "warehouse_fire.yaml", orgs.org["park"])
    publish_grade(platform, "INC-8", "I")
    [activation] = _activations(platform, "INC-8")
    overdue = len(_tasks(platform, activation.id))
    clock.advance(timedelta(hours=2))  # every deadline has passed
    barrier = threading.Barrier(3)
    counts: list[int] = []

    def check() -> None:
        barrier.wait()
        counts.append(platform.bus.handle(CheckOverdueTasks(), SYSTEM_ACTOR))

    threads = [threading.Thread(target=check) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sum(counts) == overdue
    escalated = _events(platform, "TaskEscalated")
    assert len(escalated) == overdue
    assert len({e.aggregate_id for e in escalated}) == overdue
