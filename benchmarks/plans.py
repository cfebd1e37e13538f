"""Plan activation throughput: tasks created per second when a large plan is activated, against
a baseline measured in the same run.

A synthetic plan with ``--departments`` departments × ``--actions`` actions each (five checklist
items per action) is written as YAML, parsed and validated, saved, and activated on a freshly
migrated SQLite database (the embedded default) through the message bus, as a commander would:
one unit of work that snapshots the plan, inserts every task and appends ``PlanActivated`` plus
one ``TaskAssigned`` per task to the hash-chained event log.

- **baseline**: the same tasks created one unit of work each (task row + its event, one commit
  per task) — what a per-task loop would cost. The ratio activation/baseline is the speed-up of
  activating in one transaction.
- **escalation**: the virtual clock moves past every deadline and ``CheckOverdueTasks`` escalates
  them all (one event each), in tasks per second.

What this does not measure: PostgreSQL, the outbox relay handing the events on, or HTTP.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import yaml

from lifeline.bootstrap import Platform, build_platform
from lifeline.config import Settings
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.clock import VirtualClock
from lifeline.kernel.ids import new_id
from lifeline.migrations import runner
from lifeline.plans.activation import build_tasks
from lifeline.plans.document import from_yaml
from lifeline.plans.messages import ActivatePlan, CheckOverdueTasks, SavePlan
from lifeline.plans.model import PLANS, Activation, Grade
from lifeline.plans.service.activation import task_assigned_events
from lifeline.registry.model import OrgKind, RegisterOrganisation

T0 = datetime(2026, 7, 1, 8, tzinfo=UTC)


def large_plan_yaml(departments: int, actions: int) -> str:
    """A valid plan document with ``departments × actions`` actions at every level."""
    depts = [
        {"code": f"dept-{d:03d}", "name": f"部门{d}", "name_en": f"Department {d}"}
        for d in range(departments)
    ]
    doc = {
        "code": "bench-large",
        "title": "基准测试大型预案",
        "title_en": "Benchmark large plan",
        "category": "accident",
        "incident_types": ["accident.bench"],
        "grades": ["I", "II", "III", "IV"],
        "departments": depts,
        "levels": [
            {
                "code": "IV",
                "name": "四级响应",
                "name_en": "Level IV",
                "triggers": [{"grade_at_least": "IV"}],
                "units": [{"unit_type": "fire_engine", "count": 3}],
            }
        ],
        "actions": [
            {
                "department": dept["code"],
                "title": f"任务 {a}",
                "title_en": f"Task {a} of {dept['name_en']}",
                "deadline_min": 5 + a,
                "checklist": [f"item {i}" for i in range(5)],
            }
            for dept in depts
            for a in range(actions)
        ],
    }
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def fresh_platform(path: Path) -> tuple[Platform, VirtualClock]:
    clock = VirtualClock(T0)
    platform = build_platform(
        Settings(database_url=f"sqlite:///{path}", log_json=False, jwt_secret="x" * 40),
        clock=clock,
    )
    runner.upgrade(platform.engine)
    return platform, clock


def run(departments: int, actions: int, workdir: Path) -> None:
    text = large_plan_yaml(departments, actions)
    start = time.perf_counter()
    doc = from_yaml(text)
    parse_s = time.perf_counter() - start
    n = len(doc.actions)

    platform, clock = fresh_platform(workdir / "bench.sqlite")
    org = platform.bus.handle(RegisterOrganisation(name="基准市", kind=OrgKind.CITY), SYSTEM_ACTOR)
    saved = platform.bus.handle(SavePlan(organisation_id=org.id, document=doc), SYSTEM_ACTOR)

    start = time.perf_counter()
    activation: Activation = platform.bus.handle(
        ActivatePlan(plan_id=saved.plan.id, incident_id="BENCH-1", level=Grade.IV), SYSTEM_ACTOR
    )
    activate_s = time.perf_counter() - start

    # baseline: the same tasks, one unit of work (task + event + commit) each
    other = replace(activation, id=new_id(), incident_id="BENCH-2")
    with platform.uow() as uow:
        uow.repo(PLANS).add_activation(other)
        uow.commit()
    tasks = build_tasks(
        doc, Grade.IV, activation_id=other.id, incident_id=other.incident_id,
        activated_at=clock.now(), now=clock.now(), owner=(org.id, org.path),
        department_paths={}, new_id=new_id,
    )  # fmt: skip
    start = time.perf_counter()
    for task in tasks:
        with platform.uow() as uow:
            uow.repo(PLANS).add_tasks([task])
            uow.record(*task_assigned_events([task]))
            uow.commit()
    baseline_s = time.perf_counter() - start

    clock.advance(timedelta(minutes=5 + actions + 1))
    start = time.perf_counter()
    escalated = platform.bus.handle(CheckOverdueTasks(limit=4 * n), SYSTEM_ACTOR)
    escalate_s = time.perf_counter() - start
    platform.close()

    print(f"Plan activation on SQLite: {departments} departments x {actions} actions = {n} tasks")
    print(f"{'step':<32}{'tasks':>8}{'seconds':>10}{'tasks/s':>12}")
    rows = (
        ("parse + validate YAML", n, parse_s),
        ("activation (1 transaction)", n, activate_s),
        ("baseline (1 transaction/task)", n, baseline_s),
        ("overdue escalation", escalated, escalate_s),
    )
    for name, count, seconds in rows:
        print(f"{name:<32}{count:>8}{seconds:>10.3f}{count / seconds:>12,.0f}")
    print(f"ratio activation/baseline tasks/s: {baseline_s / activate_s:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--departments", type=int, default=40, help="departments in the plan")
    parser.add_argument("--actions", type=int, default=50, help="actions per department")
    parser.add_argument("--quick", action="store_true", help="a small plan: does it still work?")
    args = parser.parse_args()
    departments, actions = (5, 10) if args.quick else (args.departments, args.actions)
    with tempfile.TemporaryDirectory() as tmp:
        run(departments, actions, Path(tmp))


if __name__ == "__main__":
    main()
