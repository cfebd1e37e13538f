"""``lifeline warning`` commands and the demo rules, on a real database."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from lifeline.bootstrap import Platform
from lifeline.cli.main import app
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.monitoring.batch import SensorKind
from lifeline.registry.seed import PARK_CENTRE, seed_city
from lifeline.warning.messages import ListAlarms
from lifeline.warning.seed import seed_warning, warning_summary
from tests.integration.security.world import register_tree
from tests.integration.warning.helpers import feed, stream

runner = CliRunner()


def test_warning_commands_have_help() -> None:
    for command in ([], ["scales"], ["add-rule"], ["rules"], ["alarms"], ["escalate"]):
        result = runner.invoke(app, ["warning", *command, "--help"])
        assert result.exit_code == 0, result.output
        assert "Usage" in result.output


def test_scales_lists_the_shenzhen_signals() -> None:
    result = runner.invoke(app, ["warning", "scales"])
    assert result.exit_code == 0, result.output
    for code in ("national", "shenzhen_typhoon", "shenzhen_rainstorm", "white"):
        assert code in result.output


def test_add_rule_from_yaml_then_alarms_and_escalate(
    platform: Platform, database_url: str, tmp_path: Path
) -> None:
    park = register_tree(platform)["park"].id
    rule_file = tmp_path / "smoke.yaml"
    rule_file.write_text(
        "name: Kitchen smoke\nhazard: fire\nselect: {kind: smoke}\n"
        "condition:\n  type: threshold\n  levels:\n    - {level: orange, raise_at: 3}\n"
        "escalation:\n  - {type: notify, role: duty_officer}\n",
        encoding="utf-8",
    )
    made = runner.invoke(
        app,
        ["warning", "add-rule", str(rule_file), "--organisation-id", park,
         "--database-url", database_url],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert "Kitchen smoke" in made.output
    assert "version 1" in made.output
    feed(platform, stream("kitchen-1", park), [4.0])
    listed = runner.invoke(app, ["warning", "alarms", "--database-url", database_url])
    assert "Kitchen smoke" in listed.output
    assert "1 alarms" in listed.output
    ran = runner.invoke(app, ["warning", "escalate", "--database-url", database_url])
    assert ran.exit_code == 0, ran.output
    assert "1 escalation steps" in ran.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nhazard: fire\ncondition: {type: threshold}\n", encoding="utf-8")
    refused = runner.invoke(
        app,
        ["warning", "add-rule", str(bad), "--organisation-id", park,
         "--database-url", database_url],
    )  # fmt: skip
    assert refused.exit_code == 1
    assert "condition.levels" in refused.output


def test_demo_rules_fire_on_park_sensors(platform: Platform) -> None:
    city = seed_city(platform.bus, SYSTEM_ACTOR)
    demo = seed_warning(platform.bus, city)
    assert len(demo.rules) == 5
    assert "early warning · 5 rules (Park smoke detector" in warning_summary(platform.bus)
    lon, lat = PARK_CENTRE.lon, PARK_CENTRE.lat
    smoke = stream("park-smoke", city.park_id, SensorKind.SMOKE, "warehouse-3", lon, lat)
    heat = stream(
        "park-temp", city.park_id, SensorKind.TEMPERATURE, "warehouse-3-t", lon + 0.0002, lat
    )
    gas = stream("park-gas", city.park_id, SensorKind.COMBUSTIBLE_GAS, "canteen", lon, lat)
    feed(platform, heat, [24.0, 26.0, 28.0], step_s=10)  # +12 °C/min
    feed(platform, smoke, [0.5, 2.5, 4.5, 4.6], step_s=30)
    feed(platform, gas, [5.0, 12.0, 30.0], step_s=30)
    alarms, _ = platform.bus.handle(ListAlarms(), SYSTEM_ACTOR)
    fired = {(a.title, a.level) for a in alarms}
    assert fired == {
        ("Park smoke detector", "red"),
        ("Smoke and temperature rise within 50 m", "red"),
        ("Combustible gas (%LEL)", "orange"),
    }
    assert all(a.incident_proposed for a in alarms)
