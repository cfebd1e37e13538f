"""``lifeline plans`` commands, the demo seed, and the overdue loop of the serving API."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

from typer.testing import CliRunner

from lifeline.api.app import create_app
from lifeline.bootstrap import Platform
from lifeline.cli.main import app
from lifeline.kernel import eventlog
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.clock import VirtualClock
from lifeline.plans.document import from_yaml
from lifeline.plans.messages import ActivatePlan, ListActivations, ListPlans, ListTasks
from lifeline.plans.model import Grade
from lifeline.plans.seed import SHIPPED, plans_summary, seed_plans, shipped_yaml
from lifeline.registry.model import DepartmentType
from lifeline.registry.seed import seed_city
from tests.integration.plans.helpers import make_orgs, publish_grade, save_shipped

runner = CliRunner()


def test_plans_commands_have_help() -> None:
    for command in ([], ["list"], ["validate"], ["import"], ["export"], ["activate"]):
        result = runner.invoke(app, ["plans", *command, "--help"])
        assert result.exit_code == 0, result.output
        assert "Usage" in result.output
    result = runner.invoke(app, ["plans", "check-overdue", "--help"])
    assert result.exit_code == 0


def test_validate_reports_each_problem_with_its_path(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(shipped_yaml("earthquake.yaml"), encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        shipped_yaml("earthquake.yaml").replace("deadline_min: 30,", "deadline_min: 0,", 1),
        encoding="utf-8",
    )
    ok = runner.invoke(app, ["plans", "validate", str(good)])
    assert ok.exit_code == 0, ok.output
    assert "valid — earthquake" in ok.output
    refused = runner.invoke(app, ["plans", "validate", str(good), str(bad)])
    assert refused.exit_code == 1
    assert "actions.0.deadline_min: must be at least 1 minute" in refused.output


def test_import_export_activate_and_check_overdue_on_a_database(
    platform: Platform, database_url: str, clock: VirtualClock, tmp_path: Path
) -> None:
    orgs = make_orgs(platform)
    source = tmp_path / "gas.yaml"
    source.write_text(shipped_yaml("gas_pipeline_leak.yaml"), encoding="utf-8")
    db = ["--database-url", database_url]
    imported = runner.invoke(
        app,
        ["plans", "import", str(source), "--organisation", orgs.org["city"],
         "--bind", f"police={orgs.org['police']}", *db],
    )  # fmt: skip
    assert imported.exit_code == 0, imported.output
    assert "gas-pipeline-leak created" in imported.output
    listed = runner.invoke(app, ["plans", "list", *db])
    assert "gas-pipeline-leak" in listed.output
    out = tmp_path / "out.yaml"
    exported = runner.invoke(app, ["plans", "export", "gas-pipeline-leak", "--out", str(out), *db])
    assert exported.exit_code == 0, exported.output
    doc = from_yaml(out.read_text(encoding="utf-8"))
    assert doc.department("police") is not None
    assert doc.department("police").organisation_id == orgs.org["police"]  # type: ignore[union-attr]
    activated = runner.invoke(
        app,
        ["plans", "activate", "gas-pipeline-leak", "--incident", "GAS-1", "--level", "III", *db],
    )
    assert activated.exit_code == 0, activated.output
    assert "level III" in activated.output
    assert "2 fire_engine" in activated.output
    again = runner.invoke(
        app, ["plans", "activate", "gas-pipeline-leak", "--incident", "GAS-1", "--level", "II", *db]
    )
    assert again.exit_code == 1
    missing = runner.invoke(app, ["plans", "export", "no-such-plan", *db])
    assert missing.exit_code == 1
    # the CLI runs on the system clock: its own fresh tasks are not due yet, while the tasks of
    # an activation made on the virtual clock (1 July 2026) are long overdue
    checked = runner.invoke(app, ["plans", "check-overdue", *db])
    assert checked.exit_code == 0, checked.output
    assert "0 overdue tasks escalated" in checked.output
    plan = save_shipped(platform, "urban_fire.yaml", orgs.org["city"])
    past = platform.bus.handle(
        ActivatePlan(plan_id=plan.id, incident_id="OLD-1", level=Grade.IV), SYSTEM_ACTOR
    )
    _, due = platform.bus.handle(ListTasks(activation_id=past.id), SYSTEM_ACTOR)
    checked = runner.invoke(app, ["plans", "check-overdue", *db])
    assert f"{due} overdue tasks escalated" in checked.output
    assert due > 0


def test_the_demo_seeds_the_nine_plans_bound_to_the_city_departments(platform: Platform) -> None:
    city = seed_city(platform.bus, SYSTEM_ACTOR)
    seeded = seed_plans(platform.bus, city)
    assert len(seeded.plans) == len(SHIPPED) == 9
    warehouse = seeded.plans["park-warehouse-fire"]
    assert warehouse.organisation_id == city.park_id
    assert seeded.plans["typhoon"].organisation_id == city.city_id
    bound = {d.code: d.organisation_id for d in warehouse.document.departments}
    assert bound["fire"] == city.departments[DepartmentType.FIRE]
    assert bound["park"] == city.park_id
    again = seed_plans(platform.bus, city)  # idempotent: no new versions
    assert {p.version for p in again.plans.values()} == {1}
    _, total = platform.bus.handle(ListPlans(), SYSTEM_ACTOR)
    assert total == 9
    # an alarm-born warehouse fire in the park activates the park plan; fire gets its tasks
    publish_grade(platform, "PARK-FIRE", "IV", organisation_id=city.park_id)
    [activation], _ = platform.bus.handle(ListActivations(incident_id="PARK-FIRE"), SYSTEM_ACTOR)
    assert activation.plan_code == "park-warehouse-fire"
    tasks, _ = platform.bus.handle(ListTasks(activation_id=activation.id), SYSTEM_ACTOR)
    fire_tasks = [t for t in tasks if t.department == "fire"]
    assert fire_tasks
    assert {t.organisation_id for t in fire_tasks} == {city.departments[DepartmentType.FIRE]}


def test_the_serving_api_escalates_overdue_tasks_and_stops_cleanly(
    platform: Platform, clock: VirtualClock
) -> None:
    from fastapi.testclient import TestClient

    orgs = make_orgs(platform)
    save_shipped(platform, "urban_fire.yaml", orgs.org["city"])
    publish_grade(platform, "LATE-1", "IV", incident_type="accident.fire.building")
    clock.advance(timedelta(hours=1))
    started = time.monotonic()
    with TestClient(create_app(platform=platform)):
        escalated: list[object] = []
        while time.monotonic() - started < 20 and not escalated:
            with platform.uow(read_only=True) as uow:
                escalated = list(
                    eventlog.read_after(uow.connection, 0, 100, frozenset({"TaskEscalated"}))
                )
            time.sleep(0.05)
    assert escalated
    assert time.monotonic() - started < 20  # the loop stopped with the app


def test_the_demo_warehouse_fire_activates_the_park_plan(platform: Platform) -> None:
    from lifeline.cli.demo import seed_demo

    seed_demo(platform)
    platform.relay.drain()
    activations, _ = platform.bus.handle(ListActivations(limit=50), SYSTEM_ACTOR)
    [warehouse] = [a for a in activations if a.plan_code == "park-warehouse-fire"]
    assert warehouse.automatic
    tasks, _ = platform.bus.handle(ListTasks(activation_id=warehouse.id), SYSTEM_ACTOR)
    assert {"fire", "park", "police", "health"} <= {t.department for t in tasks}
    summary = plans_summary(platform.bus)
    assert "park-warehouse-fire level IV" in summary
