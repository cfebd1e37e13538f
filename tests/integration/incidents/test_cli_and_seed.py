"""The ``lifeline incidents`` commands and the demo's incidents, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from lifeline.bootstrap import Platform
from lifeline.cli.main import app
from lifeline.incidents.messages import ListIncidents, ListReports
from lifeline.incidents.seed import seed_incidents
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.registry.seed import PARK_CENTRE, seed_city

runner = CliRunner()


@pytest.mark.parametrize(
    "command",
    [
        ["incidents"],
        ["incidents", "codes"],
        ["incidents", "grade"],
        ["incidents", "call"],
        ["incidents", "list"],
        ["incidents", "merge-queue"],
        ["incidents", "timeline"],
        ["incidents", "remind"],
    ],
)
def test_every_incidents_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_grade_applies_regulation_493_without_a_database() -> None:
    result = runner.invoke(
        app, ["incidents", "grade", "--type", "accident.hazmat.leak", "--serious-injuries", "50"]
    )
    assert result.exit_code == 0, result.output
    assert "grade II" in result.output
    unknown = runner.invoke(app, ["incidents", "grade", "--type", "accident.nope"])
    assert unknown.exit_code == 2


def test_the_demo_seeds_calls_a_merged_duplicate_and_a_citizens_report(
    platform: Platform,
) -> None:
    city = seed_city(platform.bus, SYSTEM_ACTOR)
    demo = seed_incidents(platform.bus, city)
    found, total = platform.bus.handle(ListIncidents(), SYSTEM_ACTOR)
    assert total == 4  # two calls about the fire became one incident
    by_id = {i.id: i for i in found}
    fire = by_id[demo.warehouse_fire]
    assert fire.report_count == 2
    assert fire.organisation_id == city.park_id
    assert by_id[demo.waterlogging].source.value == "citizen"
    assert sum(i.exercise for i in found) == 1
    reports = platform.bus.handle(ListReports(incident_id=fire.id), SYSTEM_ACTOR)
    assert {r.incident_type for r in reports} == {"accident.fire.warehouse", "accident.fire"}


def test_call_list_timeline_and_remind_on_the_database(
    platform: Platform, database_url: str
) -> None:
    seed_city(platform.bus, SYSTEM_ACTOR)
    db = ["--database-url", database_url]
    where = ["--lon", str(PARK_CENTRE.lon), "--lat", str(PARK_CENTRE.lat)]
    made = runner.invoke(
        app, ["incidents", "call", "--type", "accident.fire", *where, "--deaths", "3", *db]
    )
    assert made.exit_code == 0, made.output
    assert made.output.startswith("new: incident")
    assert "grade III" in made.output
    incident_id = made.output.split()[2]
    again = runner.invoke(app, ["incidents", "call", "--type", "accident.fire", *where, *db])
    assert again.output.startswith("merge:")
    at_sea = runner.invoke(
        app, ["incidents", "call", "--type", "accident.fire", "--lon", "114", "--lat", "22.2", *db]
    )
    assert at_sea.exit_code == 1
    assert "outside the jurisdiction" in at_sea.output
    listed = runner.invoke(app, ["incidents", "list", *db])
    assert "Incidents (1)" in listed.output
    assert incident_id in listed.output
    assert "2 report(s)" in listed.output
    timeline = runner.invoke(app, ["incidents", "timeline", incident_id, *db])
    assert timeline.exit_code == 0, timeline.output
    assert timeline.output.count("ReportReceived") == 2
    reminded = runner.invoke(app, ["incidents", "remind", *db])
    assert reminded.exit_code == 0
    assert "0 situation report(s) due" in reminded.output
