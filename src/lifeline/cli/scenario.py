"""The demo's command-centre scenario, end to end through every context's public messages.

A smoke detector and a thermometer in warehouse 3 of the Pinghu e-commerce park report a fire
through the ordinary ingest path → the park's smoke rule raises a red alarm → the alarm proposes
an incident → the incident is opened and graded → the warehouse-fire plan (预案) is activated,
creating each department's tasks → dispatch ranks the units with their ETAs on the platform's
travel times (the road network when one is loaded) → a second fire is called in nearby, and the
optimiser assigns units to both incidents at once, against the greedy nearest-unit answer.

Each step is a command or an event handled by its own context; nothing here reaches into a
context's tables. ``run_fire_scenario`` returns what happened so the demo can print it and the
tests can check it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
from rich.console import Console
from rich.table import Table

from lifeline.bootstrap import Platform
from lifeline.dispatch import messages as dm
from lifeline.incidents import messages as im
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.geo import Point
from lifeline.monitoring import messages as mm
from lifeline.monitoring.batch import SensorKind
from lifeline.monitoring.formats import ParsedRows
from lifeline.plans import messages as pm
from lifeline.registry.seed import PARK_CENTRE, DemoCity

WAREHOUSE_3 = Point(PARK_CENTRE.lon + 0.004, PARK_CENTRE.lat + 0.002)
"""Warehouse 3 of the Pinghu park, about 470 m north-east of the park's centre."""

SECOND_FIRE = Point(PARK_CENTRE.lon - 0.03, PARK_CENTRE.lat - 0.02)
"""A shop fire in Pinghu town, called in while the warehouse burns."""


@dataclass
class Recommended:
    call_sign: str
    unit_type: str
    eta_s: float


@dataclass
class ScenarioResult:
    alarm_ids: list[str] = field(default_factory=list)
    incident_id: str = ""
    incident_title: str = ""
    grade: str = ""
    plan_code: str = ""
    tasks: int = 0
    departments: list[str] = field(default_factory=list)
    recommended: list[Recommended] = field(default_factory=list)
    travel_basis: str = ""
    second_incident_id: str = ""
    dispatch_plan_id: str = ""
    assignments: int = 0
    optimal_total_s: float = 0.0
    greedy_total_s: float = 0.0
    steps: list[str] = field(default_factory=list)


def _readings(smoke_id: str, heat_id: str, start_s: float) -> ParsedRows:
    """Two minutes of readings every 10 s: smoke obscuration climbing from 0.3 to 6 %/m, the
    temperature from 26 to 70 °C."""
    times = np.arange(0, 130, 10, dtype=np.int64)
    smoke = np.clip(0.3 + 0.5 * times / 10, 0.0, 6.0)
    heat = 26.0 + times * 0.35
    ids = [smoke_id] * len(times) + [heat_id] * len(times)
    stamps = np.concatenate([times, times]) + int(start_s)
    return ParsedRows(
        total=len(ids),
        index=list(range(len(ids))),
        datastream_ids=ids,
        time_us=stamps.astype(np.int64) * 1_000_000,
        values=np.concatenate([smoke, heat]).astype(np.float64),
    )


def run_fire_scenario(platform: Platform, city: DemoCity) -> ScenarioResult:
    bus, actor, out = platform.bus, SYSTEM_ACTOR, ScenarioResult()
    thing = bus.handle(
        mm.RegisterThing(
            name="3号仓库火灾探测器 Warehouse 3 detectors",
            organisation_id=city.park_id,
            location=WAREHOUSE_3,
        ),
        actor,
    )
    smoke = bus.handle(
        mm.CreateDatastream(thing_id=thing.id, name="smoke", kind=SensorKind.SMOKE), actor
    )
    heat = bus.handle(
        mm.CreateDatastream(thing_id=thing.id, name="temperature", kind=SensorKind.TEMPERATURE),
        actor,
    )
    start = platform.clock.now() - timedelta(seconds=130)
    bus.handle(
        mm.IngestObservations(rows=_readings(smoke.id, heat.id, start.timestamp()), source="feed"),
        actor,
    )
    out.steps.append("observations stored and evaluated")
    platform.relay.drain()  # alarm → incident proposal → incident → grade → plan → dispatch view
    platform.relay.drain()
    incidents, _ = bus.handle(im.ListIncidents(limit=200), actor)
    fire = next((i for i in incidents if i.location.distance_m(WAREHOUSE_3) < 100), None)
    if fire is None:
        raise RuntimeError("the warehouse fire did not become an incident")
    out.incident_id, out.incident_title = fire.id, fire.title
    out.grade = fire.grade.value if fire.grade else ""
    out.steps.append(f"incident {fire.id} graded {out.grade}")
    activations, _ = bus.handle(pm.ListActivations(incident_id=fire.id), actor)
    if activations:
        out.plan_code = activations[0].plan_code
        tasks, _ = bus.handle(pm.ListTasks(activation_id=activations[0].id, limit=500), actor)
        out.tasks = len(tasks)
        out.departments = sorted({t.department for t in tasks})
        out.steps.append(f"plan {out.plan_code} activated with {out.tasks} tasks")
    recommendation = bus.handle(dm.RecommendUnits(incident_id=fire.id), actor)
    out.travel_basis = recommendation.travel_basis
    out.recommended = [
        Recommended(r.unit.call_sign, r.unit.unit_type.value, r.eta_s)
        for r in recommendation.ranked
        if r.selected
    ]
    out.steps.append(f"{len(out.recommended)} units recommended")
    second = bus.handle(
        im.ReceiveCall(
            incident_type="accident.fire.building",
            location=SECOND_FIRE,
            description="平湖街道商铺起火 Shop fire in Pinghu town",
            title="平湖街道商铺火灾 Pinghu shop fire",
        ),
        actor,
    )
    out.second_incident_id = second.incident.id
    platform.relay.drain()
    platform.relay.drain()
    optimal = bus.handle(
        dm.ProposeDispatchPlan(
            organisation_id=city.city_id,
            incident_ids=(out.incident_id, out.second_incident_id),
            method="optimal",
        ),
        actor,
    )
    greedy = bus.handle(
        dm.ProposeDispatchPlan(
            organisation_id=city.city_id,
            incident_ids=(out.incident_id, out.second_incident_id),
            method="greedy",
        ),
        actor,
    )
    out.dispatch_plan_id = optimal.id
    out.assignments = len(optimal.assignments)
    out.optimal_total_s = optimal.objective_s
    out.greedy_total_s = greedy.objective_s
    out.steps.append("dispatch plan proposed for both incidents")
    return out


def print_fire_scenario(console: Console, result: ScenarioResult, url: str) -> None:
    """The scenario as the demo banner shows it."""
    console.print(
        f"\n[bold]Scenario[/bold]: a fire in warehouse 3 of the Pinghu park → red smoke alarm → "
        f"incident graded {result.grade} → plan {result.plan_code} activated, {result.tasks} "
        f"tasks for {', '.join(result.departments)}"
    )
    table = Table(title=f"Units recommended ({result.travel_basis})")
    table.add_column("call sign")
    table.add_column("type")
    table.add_column("ETA", justify="right")
    for unit in result.recommended:
        table.add_row(unit.call_sign, unit.unit_type, f"{unit.eta_s / 60:.1f} min")
    console.print(table)
    console.print(
        f"Second fire called in nearby: optimal dispatch of both incidents, {result.assignments} "
        f"units, grade-weighted response {result.optimal_total_s / 60:.1f} min "
        f"(greedy nearest-unit {result.greedy_total_s / 60:.1f} min), awaiting approval: "
        f"{url}/dispatch/plans/{result.dispatch_plan_id}"
    )
    console.print(f"Timeline from the log: {url}/incidents/{result.incident_id}/timeline")
