"""The command-centre scenario across contexts: sensor readings in a park warehouse become an
alarm, an incident, an activated warehouse-fire plan with department tasks, ranked units with
ETAs, and, with a second fire, an optimal dispatch of both."""

from __future__ import annotations

from lifeline.bootstrap import Platform
from lifeline.cli.demo import seed_demo
from lifeline.cli.scenario import WAREHOUSE_3, run_fire_scenario
from lifeline.dispatch.messages import GetDispatchPlan
from lifeline.incidents.messages import GetIncident, IncidentTimeline
from lifeline.kernel.access import SYSTEM_ACTOR


def test_a_park_fire_goes_from_sensor_to_dispatch(platform: Platform) -> None:
    demo = seed_demo(platform)
    result = run_fire_scenario(platform, demo.city)

    # the park's smoke rule fired on the ingested readings and proposed a warehouse fire
    incident = platform.bus.handle(GetIncident(incident_id=result.incident_id), SYSTEM_ACTOR)
    assert incident.incident_type == "accident.fire.warehouse"
    assert incident.location.distance_m(WAREHOUSE_3) < 1.0
    assert result.grade == "IV"  # no casualties or losses reported yet: the lowest grade
    # the warehouse-fire plan, snapshotted, with a task for each department it names at IV
    assert result.plan_code == "park-warehouse-fire"
    assert result.tasks >= len(result.departments) >= 4
    assert {"fire", "park"} <= set(result.departments)
    # its run card (3 engines, 1 ladder, 1 hazmat, 2 ambulances) ranked by ETA, nearest first
    by_type: dict[str, list[float]] = {}
    for unit in result.recommended:
        by_type.setdefault(unit.unit_type, []).append(unit.eta_s)
    assert {t: len(v) for t, v in by_type.items()} == {
        "fire_engine": 3,
        "ladder": 1,
        "hazmat": 1,
        "ambulance": 2,
    }
    assert all(v == sorted(v) for v in by_type.values())
    assert all(0 < eta < 3600 for etas in by_type.values() for eta in etas)
    assert "great-circle" in result.travel_basis  # no road network in this platform
    # the second fire: both incidents in one optimal plan, never worse than greedy
    assert result.second_incident_id != result.incident_id
    assert result.assignments >= 7
    assert result.optimal_total_s <= result.greedy_total_s + 1e-6
    plan = platform.bus.handle(GetDispatchPlan(plan_id=result.dispatch_plan_id), SYSTEM_ACTOR)
    assert set(plan.incident_ids) == {result.incident_id, result.second_incident_id}
    assert len({a.unit_id for a in plan.assignments}) == len(plan.assignments)  # never twice
    # and the incident's timeline tells the story from the log
    timeline = platform.bus.handle(IncidentTimeline(incident_id=result.incident_id), SYSTEM_ACTOR)
    kinds = {entry.type for entry in timeline}
    assert {"IncidentOpened", "IncidentGraded", "PlanActivated"} <= kinds
