"""The demo's sensors and live feed on a virtual clock: through the real ingest path the fire
shows in Warehouse B, the loading-dock detector goes offline, the canteen's gas rises; and the
``lifeline monitoring`` commands."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import sqlalchemy as sa
from typer.testing import CliRunner

from lifeline.bootstrap import Platform
from lifeline.cli.main import app
from lifeline.kernel.access import SYSTEM_ACTOR
from lifeline.kernel.clock import VirtualClock
from lifeline.monitoring import messages as m
from lifeline.monitoring.background import PeriodicHealthCheck
from lifeline.monitoring.batch import SensorKind
from lifeline.monitoring.feed import InProcessFeed
from lifeline.monitoring.seed import FIRE_AT, GAS_LEAK, SILENT, seed_monitoring
from lifeline.monitoring.simulator import FeedSimulator
from lifeline.registry.seed import seed_city

runner = CliRunner()


def test_the_scripted_demo_unfolds_within_the_first_minutes(
    platform: Platform, clock: VirtualClock
) -> None:
    city = seed_city(platform.bus, SYSTEM_ACTOR)
    demo = seed_monitoring(platform.bus, city)
    assert len(demo.things) == 10
    assert {s.kind for s in demo.streams} >= {
        SensorKind.SMOKE, SensorKind.TEMPERATURE, SensorKind.COMBUSTIBLE_GAS,
        SensorKind.WATER_LEVEL, SensorKind.VOLTAGE,
    }  # fmt: skip
    park = [t for t in demo.things.values() if t.organisation_id == city.park_id]
    assert len(park) == 7
    assert all(t.area_id == city.areas["park"] for t in park)
    simulator = FeedSimulator(demo.sim_streams(), demo.script(), start_s=clock.now().timestamp())
    feed = InProcessFeed(
        bus=platform.bus, system_uow=platform.uow, limiter=platform.ingest_limiter,
        clock=clock, simulator=simulator, keys=demo.keys,
    )  # fmt: skip
    offline_at = None
    for second in range(0, 181, 10):
        if second:
            clock.advance(timedelta(seconds=10))
        assert feed.tick() > 0
        summary = platform.bus.handle(m.CheckDeviceHealth(), SYSTEM_ACTOR)
        if summary.went_offline and offline_at is None:
            assert summary.went_offline == [demo.things[SILENT].id]
            offline_at = second
    assert offline_at is not None
    assert offline_at <= 90

    def latest(thing: str, kind: SensorKind) -> float:
        rows = platform.bus.handle(
            m.ListObservations(datastream_id=demo.stream(thing, kind).id, limit=1), SYSTEM_ACTOR
        )
        return float(rows[0][1])

    assert latest(FIRE_AT, SensorKind.SMOKE) > 10  # %/m: dense smoke
    assert latest(FIRE_AT, SensorKind.TEMPERATURE) > 70
    assert latest("Warehouse A fire panel", SensorKind.TEMPERATURE) < 30
    assert latest(GAS_LEAK, SensorKind.COMBUSTIBLE_GAS) > 20  # %LEL
    assert feed.accepted == feed.sent


def test_the_periodic_health_check_runs_and_stops(platform: Platform) -> None:
    loop = PeriodicHealthCheck(platform.bus, interval_s=0.05)
    loop.start()
    deadline = time.monotonic() + 10
    while loop.rounds < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    loop.stop()
    assert loop.rounds >= 2
    rounds = loop.rounds
    time.sleep(0.2)
    assert loop.rounds == rounds


def test_monitoring_commands_explain_themselves_and_check_health(database_url: str) -> None:
    for command in ([], ["kinds"], ["check-health"], ["mqtt-worker"], ["feed"]):
        result = runner.invoke(app, ["monitoring", *command, "--help"])
        assert result.exit_code == 0, result.output
        assert "Usage" in result.output
    kinds = runner.invoke(app, ["monitoring", "kinds"])
    assert "combustible_gas" in kinds.output
    assert "%LEL" in kinds.output
    checked = runner.invoke(app, ["monitoring", "check-health", "--database-url", database_url])
    assert checked.exit_code == 0, checked.output
    assert "went offline: 0" in checked.output
    no_broker = runner.invoke(
        app, ["monitoring", "mqtt-worker", "--database-url", database_url], env={}
    )
    assert no_broker.exit_code == 2


def test_the_whole_demo_raises_fire_gas_and_composite_alarms_and_an_offline_device(
    platform: Platform, clock: VirtualClock
) -> None:
    from lifeline.cli.demo import seed_demo

    demo = seed_demo(platform)
    assert demo.monitoring is not None
    simulator = FeedSimulator(
        demo.monitoring.sim_streams(), demo.monitoring.script(), start_s=clock.now().timestamp()
    )
    feed = InProcessFeed(
        bus=platform.bus, system_uow=platform.uow, limiter=platform.ingest_limiter,
        clock=clock, simulator=simulator, keys=demo.monitoring.keys,
    )  # fmt: skip
    for second in range(0, 241, 10):  # the first four minutes
        if second:
            clock.advance(timedelta(seconds=10))
        feed.tick()
        platform.bus.handle(m.CheckDeviceHealth(), SYSTEM_ACTOR)
        platform.relay.drain()
    with platform.engine.connect() as conn:
        raised = [
            json.loads(p)
            for (p,) in conn.execute(
                sa.text("SELECT payload FROM event_log WHERE type = 'AlarmRaised'")
            )
        ]
        offline = conn.execute(
            sa.text("SELECT aggregate_id FROM event_log WHERE type = 'DeviceWentOffline'")
        ).all()
    fire_rules = {a["rule_id"] for a in raised if a["hazard"] == "fire"}
    assert len(fire_rules) >= 2  # the smoke threshold and the smoke-and-heat composite
    assert any(a["hazard"] == "gas_leak" for a in raised)
    assert [r[0] for r in offline] == [demo.monitoring.things[SILENT].id]
