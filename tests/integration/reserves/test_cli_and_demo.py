"""``lifeline reserves`` commands and the demo's reserves, on a real database."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from lifeline.bootstrap import Platform
from lifeline.cli.main import app
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.registry.seed import PARK_CENTRE, seed_city
from lifeline.reserves import messages as m
from lifeline.reserves.demo import reserves_summary, seed_reserves

runner = CliRunner()


def test_reserves_commands_have_help() -> None:
    for command in ([], ["materials"], ["gaps"], ["alarms"], ["site"], ["import"]):
        result = runner.invoke(app, ["reserves", *command, "--help"])
        assert result.exit_code == 0, result.output
        assert "Usage" in result.output


def test_site_reads_csv_and_writes_geojson(tmp_path: Path) -> None:
    demand = tmp_path / "demand.csv"
    demand.write_text("lon,lat,weight\n114.05,22.54,10\n114.05,22.64,10\n114.05,22.59,10\n")
    candidates = tmp_path / "candidates.csv"
    candidates.write_text("lon,lat,name\n114.05,22.54,south\n114.05,22.59,middle\n")
    out = tmp_path / "sites.geojson"
    result = runner.invoke(
        app,
        [
            "reserves", "site", "--demand", str(demand), "--candidates", str(candidates),
            "--model", "p-median", "--p", "1", "--out", str(out),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "sites middle" in result.output
    geo = json.loads(out.read_text())
    assert [f["properties"]["name"] for f in geo["features"]] == ["middle"]
    bad = tmp_path / "bad.csv"
    bad.write_text("x,y\n1,2\n")
    refused = runner.invoke(
        app, ["reserves", "site", "--demand", str(bad), "--candidates", str(candidates)]
    )
    assert refused.exit_code == 2


def test_demo_seeds_depots_expiring_lots_visible_gaps_and_a_siting_result(
    platform: Platform, database_url: str
) -> None:
    city = seed_city(platform.bus, SYSTEM_ACTOR)
    demo = seed_reserves(platform.bus, city)
    levels = sorted({d.level.value for d in demo.depots})
    assert levels == ["city", "district", "enterprise", "park"]
    assert len(demo.depots) == 13  # city + 10 districts + park + enterprise
    alarms = platform.bus.handle(m.ExpiryAlarms(within_days=60), SYSTEM_ACTOR)
    assert len(alarms) == demo.near_expiry == 3
    assert demo.gaps is not None
    short = [ln.material_code for ln in demo.gaps.lines if ln.shortage_on_hand > 0]
    assert "0201002" in short  # the park holds no life detectors at all
    assert (demo.gaps.risk_level, demo.gaps.risk_multiplier) == ("high", 1.5)
    tents = next(ln for ln in demo.gaps.lines if ln.material_code == "0101001")
    assert tents.required == 450  # 10 per 1,000 × 30,000 × 1.5 (high risk)
    assert tents.agreed == 150  # the logistics tenant: 20 min lead + 2.5 km travel < 30 min
    assert tents.shortage_with_agreements == max(0.0, tents.shortage_reachable - 150)
    features = demo.siting_geojson["features"]
    assert len(features) == 3
    assert all(f["geometry"]["type"] == "Point" for f in features)
    summary = reserves_summary(platform.bus)
    assert "13 depots" in summary
    # two of the park team (the third is off duty); Longgang's Liu Yang, 12,975 m away, is out
    # of reach on the platform's travel times without a road network: × 1.3 detour at 30 km/h
    # = 33.7 min (at a stated 40 km/h great-circle he would be 19.5 min away)
    assert "2 hazmat-certified responders within 30 min of the park" in summary
    at_40 = platform.bus.handle(
        m.FindResponders(target=PARK_CENTRE, within_min=30, certification="hazmat", speed_kmh=40),
        SYSTEM_ACTOR,
    )
    assert len(at_40) == 3
    assert demo.responders == 6
    request = platform.bus.handle(m.GetRequest(request_id=demo.request_id), SYSTEM_ACTOR)
    assert request.status.value == "committed"
    assert sum(c.quantity_milli for c in request.commitments) == 90_000
    result = runner.invoke(app, ["reserves", "gaps", "--database-url", database_url])
    assert result.exit_code == 0, result.output
    assert "0201002" in result.output
    listed = runner.invoke(app, ["reserves", "alarms", "--database-url", database_url])
    assert "3 lots within 60 days" in listed.output
