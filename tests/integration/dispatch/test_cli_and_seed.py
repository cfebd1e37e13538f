"""``lifeline dispatch`` commands and the demo's units, on a real database."""

from __future__ import annotations

from typer.testing import CliRunner

from lifeline.bootstrap import Platform
from lifeline.cli.main import app
from lifeline.dispatch.messages import AssessCoverage, ListUnits
from lifeline.dispatch.model import UnitType
from lifeline.dispatch.seed import FLEET, seed_dispatch
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.registry.model import DepartmentType
from lifeline.registry.seed import seed_city
from tests.integration.dispatch.city import City

runner = CliRunner()
COMMANDS: tuple[list[str], ...] = (
    [],
    ["units"],
    ["recommend"],
    ["plan"],
    ["approve"],
    ["coverage"],
    ["move-up"],
    ["avl-worker"],
)


def test_dispatch_commands_have_help() -> None:
    for command in COMMANDS:
        result = runner.invoke(app, ["dispatch", *command, "--help"])
        assert result.exit_code == 0, result.output
        assert "Usage" in result.output


def test_seeded_units_and_the_commands(platform: Platform, database_url: str) -> None:
    city = seed_city(platform.bus, SYSTEM_ACTOR)
    demo = seed_dispatch(platform.bus, city)
    expected = sum(n for _, fleet in FLEET.values() for _, n, _ in fleet)
    units, total = platform.bus.handle(ListUnits(limit=500), SYSTEM_ACTOR)
    assert total == expected == len(demo.units)
    assert demo.count(UnitType.ENGINE) == 12
    futian = city.facilities["Futian Fire and Rescue Station"]
    assert {u.unit_type for u in units if u.station_id == futian} == {
        UnitType.ENGINE, UnitType.LADDER, UnitType.HAZMAT, UnitType.DRONE,
    }  # fmt: skip
    coverage = platform.bus.handle(AssessCoverage(), SYSTEM_ACTOR)
    assert coverage.report.fraction == 1.0  # every fire station covers itself
    db = ["--database-url", database_url]
    result = runner.invoke(app, ["dispatch", "units", "--type", "ladder", *db])
    assert result.exit_code == 0, result.output
    assert "福田-ladder-1" in result.output
    assert "南山-ladder-1" in result.output
    assert "福田-fire_engine-1" not in result.output
    # a warehouse fire in Pinghu park: the Pinghu engines are nearest
    fire = City(platform, city.departments[DepartmentType.FIRE])
    incident = fire.incident(22.688, lon=114.126, units={"fire_engine": 2, "hazmat": 1})
    result = runner.invoke(app, ["dispatch", "recommend", incident, *db])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "✔" in line]
    assert len(lines) == 3
    assert all("平湖" in line for line in lines)
    result = runner.invoke(app, ["dispatch", "plan", incident, "--organisation", fire.org, *db])
    assert result.exit_code == 0, result.output
    plan_id = result.output.split("Dispatch plan ")[1].split(" ")[0]
    result = runner.invoke(app, ["dispatch", "approve", plan_id, *db])
    assert result.exit_code == 0, result.output
    assert "approved" in result.output
    result = runner.invoke(app, ["dispatch", "coverage", *db])
    assert result.exit_code == 0, result.output
    assert "NO" in result.output  # Pinghu's engines are out
    result = runner.invoke(app, ["dispatch", "move-up", "--max-moves", "1", *db])
    assert result.exit_code == 0, result.output
    assert "move " in result.output
    assert "→ Pinghu" in result.output or "→ 平湖" in result.output
    result = runner.invoke(app, ["dispatch", "recommend", "nope", *db])
    assert result.exit_code == 1
    assert "not found" in result.output
    result = runner.invoke(app, ["dispatch", "recommend", incident, "--need", "tank", *db])
    assert result.exit_code == 1
