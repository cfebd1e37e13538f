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


def _osm_xml(path: Path, ways: str) -> Path:
    nodes = "".join(
        f'<node id="{i}" version="1" lat="{60.17 + i * 0.001}" lon="24.94"/>' for i in range(1, 9)
    )
    path.write_text(f'<?xml version="1.0"?><osm version="0.6">{nodes}{ways}</osm>')
    return path


def test_check_refuses_bad_extracts_with_the_reason(tmp_path: Path) -> None:
    empty = tmp_path / "empty.osm.pbf"
    empty.write_bytes(b"")
    truncated = tmp_path / "truncated.osm.pbf"
    truncated.write_bytes(HELSINKI.read_bytes()[:20_000])
    folder = tmp_path / "folder.osm.pbf"
    folder.mkdir()
    broken = tmp_path / "broken.osm"
    broken.write_text('<osm version="0.6"><node id="1" lat="60" lon="24"')
    # four roads that never meet: the largest strongly connected part is 2 of 8 nodes
    road = '<way id="{0}"><nd ref="{1}"/><nd ref="{2}"/><tag k="highway" v="primary"/></way>'
    ways = "".join(road.format(i, 2 * i - 1, 2 * i) for i in range(1, 5))
    split = _osm_xml(tmp_path / "split.osm", ways)
    none = _osm_xml(tmp_path / "none.osm", "")
    for spec, reason in [
        (empty, "is empty"),
        (truncated, "cannot read"),
        (folder, "is a directory"),
        (broken, "cannot read"),
        (split, "is disconnected"),
        (none, "no drivable road"),
        ("synthetic:3", "between 4 and"),
        ("synthetic:99999999999", "between 4 and"),
    ]:
        result = runner.invoke(app, ["roads", "check", str(spec)])
        assert result.exit_code == 1, (spec, result.output)
        assert reason in " ".join(result.output.split()), (spec, result.output)
