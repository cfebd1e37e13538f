"""``lifeline roads check``, run before pointing LIFELINE_ROAD_NETWORK at a file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from lifeline.cli.main import app
from lifeline.geo.loading import load_network

runner = CliRunner()
HELSINKI = Path(__file__).parents[2] / "data" / "roads" / "helsinki.osm.pbf"


@pytest.mark.parametrize("command", [["roads"], ["roads", "check"]])
def test_roads_commands_have_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_check_reports_what_the_extract_keeps_and_drops() -> None:
    result = runner.invoke(app, ["roads", "check", str(HELSINKI)])
    assert result.exit_code == 0, result.output
    summary = load_network(str(HELSINKI)).summary()
    assert "helsinki.osm.pbf is usable" in result.output
    assert f"nodes: {summary.nodes:,} kept" in result.output
    assert f"{summary.dropped_nodes:,} dropped" in result.output
    assert f"{summary.one_way_edges:,} one-way" in result.output


def test_check_prints_json_for_a_synthetic_grid() -> None:
    result = runner.invoke(app, ["roads", "check", "synthetic:1000:5", "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["name"] == "synthetic:1000 (seed 5)"
    assert body["nodes"] + body["dropped_nodes"] == 1000
    assert body["one_way_edges"] > 0


@pytest.mark.parametrize(
    ("spec", "reason"),
    [("synthetic:lots", "synthetic:NODES"), ("/nowhere/roads.osm.pbf", "does not exist")],
)
def test_check_exits_1_with_the_reason(spec: str, reason: str) -> None:
    result = runner.invoke(app, ["roads", "check", spec])
    assert result.exit_code == 1
    assert reason in result.output
